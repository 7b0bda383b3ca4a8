import { describe, expect, it } from 'vitest';
import { InputError } from '../contracts/index.js';
import { allocate } from './allocate.js';
import { parseAllocationRequest } from './parse.js';
import { mutable, tinyBook } from './test-support/books.js';

/** Runs `allocate` and returns the InputError's paths (fails the test if it does not throw one). */
async function pathsOf(book: unknown): Promise<string[]> {
  try {
    await allocate(book);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).issues.map((i) => i.path);
  }
  throw new Error('expected an InputError');
}

describe('allocation request checks (each fails before any work, naming the JSON path)', () => {
  it('accepts the tiny book', () => {
    expect(() => parseAllocationRequest(tinyBook())).not.toThrow();
  });

  const cases: [string, (b: any) => void, string][] = [
    ['unknown security in a trade', (b) => (b.trades[1].security = 'NOPE'), 'trades[1].security'],
    ['unknown security in a position', (b) => (b.accounts[0].positions.NOPE = 1), 'accounts[0].positions.NOPE'],
    ['duplicate security id', (b) => b.securities.push({ ...b.securities[0] }), 'securities[2].id'],
    ['duplicate trade id', (b) => (b.trades[1].id = 'T1'), 'trades[1].id'],
    ['duplicate account id', (b) => (b.accounts[1].id = 'A'), 'accounts[1].id'],
    ['duplicate metric id', (b) => b.accounts[0].metrics.push({ id: 'gross', terms: [{ value: 'mv' }] }), 'accounts[0].metrics[1].id'],
    ['duplicate constraint id', (b) => b.accounts[1].constraints.push({ ...b.accounts[1].constraints[0] }), 'accounts[1].constraints[1].id'],
    ['NaN quantity', (b) => (b.trades[0].quantity = NaN), 'trades[0].quantity'],
    ['negative quantity', (b) => (b.trades[0].quantity = -5), 'trades[0].quantity'],
    ['zero quantity', (b) => (b.trades[1].quantity = 0), 'trades[1].quantity'],
    ['non-positive security price', (b) => (b.securities[1].price = 0), 'securities[1].price'],
    ['non-positive trade price', (b) => (b.trades[0].price = -1), 'trades[0].price'],
    ['unknown metric in a constraint', (b) => (b.accounts[1].constraints[0].metric = 'margin'), 'accounts[1].constraints[0].metric'],
    ['unknown metric in a ratio', (b) => (b.accounts[0].constraints[0].ratio = ['gross', 'nav']), 'accounts[0].constraints[0].ratio[1]'],
    ['unknown metric in a linear constraint', (b) => (b.accounts[1].constraints[0] = { id: 'x', lhs: [{ metric: 'gross', coef: 1 }, { metric: 'nope', coef: 2 }], op: '<=', limit: 1 }), 'accounts[1].constraints[0].lhs[1].metric'],
    ['scenario row of the wrong length', (b) => (b.scenarios.returns[1] = [0.01]), 'scenarios.returns[1]'],
    ['scenario return ≤ −1', (b) => (b.scenarios.returns[0][1] = -1.2), 'scenarios.returns[0][1]'],
    ['unknown strategy', (b) => (b.options.strategy = 'magic'), 'options.strategy'],
    ['financing rate missing for a type used', (b) => delete b.accounts[1].financing.corporate, 'accounts[1].financing.corporate'],
    ['constraint with both metric and ratio', (b) => (b.accounts[1].constraints[0].ratio = ['gross', 'equity']), 'accounts[1].constraints[0].ratio'],
    ['unknown field (typo)', (b) => (b.options.timeLimit = 3), 'options'],
    ['split trade not in whole lots', (b) => Object.assign(b.options, { allowSplit: true, lot: 3_000_000 }), 'trades[0].quantity'],
    ['filter names an unknown security', (b) => (b.accounts[0].metrics[0].terms[0].filter = { securities: ['X'] }), 'accounts[0].metrics[0].terms[0].filter.securities[0]'],
    ['generated scenarios without durations', (b) => {
      b.scenarios = { generate: { count: 10, seed: 1 } };
      delete b.securities[0].duration;
    }, 'securities[0].duration'],
    ['a generated scenario matrix too large for memory', (b) => (b.scenarios = { generate: { count: 200_000, seed: 1 } }) && (b.securities = Array.from({ length: 300 }, (_, i) => ({ ...b.securities[0], id: `S${i}` }))) && (b.trades = []) && b.accounts.forEach((a: any) => (a.positions = {})), 'scenarios.generate.count'],
    ['built-in metric id redefined', (b) => (b.accounts[0].metrics[0].id = 'equity'), 'accounts[0].metrics[0].id'],
    ['risk term without scenarios', (b) => {
      delete b.scenarios;
      b.objective = { terms: [{ kind: 'risk' }] };
    }, 'objective.terms[0]'],
  ];

  it.each(cases)('%s', async (_name, breakIt, path) => {
    const b = mutable(tinyBook());
    breakIt(b);
    expect(await pathsOf(b)).toContain(path);
  });

  it('collects every issue into one error', async () => {
    const b = mutable(tinyBook());
    b.trades[0].security = 'X';
    b.trades[1].id = 'T1';
    b.accounts[1].constraints[0].metric = 'nope';
    expect(await pathsOf(b)).toEqual(['trades[1].id', 'trades[0].security', 'accounts[1].constraints[0].metric']);
  });

  it('a ratio whose denominator can reach ≤ 0 is rejected before solving', async () => {
    const b = mutable(tinyBook());
    // Equity of A: 5M cash + 2M UST. A sell of 5M CORP at 101 raises cash, but a 5M buy of
    // UST10 at a price far above market lowers equity by the overpayment: 10M × 80/100 = 8M.
    b.trades[0].price = 180;
    expect(await pathsOf(b)).toEqual(['accounts[0].constraints[0].ratio[1]']);
  });

  it('no trades and a single account are valid', () => {
    const none = mutable(tinyBook());
    none.trades = [];
    expect(() => parseAllocationRequest(none)).not.toThrow();
    const one = mutable(tinyBook());
    one.accounts = [one.accounts[0]];
    expect(() => parseAllocationRequest(one)).not.toThrow();
  });
});
