import { describe, expect, it } from 'vitest';
import { solveQp, type CscMatrix, type QpProblem } from '@keel/solver-native/qp';
import { createMulberry32Rng, mixSeed } from '../random/index.js';
import { solveQpInteriorPoint } from './interior-point.js';
import { KktWorkspace, kktResiduals } from './kkt-system.js';

function csc(nRows: number, nCols: number, dense: (i: number, j: number) => number, upper = false): CscMatrix {
  const colPtr = new Int32Array(nCols + 1);
  const rowIdx: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < nCols; j++) {
    for (let i = 0; i < (upper ? j + 1 : nRows); i++) {
      const v = dense(i, j);
      if (v !== 0) {
        rowIdx.push(i);
        values.push(v);
      }
    }
    colPtr[j + 1] = rowIdx.length;
  }
  return { nRows, nCols, colPtr, rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) };
}

/** A random convex QP: P = MᵀM (rank-deficient when r < n), a few general rows, boxes, one equality. */
function randomQp(seed: number, n: number, r: number, rows: number): QpProblem {
  const rng = createMulberry32Rng(mixSeed(seed));
  const M = Array.from({ length: r }, () => Array.from({ length: n }, () => rng.normal()));
  const G = Array.from({ length: rows }, () => Array.from({ length: n }, () => (rng.next() < 0.5 ? rng.normal() : 0)));
  const P = csc(n, n, (i, j) => M.reduce((s, row) => s + (row[i] as number) * (row[j] as number), 0), true);
  const m = rows + n + 1;
  const A = csc(m, n, (i, j) => (i < rows ? (G[i]?.[j] as number) : i < rows + n ? (i - rows === j ? 1 : 0) : 1));
  const l = new Float64Array(m);
  const u = new Float64Array(m);
  for (let i = 0; i < rows; i++) {
    l[i] = -Infinity;
    u[i] = rng.uniform(0.1, 1);
  }
  for (let i = rows; i < rows + n; i++) {
    l[i] = -1;
    u[i] = 1;
  }
  l[m - 1] = 0.5;
  u[m - 1] = 0.5;
  return { n, m, P, q: Float64Array.from({ length: n }, () => rng.normal()), A, l, u };
}

describe('solveQpInteriorPoint', () => {
  it.each([
    [1, 12, 12, 5],
    [2, 20, 5, 8],
    [3, 15, 0, 6],
  ])('matches the ADMM solver at tight tolerance and certifies its own KKT point (seed %i, n %i, rank %i)', (seed, n, r, rows) => {
    const p = randomQp(seed, n, r, rows);
    const ipm = solveQpInteriorPoint(p, new KktWorkspace(p));
    expect(ipm.status).toBe('solved');
    const res = kktResiduals(p, ipm.x, ipm.y);
    expect(res.primal).toBeLessThan(1e-8);
    expect(res.dual).toBeLessThan(1e-7);
    expect(res.complementarity).toBeLessThan(1e-7);
    const admm = solveQp(p, { epsAbs: 1e-10, epsRel: 1e-10, maxIter: 200_000, polish: true }, { backend: 'ts' });
    expect(Math.abs(admm.objective - res.objective)).toBeLessThan(1e-6 * (1 + Math.abs(res.objective)));
  });

  it('returns OSQP-signed multipliers: y > 0 on an active upper bound, y < 0 on an active lower bound', () => {
    // min ½(x0² + x1²) − 2x0 + 2x1, x ∈ [−1, 1]²: x = (1, −1), y = (1, −1).
    const p: QpProblem = { n: 2, m: 2, P: csc(2, 2, (i, j) => (i === j ? 1 : 0), true), q: Float64Array.from([-2, 2]), A: csc(2, 2, (i, j) => (i === j ? 1 : 0)), l: Float64Array.from([-1, -1]), u: Float64Array.from([1, 1]) };
    const r = solveQpInteriorPoint(p, new KktWorkspace(p));
    expect(Array.from(r.x).map((v) => Number(v.toFixed(8)))).toEqual([1, -1]);
    expect(Array.from(r.y).map((v) => Number(v.toFixed(7)))).toEqual([1, -1]);
  });

  it('never reports an infeasible problem as solved', () => {
    // x ≥ 1 and x ≤ 0.
    const p: QpProblem = { n: 1, m: 2, P: csc(1, 1, () => 1, true), q: Float64Array.from([0]), A: csc(2, 1, () => 1), l: Float64Array.from([1, -Infinity]), u: Float64Array.from([Infinity, 0]) };
    const r = solveQpInteriorPoint(p, new KktWorkspace(p), { maxIter: 60 });
    expect(r.status).not.toBe('solved');
    expect(r.residuals.primal).toBeGreaterThan(0.1);
  });
});
