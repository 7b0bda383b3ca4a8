import type { QpProblem } from '../types.js';
import { regressionData, type RegressionSpec } from './regression.js';
import { TripletMatrix } from './triplets.js';

export type LassoSpec = RegressionSpec;

/**
 * Lasso, min ½‖Dx − b‖² + λ‖x‖₁, as the OSQP benchmark QP over (x, y, t):
 * min ½yᵀy + λ1ᵀt  s.t.  y = Dx − b,  −t ≤ x ≤ t.
 * D sparse N(0, 1), b from a half-sparse ground truth plus noise, λ = ‖Dᵀb‖∞ / 5.
 */
export function generateLasso(spec: LassoSpec): QpProblem {
  const { n } = spec;
  const { md, D: Dc, b } = regressionData(
    spec,
    (rng) => (rng.next() < 0.5 ? 0 : rng.normal() / Math.sqrt(n)),
    (rng) => rng.normal(),
  );
  let lambda = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = Dc.colPtr[j]!; k < Dc.colPtr[j + 1]!; k++) s += Dc.values[k]! * b[Dc.rowIdx[k]!]!;
    lambda = Math.max(lambda, Math.abs(s));
  }
  lambda /= 5;

  const nv = n + md + n; // x, y, t
  const P = new TripletMatrix(nv, nv);
  for (let i = 0; i < md; i++) P.add(n + i, n + i, 1);
  const q = new Float64Array(nv);
  for (let j = 0; j < n; j++) q[n + md + j] = lambda;
  const m = md + 2 * n;
  const A = new TripletMatrix(m, nv);
  for (let j = 0; j < n; j++) for (let k = Dc.colPtr[j]!; k < Dc.colPtr[j + 1]!; k++) A.add(Dc.rowIdx[k]!, j, Dc.values[k]!);
  for (let i = 0; i < md; i++) A.add(i, n + i, -1);
  const l = new Float64Array(m);
  const u = new Float64Array(m);
  l.set(b, 0);
  u.set(b, 0);
  for (let j = 0; j < n; j++) {
    // x − t ≤ 0 and x + t ≥ 0
    A.add(md + j, j, 1).add(md + j, n + md + j, -1);
    l[md + j] = -Infinity;
    u[md + j] = 0;
    A.add(md + n + j, j, 1).add(md + n + j, n + md + j, 1);
    l[md + n + j] = 0;
    u[md + n + j] = Infinity;
  }
  return { n: nv, m, P: P.toCsc(true), q, r: 0, A: A.toCsc(), l, u };
}
