import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { embedAllocation } from './test-support/readme-example.js';

const source = readFileSync(new URL('./test-support/readme-example.ts', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const snippet = source.split('// README:start\n')[1]!.split('// README:end')[0]!;

describe('packages/core/README.md embedding example', () => {
  it('is in the README verbatim', () => {
    expect(readme).toContain(snippet.trim());
  });

  it('runs and returns a validated allocation', async () => {
    const r = await embedAllocation();
    expect(r.placed).toBe(true);
    expect(Object.keys(r.byTrade).sort()).toEqual(['T1', 'T2', 'T3']);
    expect(r.tightest!.pass).toBe(true);
    expect(r.cost).toBeGreaterThan(0);
    expect(r.table).toContain('Compliance');
  });
});
