import type { QpProblem } from '../types.js';
import { regressionData, type RegressionSpec } from './regression.js';
import { TripletMatrix } from './triplets.js';

export type HuberSpec = RegressionSpec;

/**
 * Huber fitting, min Σ huber(dᵢᵀx − bᵢ) (threshold 1), as the OSQP benchmark QP over
 * (x, u, r, s): min ½uᵀu + 1ᵀ(r + s)  s.t.  Dx − u − r + s = b,  r ≥ 0,  s ≥ 0.
 * b from a ground truth plus Gaussian noise with 5% large outliers.
 */
export function generateHuber(spec: HuberSpec): QpProblem {
  const { n } = spec;
  const { md, D: Dc, b } = regressionData(
    spec,
    (rng) => rng.normal() / Math.sqrt(n),
    (rng) => (rng.next() < 0.95 ? 0.5 * rng.normal() : 10 * rng.normal()),
  );

  const nv = n + 3 * md; // x, u, r, s
  const P = new TripletMatrix(nv, nv);
  for (let i = 0; i < md; i++) P.add(n + i, n + i, 1);
  const q = new Float64Array(nv);
  for (let i = 0; i < 2 * md; i++) q[n + md + i] = 1;
  const m = md + 2 * md;
  const A = new TripletMatrix(m, nv);
  for (let j = 0; j < n; j++) for (let k = Dc.colPtr[j]!; k < Dc.colPtr[j + 1]!; k++) A.add(Dc.rowIdx[k]!, j, Dc.values[k]!);
  const l = new Float64Array(m);
  const u = new Float64Array(m);
  for (let i = 0; i < md; i++) {
    A.add(i, n + i, -1).add(i, n + md + i, -1).add(i, n + 2 * md + i, 1);
    l[i] = b[i]!;
    u[i] = b[i]!;
    // r ≥ 0, s ≥ 0
    A.add(md + i, n + md + i, 1);
    l[md + i] = 0;
    u[md + i] = Infinity;
    A.add(2 * md + i, n + 2 * md + i, 1);
    l[2 * md + i] = 0;
    u[2 * md + i] = Infinity;
  }
  return { n: nv, m, P: P.toCsc(true), q, r: 0, A: A.toCsc(), l, u };
}
