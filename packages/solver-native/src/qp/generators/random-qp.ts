import type { QpProblem } from '../types.js';
import { Rng } from './rng.js';
import { randomSparse, TripletMatrix } from './triplets.js';

export interface RandomQpSpec {
  readonly n: number;
  /** Rows of A; default 10n as in the OSQP benchmarks. */
  readonly m?: number;
  /** Density of M (P = MMᵀ + αI) and of A; default 0.15. */
  readonly density?: number;
  readonly seed: number;
}

/**
 * The OSQP paper's random QP class: P = MMᵀ + 10⁻²I with sparse M, q ~ N(0, 1), sparse
 * A ~ N(0, 1), l = −U(0, 1), u = U(0, 1). Always feasible (x = 0) and strictly convex.
 */
export function generateRandomQp(spec: RandomQpSpec): QpProblem {
  const { n, seed } = spec;
  const m = spec.m ?? 10 * n;
  const density = spec.density ?? 0.15;
  const rng = new Rng(seed);
  const rand = () => rng.next();
  const normal = () => rng.normal();
  const M = new TripletMatrix(n, n);
  randomSparse(M, 0, 0, n, n, density, rand, normal);
  const Mc = M.toCsc();
  const P = new TripletMatrix(n, n);
  const byCol: { i: number; v: number }[][] = Array.from({ length: n }, () => []);
  for (let j = 0; j < n; j++) for (let k = Mc.colPtr[j]!; k < Mc.colPtr[j + 1]!; k++) byCol[j]!.push({ i: Mc.rowIdx[k]!, v: Mc.values[k]! });
  // (MMᵀ)_{ab} = Σ_j M_aj M_bj
  for (let j = 0; j < n; j++) {
    const col = byCol[j]!;
    for (const { i: a, v: va } of col) for (const { i: b, v: vb } of col) if (a <= b) P.add(a, b, va * vb);
  }
  for (let i = 0; i < n; i++) P.add(i, i, 1e-2);
  const A = new TripletMatrix(m, n);
  randomSparse(A, 0, 0, m, n, density, rand, normal);
  const q = Float64Array.from({ length: n }, normal);
  const l = Float64Array.from({ length: m }, () => -rng.next());
  const u = Float64Array.from({ length: m }, () => rng.next());
  return { n, m, P: P.toCsc(true), q, r: 0, A: A.toCsc(), l, u };
}
