import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { memoryIo } from '../test-support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-rotate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const request = (patch: Record<string, unknown> = {}) => ({
  universe: [
    { symbol: 'AAA', z: 2.1, weight: 0.25, vol: 0.3, sector: 'Tech', price: 50, cost: 0.0005 },
    { symbol: 'BBB', z: 1.6, weight: 0, vol: 0.2, sector: 'Energy', price: 20 },
    { symbol: 'CCC', z: -0.4, weight: 0.25, vol: 0.25, sector: 'Tech', price: 10 },
    { symbol: 'DDD', z: 1.2, weight: 0, vol: 0.25, sector: 'Health', price: 80 },
  ],
  correlation: [
    [1, 0.2, 0.1, 0],
    [0.2, 1, 0, 0],
    [0.1, 0, 1, 0.3],
    [0, 0, 0.3, 1],
  ],
  config: { K: 2, K_buy: 2, K_sell: 3, budget: 0.8, max_net_exposure: 1, per_name_cap: 0.5, sector_cap: 0.6 },
  state: { minute: 60, nav: 1_000_000 },
  ...patch,
});
const file = (name: string, data: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(data));
  return p;
};

describe('keel rotate', () => {
  it('prints a decision, the changes with reasons and the orders', async () => {
    const m = memoryIo(dir);
    expect(await main(['rotate', file('r.json', request())], m.io)).toBe(0);
    const out = m.stdout();
    expect(out).toContain('decision: TRADE');
    expect(out).toMatch(/CCC\s+25\.00%\s+0\.00%\s+cut_low_score/);
    expect(out).toMatch(/BBB\s+0\.00%\s+40\.00%\s+buy_top_rank/);
    expect(out).toMatch(/BBB\s+buy\s+20000/);
  });

  it('writes JSON and the OMS CSV', async () => {
    const m = memoryIo(dir);
    expect(await main(['rotate', file('r.json', request()), '--out', 'res.json', '--orders', 'orders.csv'], m.io)).toBe(0);
    const res = JSON.parse(readFileSync(join(dir, 'res.json'), 'utf8'));
    expect(Object.keys(res)).toEqual(expect.arrayContaining(['targets', 'changes', 'orders', 'decision', 'info']));
    expect(res.targets).toEqual({ AAA: 0.4, BBB: 0.4, CCC: 0, DDD: 0 });
    expect(readFileSync(join(dir, 'orders.csv'), 'utf8')).toBe('symbol,side,shares\nAAA,buy,3000\nBBB,buy,20000\nCCC,sell,25000\n');
  });

  it('runs the embedded sample without a file', async () => {
    const m = memoryIo(dir);
    expect(await main(['rotate', '--format', 'json'], m.io)).toBe(0);
    const res = JSON.parse(m.stdout());
    expect(Object.keys(res.targets)).toHaveLength(500);
    expect(res.decision.reasons.length).toBeGreaterThan(0);
  });

  it.each([
    ['non-square correlation', { correlation: [[1, 0.2, 0.1, 0], [0.2, 1, 0], [0.1, 0, 1, 0.3], [0, 0, 0.3, 1]] }, 'correlation[1]'],
    ['asymmetric correlation', { correlation: [[1, 0.2, 0.1, 0], [0.25, 1, 0, 0], [0.1, 0, 1, 0.3], [0, 0, 0.3, 1]] }, 'correlation[0][1]'],
    ['K_buy > K', { config: { K: 2, K_buy: 3, K_sell: 3, budget: 0.8, max_net_exposure: 1, per_name_cap: 0.5 } }, 'config.K_buy'],
    ['caps make Σw = budget impossible', { config: { budget: 1, max_net_exposure: 1, per_name_cap: 0.2 } }, 'config.per_name_cap'],
    ['budget vs max_net_exposure', { config: { budget: 1 } }, 'config.max_net_exposure'],
  ])('exits 2 on bad input (%s) naming %s', async (_label, patch, path) => {
    const m = memoryIo(dir);
    expect(await main(['rotate', file('bad.json', request(patch))], m.io)).toBe(2);
    expect(m.stderr()).toContain(`${path}:`);
  });

  it('exits 2 on a NaN score (as JSON cannot carry NaN, a string)', async () => {
    const m = memoryIo(dir);
    const r = request();
    (r.universe[1] as Record<string, unknown>).z = 'NaN';
    expect(await main(['rotate', file('nan.json', r)], m.io)).toBe(2);
    expect(m.stderr()).toContain('universe[1].z:');
  });

  it('runs the QP engine and validates its answer', async () => {
    const m = memoryIo(dir);
    expect(await main(['rotate', file('q.json', request({ config: { budget: 0.8, max_net_exposure: 1, per_name_cap: 0.5, sector_cap: 0.6, max_turnover: 1, max_turnover_per_name: 0.5, long_only: true } })), '--engine', 'qp', '--format', 'json'], m.io)).toBe(0);
    const res = JSON.parse(m.stdout());
    expect(res.engine).toBe('qp');
    expect(res.info.status).toBe('optimal');
    expect(res.info.checks.every((c: { pass: boolean }) => c.pass)).toBe(true);
    expect(Object.values(res.targets as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(0.8, 6);
    for (const c of res.changes) expect(c.reason).toBe('optimizer');
  });

  it('reports an infeasible QP (exit 0, an answer) with the conflicting constraints named', async () => {
    const m = memoryIo(dir);
    const betas = request({ config: { budget: 0.8, max_net_exposure: 1, per_name_cap: 0.5, sector_cap: 1, beta_tolerance: 0.05, max_turnover: 2, max_turnover_per_name: 1, long_only: true } });
    betas.universe.forEach((u, i) => Object.assign(u, { beta: 0.9 + 0.1 * i }));
    expect(await main(['rotate', file('inf.json', betas), '--engine', 'qp'], m.io)).toBe(0);
    expect(m.stdout()).toContain('status infeasible');
    expect(m.stdout()).toContain('infeasible: conflicting constraints budget + beta + long_only');
    expect(m.stdout()).toContain('decision: no trade (engine_not_optimal)');
  });

  it('exits 2 on an unknown engine', async () => {
    const m = memoryIo(dir);
    expect(await main(['rotate', '--engine', 'magic'], m.io)).toBe(2);
    expect(m.stderr()).toContain('--engine');
  });
});

describe('keel replay', () => {
  it('replays the sample with and without hysteresis', async () => {
    const m = memoryIo(dir);
    expect(await main(['replay', '--names', '60'], m.io)).toBe(0);
    expect(m.stdout()).toMatch(/band\s+K_buy\/K\/K_sell 18\/20\/24/);
    expect(m.stdout()).toMatch(/no band\s+K_buy\/K\/K_sell 20\/20\/20/);
    expect(m.stdout()).toContain('rank hysteresis cut turnover by');
  });
});
