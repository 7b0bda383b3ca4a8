import { describe, expect, it } from 'vitest';
import { nativeStatus } from '../native/index.js';
import { validateQpResult } from './check.js';
import { generateHuber, generateLasso, generateRandomQp } from './generators/index.js';
import { createQpWorkspace } from './index.js';
import { findMarosMeszarosDir, loadMarosMeszarosIndex, loadMarosMeszarosProblem } from './maros-meszaros.js';
import { denseProblem } from './test-support/dense-qp.js';
import type { QpBackend, QpMethod, QpProblem, QpSettings } from './types.js';

// Native and TS run the same algorithms (ADMM and the interior point); on problems with a unique
// solution both must land on it to 1e-6 (tight tolerances plus polishing), and agree on
// infeasibility.
const status = nativeStatus();
const TIGHT: Partial<QpSettings> = { epsAbs: 1e-9, epsRel: 1e-9, polish: true, maxIter: 20000 };

const solve = (p: QpProblem, backend: QpBackend, s: Partial<QpSettings> = TIGHT) => {
  const ws = createQpWorkspace(p, s, { backend });
  const r = ws.solve();
  ws.dispose();
  return r;
};
const maxDiff = (a: Float64Array, b: Float64Array) => a.reduce((d, v, i) => Math.max(d, Math.abs(v - b[i]!)), a.length === b.length ? 0 : Infinity);

function cases(): [string, QpProblem][] {
  const list: [string, QpProblem][] = [
    ['random n=20', generateRandomQp({ n: 20, seed: 31 })],
    ['random n=40 m=30', generateRandomQp({ n: 40, m: 30, seed: 32 })],
    ['lasso n=8', generateLasso({ n: 8, seed: 33 })],
    ['huber n=6', generateHuber({ n: 6, seed: 34 })],
  ];
  const dir = findMarosMeszarosDir();
  if (dir) {
    for (const e of loadMarosMeszarosIndex(dir).filter((x) => ['HS21', 'HS76', 'HS118', 'DUALC1', 'GENHS28'].includes(x.name))) {
      list.push([`maros ${e.name}`, loadMarosMeszarosProblem(e, dir)]);
    }
  }
  return list;
}

describe.skipIf(!status.available).each(['admm', 'ipm'] as const)(`QP backends agree (native vs ts), %s${status.available ? '' : ` — skipped: ${status.reason}`}`, (method: QpMethod) => {
  it.each(cases())('%s: same solution to 1e-6', (_name, p) => {
    const n = solve(p, 'native', { ...TIGHT, method });
    const t = solve(p, 'ts', { ...TIGHT, method });
    expect(n.info.method).toBe(method);
    expect(t.info.method).toBe(method);
    expect(n.info.backend).toBe('native');
    expect(t.info.backend).toBe('ts');
    expect(n.status).toBe('solved');
    expect(t.status).toBe('solved');
    expect(maxDiff(n.x, t.x)).toBeLessThan(1e-6 * Math.max(1, ...Array.from(t.x, Math.abs)));
    expect(Math.abs(n.objective - t.objective)).toBeLessThan(1e-6 * Math.max(1, Math.abs(t.objective)));
    const check = { epsAbs: 1e-6, epsRel: 1e-6, epsInf: 1e-4 };
    expect(validateQpResult(p, n, check).verified).toBe(true);
    expect(validateQpResult(p, t, check).verified).toBe(true);
  });

  it('agree on infeasible and unbounded problems', () => {
    const infeasible = denseProblem([[1, 0], [0, 1]], [0, 0], [[1, 1], [1, 0], [0, 1]], [3, -Infinity, -Infinity], [Infinity, 1, 1]);
    const unbounded = denseProblem([[0, 0], [0, 2]], [-1, 0], [[1, 0], [0, 1]], [0, -1], [Infinity, 1]);
    for (const [p, expected] of [
      [infeasible, 'primal_infeasible'],
      [unbounded, 'dual_infeasible'],
    ] as const) {
      expect(solve(p, 'native', { method }).status).toBe(expected);
      expect(solve(p, 'ts', { method }).status).toBe(expected);
    }
  });
});
