import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { memoryIo } from '../test-support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-qp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, data: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(data));
  return p;
};

// min ½‖x‖² − 1ᵀx + 2 s.t. x₁ + x₂ ≤ 1 (row 0), x₁ ≥ 0 (row 1): x = (½, ½), objective 1.25
const problem = {
  n: 2,
  m: 2,
  P: { colPtr: [0, 1, 2], rowIdx: [0, 1], values: [1, 1] },
  q: [-1, -1],
  r: 2,
  A: { colPtr: [0, 2, 3], rowIdx: [0, 1, 0], values: [1, 1, 1] },
  l: [null, 0],
  u: [1, 1e30],
  settings: { epsAbs: 1e-8, epsRel: 1e-8, polish: true },
};

describe('keel qp', () => {
  it('solves a problem file on the TS backend and prints MODELS.md §5 JSON', async () => {
    const m = memoryIo(dir);
    expect(await main(['qp', file('p.json', problem), '--backend', 'ts'], m.io)).toBe(0);
    const out = JSON.parse(m.stdout());
    expect(out.status).toBe('solved');
    expect(out.backend).toBe('ts');
    expect(out.objective).toBeCloseTo(1.25, 7);
    expect(out.x[0]).toBeCloseTo(0.5, 7);
    expect(out.y).toHaveLength(2);
    expect(typeof out.iterations).toBe('number');
    expect(typeof out.timeMs).toBe('number');
    expect(out.info.backend).toBe('ts');
  });

  it('solves with the interior point when asked (--method ipm), to the same optimum', async () => {
    const m = memoryIo(dir);
    expect(await main(['qp', file('p-ipm.json', problem), '--backend', 'ts', '--method', 'ipm'], m.io)).toBe(0);
    const out = JSON.parse(m.stdout());
    expect(out.status).toBe('solved');
    expect(out.method).toBe('ipm');
    expect(out.objective).toBeCloseTo(1.25, 7);
    const bad = memoryIo(dir);
    expect(await main(['qp', 'p-ipm.json', '--method', 'simplex'], bad.io)).toBe(2);
    expect(bad.stderr()).toContain('--method');
  });

  it('writes --out atomically and prints a table', async () => {
    const m = memoryIo(dir);
    expect(await main(['qp', 'p.json', '--backend', 'ts', '--out', 'res.json'], m.io)).toBe(0);
    expect(m.stdout()).toMatch(/status\s+solved/);
    expect(JSON.parse(readFileSync(join(dir, 'res.json'), 'utf8')).status).toBe('solved');
  });

  it('reports infeasibility as an answer (exit 0) with a certificate', async () => {
    const m = memoryIo(dir);
    // rows x₁ + x₂ ≥ 3 and x₁ + x₂ ≤ 1 contradict each other
    const bad = { ...problem, A: { colPtr: [0, 2, 4], rowIdx: [0, 1, 0, 1], values: [1, 1, 1, 1] }, l: [3, null], u: [null, 1] };
    expect(await main(['qp', file('inf.json', bad), '--backend', 'ts'], m.io)).toBe(0);
    const out = JSON.parse(m.stdout());
    expect(out.status).toBe('primal_infeasible');
    expect(out.objective).toBeNull();
    expect(out.primalInfeasibilityCertificate).toHaveLength(2);
  });

  it('exits 2 on invalid input, naming the JSON path', async () => {
    const m = memoryIo(dir);
    const broken = { ...problem, A: { ...problem.A, rowIdx: [0, 5, 0] } };
    expect(await main(['qp', file('bad.json', broken)], m.io)).toBe(2);
    expect(m.stderr()).toContain('A.rowIdx[1]');
    const m2 = memoryIo(dir);
    expect(await main(['qp', file('bad2.json', { ...problem, settings: { rho: -1 } })], m2.io)).toBe(2);
    expect(m2.stderr()).toContain('settings.rho');
    const m3 = memoryIo(dir);
    expect(await main(['qp', 'p.json', '--backend', 'gpu'], m3.io)).toBe(2);
    expect(m3.stderr()).toContain('--backend');
  });
});
