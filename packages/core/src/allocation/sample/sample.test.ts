import { describe, expect, it } from 'vitest';
import { allocate } from '../allocate.js';
import { parseAllocationRequest } from '../parse.js';
import { generateAllocationBook, sampleAllocationRequest, SAMPLE_BOOK_SPEC } from './index.js';

describe('bundled sample book', () => {
  it('is what its spec generates (regenerate: pnpm tsx packages/core/src/allocation/sample/write-sample.ts)', () => {
    expect(sampleAllocationRequest()).toEqual(JSON.parse(JSON.stringify(generateAllocationBook(SAMPLE_BOOK_SPEC))));
  });

  it('has the advertised shape', () => {
    const req = parseAllocationRequest(sampleAllocationRequest());
    expect(req.trades.length).toBe(48);
    expect(req.accounts.length).toBe(5);
    expect(req.accounts.every((a) => a.constraints.length === 6)).toBe(true);
    const kinds = new Set(req.accounts[0]!.constraints.map((c) => (c.ratio ? 'ratio' : c.lhs ? 'linear' : c.op)));
    expect(kinds).toEqual(new Set(['ratio', 'linear', '<=', '>=']));
    expect(req.scenarios && 'generate' in req.scenarios && req.scenarios.generate.count).toBe(1000);
  });

  it('greedy allocates it with every hard constraint holding in every scenario', async () => {
    const r = await allocate(sampleAllocationRequest(), { strategy: 'greedy' });
    expect(r.status).toBe('feasible');
    expect(r.compliance.length).toBe(30);
    expect(r.compliance.every((c) => c.pass)).toBe(true);
  });

  it('the generator is deterministic and other seeds give other books', () => {
    const spec = { trades: 5, accounts: 2, scenarios: 10, constraintsPerAccount: 3, seed: 1 };
    expect(generateAllocationBook(spec)).toEqual(generateAllocationBook(spec));
    expect(generateAllocationBook({ ...spec, seed: 2 })).not.toEqual(generateAllocationBook(spec));
  });
});
