import { describe, expect, it } from 'vitest';
import { solveQp } from '@keel/solver-native/qp';
import { refineAlmgrenChrissActiveSet } from './almgren-chriss-active-set.js';
import { almgrenChrissTrajectory, evaluateAlmgrenChriss } from './almgren-chriss.js';
import { buildAlmgrenChrissQp, buildSeparableQuadraticQp, type CscForm } from './qp-form.js';
import { solveLinearImpact } from './solve-separable.js';

const paper = { sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 1e-6, tau: 1 };
const X = 1e6;

/** ½zᵀPz + qᵀz + r with P given as its upper triangle. */
function qpObjective(P: CscForm, q: Float64Array, r: number, z: ArrayLike<number>): number {
  let quad = 0;
  for (let j = 0; j < P.nCols; j++) {
    for (let k = P.colPtr[j]!; k < P.colPtr[j + 1]!; k++) {
      const i = P.rowIdx[k]!;
      const v = P.values[k]! * z[i]! * z[j]!;
      quad += i === j ? 0.5 * v : v;
    }
  }
  let lin = 0;
  for (let j = 0; j < q.length; j++) lin += q[j]! * z[j]!;
  return quad + lin + r;
}

function rowValues(A: CscForm, z: ArrayLike<number>): Float64Array {
  const out = new Float64Array(A.nRows);
  for (let j = 0; j < A.nCols; j++) for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) out[A.rowIdx[k]!]! += A.values[k]! * z[j]!;
  return out;
}

describe('Almgren–Chriss as a tridiagonal QP', () => {
  it('the QP objective at any trajectory is E + λV (form checked without a solver)', () => {
    const caps = new Float64Array(5).fill(Infinity);
    const b = buildAlmgrenChrissQp(paper, X, caps);
    for (const trades of [almgrenChrissTrajectory(paper, X, 5).trades, Float64Array.from([2e5, 2e5, 2e5, 2e5, 2e5]), Float64Array.from([1e6, 0, 0, 0, 0])]) {
      const z = [];
      let hold = X;
      for (let k = 0; k < 4; k++) z.push((hold -= trades[k]!) / X);
      const viaQp = qpObjective(b.form.P, b.form.q, b.form.r!, z) * b.objectiveScale + b.objectiveOffset;
      expect(Math.abs(viaQp - evaluateAlmgrenChriss(paper, trades).cost) / viaQp).toBeLessThan(1e-12);
      // Rows are the trades in units of X.
      const rows = rowValues(b.form.A, z);
      rows[0] = rows[0]! + 1; // row 0 reads −z_1 for n_1 = 1 − z_1
      rows.forEach((v, k) => expect(Math.abs(v * X - trades[k]!) / X).toBeLessThan(1e-12));
    }
  });

  it('the generic QP solver’s optimum agrees with the closed form where no cap binds', () => {
    for (const N of [5, 60]) {
      const p = { ...paper, tau: 5 / N };
      const caps = new Float64Array(N).fill(Infinity);
      const b = buildAlmgrenChrissQp(p, X, caps);
      const res = solveQp(b.form, { epsAbs: 1e-10, epsRel: 1e-10, maxIter: 50_000, polish: true });
      expect(res.status).toBe('solved');
      const viaQp = b.toTrades(res.x);
      const closed = almgrenChrissTrajectory(p, X, N).trades;
      for (let k = 0; k < N; k++) expect(Math.abs(viaQp[k]! - closed[k]!) / X).toBeLessThan(1e-6);
      const objective = res.objective * b.objectiveScale + b.objectiveOffset;
      expect(Math.abs(objective - evaluateAlmgrenChriss(p, closed).cost) / objective).toBeLessThan(1e-8);
      // The exact refinement of the QP's answer is the closed form to rounding.
      const refined = refineAlmgrenChrissActiveSet(p, X, caps, viaQp, 1e-6 * X)!;
      for (let k = 0; k < N; k++) expect(Math.abs(refined.trades[k]! - closed[k]!) / X).toBeLessThan(1e-12);
    }
  });
});

describe('linear impact as a QP', () => {
  it('the QP solver reproduces the exact water-filling', () => {
    const N = 50;
    const beta = Float64Array.from({ length: N }, (_, t) => 1 + 0.8 * Math.sin(t));
    const caps = new Float64Array(N).fill(Math.floor((1.3 * 1e5) / N));
    const b = buildSeparableQuadraticQp(beta, caps, 1e5);
    const res = solveQp(b.form, { epsAbs: 1e-10, epsRel: 1e-10, maxIter: 50_000, polish: true });
    expect(res.status).toBe('solved');
    const exact = solveLinearImpact(beta, caps, 1e5);
    expect(exact.cappedBins).toBeGreaterThan(0);
    const viaQp = b.toShares(res.x);
    for (let t = 0; t < N; t++) expect(Math.abs(viaQp[t]! - exact.x[t]!) / 1e5).toBeLessThan(1e-7);
  });
});
