import { describe, expect, it } from 'vitest';
import { attributionSign, dataSpec, guessTable, issueTarget, isViolated, readPortfolioResult } from './types.js';

describe('portfolio helpers', () => {
  it('guesses the table from a file name', () => {
    expect(guessTable('instruments.csv')).toBe('instruments');
    expect(guessTable('Risk-Model.parquet')).toBe('risk_model');
    expect(guessTable('my positions.csv')).toBe('');
  });
  it('routes server issues to the data or the config forms', () => {
    expect(issueTarget('config.constraints.portfolio.net.lower')).toEqual({ part: 'config', path: 'constraints.portfolio.net.lower' });
    expect(issueTarget('constraints.groups[0].upper')).toEqual({ part: 'config', path: 'constraints.groups[0].upper' });
    expect(issueTarget('data.tables.fx.base64')).toEqual({ part: 'data', path: 'data.tables.fx.base64' });
    expect(issueTarget('positions.parquet:12:price')).toEqual({ part: 'data', path: 'positions.parquet:12:price' });
    expect(issueTarget('instruments')).toEqual({ part: 'data', path: 'instruments' });
    expect(issueTarget('numeraire')).toEqual({ part: 'config', path: 'numeraire' });
  });
  it('builds the data part of the request', () => {
    expect(dataSpec('sample', [])).toEqual({ source: 'sample' });
    expect(
      dataSpec('upload', [
        { name: 'fx.csv', table: 'fx', format: 'csv', size: 3, text: 'a,b' },
        { name: 'odd.parquet', table: '', format: 'parquet', size: 3, base64: 'AAA=' },
      ]),
    ).toEqual({ source: 'inline', tables: { fx: { format: 'csv', text: 'a,b' }, odd: { format: 'parquet', base64: 'AAA=' } } });
  });
  it('reads the run result: ±∞ bounds as null, the three books, cash per currency, rounding breaks', () => {
    const v = readPortfolioResult({
      status: 'optimal',
      trades: [{ instrumentId: 'A', symbol: 'AA', tradeShares: -10 }],
      diagnostics: [
        { id: 'portfolio:net', value: 0.05, lower: -0.05, upper: 0.05, slack: 0, dual: 12.5, binding: true },
        { id: 'portfolio:gross', value: 1.2, lower: null, upper: 1.9 },
        { id: 'bad' },
      ],
      summary: {
        nav: 1e9,
        objective: { optimal: { alpha: 100, factorRisk: 20, objective: 80 }, rounded: { alpha: 99, factorRisk: 20, objective: 79 } },
        metrics: { current: { net: 0, cash: { USD: 5 } }, optimal: { net: 1, cash: { USD: 4 } }, rounded: { net: 1.1, cash: { USD: 4.5 } } },
        solver: { method: 'admm', timeMs: 12, kktOk: true, admm: { iterations: 300 } },
        constraints: { violatedByRounding: [{ id: 'group:x', value: 1.01, lower: null, upper: 1, violation: 0.01 }] },
      },
      runLog: { constraintSets: { presolveIssues: [{ severity: 'error', constraints: ['a', 'b'], paths: ['p'], message: 'm' }] }, solverDiagnostics: { infeasibility: [{ constraint: 'portfolio:net', weight: 2 }] } },
    });
    expect(v.status).toBe('optimal');
    expect(v.trades[0]).toMatchObject({ side: 'sell', tradeShares: -10 });
    expect(v.constraints.map((c) => [c.id, c.lower, c.slack, c.dual, c.binding])).toEqual([
      ['portfolio:net', -0.05, 0, 12.5, true],
      ['portfolio:gross', null, expect.closeTo(0.7, 12), null, false],
    ]);
    expect(v.attribution).toEqual([
      { component: 'alpha', current: undefined, optimal: 100, rounded: 99 },
      { component: 'factorRisk', current: undefined, optimal: 20, rounded: 20 },
    ]);
    expect(v.objective).toEqual({ current: undefined, optimal: 80, rounded: 79 });
    expect(v.metrics).toEqual([
      { key: 'net', current: 0, optimal: 1, rounded: 1.1 },
      { key: 'cash USD', current: 5, optimal: 4, rounded: 4.5 },
    ]);
    expect(v.solver).toEqual({ method: 'admm', timeMs: 12, iterations: 300, kktOk: true });
    expect(v.roundingViolations).toEqual([{ id: 'group:x', value: 1.01, lower: null, upper: 1, violation: 0.01 }]);
    expect(v.issues).toHaveLength(1);
    expect(v.infeasibility).toEqual([{ constraint: 'portfolio:net', weight: 2 }]);
    expect(readPortfolioResult(null).trades).toEqual([]);
    expect(attributionSign('alpha')).toBe(1);
    expect(attributionSign('impactCost')).toBe(-1);
    const c = { id: 'x', value: 0.1 + 1e-10, lower: null, upper: 0.1, slack: -1e-10, dual: null, binding: true };
    expect(isViolated(c)).toBe(false);
    expect(isViolated({ ...c, slack: -1e-3 })).toBe(true);
});
});
