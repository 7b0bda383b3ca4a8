import type { CscMatrix } from '../types.js';
import { Rng } from './rng.js';
import { randomSparse, TripletMatrix } from './triplets.js';

/** A regression data set as the OSQP benchmarks draw it (Lasso, Huber). */
export interface RegressionSpec {
  /** Features. */
  readonly n: number;
  /** Data points; default 100n as in the OSQP benchmarks. */
  readonly dataPoints?: number;
  readonly density?: number;
  readonly seed: number;
}

export interface RegressionData {
  /** Data points (rows of D). */
  readonly md: number;
  /** D: md × n, sparse N(0, 1) entries. */
  readonly D: CscMatrix;
  /** b = D·truth + noise. */
  readonly b: Float64Array;
  /** The generator, positioned after D, the truth and the noise, for any further draws. */
  readonly rng: Rng;
}

/** D, then the ground truth (one `truth` draw per feature), then b with one `noise` draw per row. */
export function regressionData(spec: RegressionSpec, truth: (rng: Rng) => number, noise: (rng: Rng) => number): RegressionData {
  const { n, seed } = spec;
  const md = spec.dataPoints ?? 100 * n;
  const rng = new Rng(seed);
  const T = new TripletMatrix(md, n);
  randomSparse(T, 0, 0, md, n, spec.density ?? 0.15, () => rng.next(), () => rng.normal());
  const D = T.toCsc();
  const x = Float64Array.from({ length: n }, () => truth(rng));
  const b = new Float64Array(md);
  for (let j = 0; j < n; j++) for (let k = D.colPtr[j]!; k < D.colPtr[j + 1]!; k++) b[D.rowIdx[k]!]! += D.values[k]! * x[j]!;
  for (let i = 0; i < md; i++) b[i]! += noise(rng);
  return { md, D, b, rng };
}
