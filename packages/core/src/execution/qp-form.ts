import { almgrenChrissConstants, type AlmgrenChrissParams } from './almgren-chriss.js';

/**
 * The scheduling problems written for the generic QP solver (`@keel/solver-native/qp`):
 * minimise ½zᵀPz + qᵀz + r subject to l ≤ Az ≤ u, P upper-triangular CSC. These types mirror the
 * solver's contract structurally so this module does not depend on the solver being built.
 */
export interface CscForm {
  readonly nRows: number;
  readonly nCols: number;
  readonly colPtr: Int32Array;
  readonly rowIdx: Int32Array;
  readonly values: Float64Array;
}

export interface QpForm {
  readonly n: number;
  readonly m: number;
  readonly P: CscForm;
  readonly q: Float64Array;
  readonly r?: number;
  readonly A: CscForm;
  readonly l: Float64Array;
  readonly u: Float64Array;
}

export interface QpOutcome {
  readonly status: string;
  readonly x: Float64Array;
  readonly objective: number;
  readonly info: { readonly iterations: number; readonly backend: string };
}

/** A QP solver: `solveQp` of `@keel/solver-native/qp`, or a stand-in with the same shape. */
export type QpSolveFn = (problem: QpForm, settings?: Readonly<Record<string, number | boolean>>) => QpOutcome;

/**
 * Almgren–Chriss with caps and no short sale, in holdings z_k = x_k/X, k = 1..N−1 (x_0 = X and
 * x_N = 0 are fixed). Divided by η̃X²/τ the objective is
 *   Σ_{k=1}^{N} (z_{k−1} − z_k)² + q Σ_{k=1}^{N−1} z_k²,  q = κ̃²τ²,
 * so P is tridiagonal (4 + 2q on the diagonal, −2 beside it), q_1 = −2 from z_0 = 1, r = 1.
 * Rows: n_k/X = z_{k−1} − z_k ∈ [0, cap_k/X], a bidiagonal A (N × N−1).
 * `toTrades` maps z back to shares; `objectiveScale` and `objectiveOffset` map the QP objective
 * back to E + λV.
 */
export function buildAlmgrenChrissQp(p: AlmgrenChrissParams, total: number, caps: Float64Array) {
  const N = caps.length;
  const nv = N - 1;
  const { etaTilde, kappaTilde } = almgrenChrissConstants(p);
  const q2 = kappaTilde * kappaTilde * p.tau * p.tau;
  const pColPtr = new Int32Array(nv + 1);
  const pRow = new Int32Array(Math.max(0, 2 * nv - 1));
  const pVal = new Float64Array(Math.max(0, 2 * nv - 1));
  let nz = 0;
  for (let j = 0; j < nv; j++) {
    pColPtr[j] = nz;
    if (j > 0) {
      pRow[nz] = j - 1;
      pVal[nz++] = -2;
    }
    pRow[nz] = j;
    pVal[nz++] = 4 + 2 * q2;
  }
  pColPtr[nv] = nz;
  const aColPtr = new Int32Array(nv + 1);
  const aRow = new Int32Array(2 * nv);
  const aVal = new Float64Array(2 * nv);
  for (let j = 0; j < nv; j++) {
    aColPtr[j] = 2 * j;
    aRow[2 * j] = j; // row j is n_{j+1} = z_j − z_{j+1}: coefficient −1 on z_{j+1}
    aVal[2 * j] = -1;
    aRow[2 * j + 1] = j + 1;
    aVal[2 * j + 1] = 1;
  }
  aColPtr[nv] = 2 * nv;
  const l = new Float64Array(N);
  const u = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    l[k] = 0;
    u[k] = caps[k]! / total; // +Infinity stays infinite
  }
  // Row 0 reads 1 − z_1 ∈ [0, c_1] as −z_1 ∈ [−1, c_1 − 1].
  l[0] = -1;
  u[0] = u[0]! - 1;
  const qv = new Float64Array(nv);
  if (nv > 0) qv[0] = -2;
  const form: QpForm = {
    n: nv,
    m: N,
    P: { nRows: nv, nCols: nv, colPtr: pColPtr, rowIdx: pRow, values: pVal },
    q: qv,
    r: 1,
    A: { nRows: N, nCols: nv, colPtr: aColPtr, rowIdx: aRow, values: aVal },
    l,
    u,
  };
  const toTrades = (z: ArrayLike<number>): Float64Array => {
    const n = new Float64Array(N);
    let prev = 1;
    for (let k = 1; k <= N; k++) {
      const zk = k === N ? 0 : z[k - 1]!;
      n[k - 1] = (prev - zk) * total;
      prev = zk;
    }
    return n;
  };
  return {
    form,
    toTrades,
    objectiveScale: (etaTilde * total * total) / p.tau,
    objectiveOffset: 0.5 * p.gamma * total * total + p.epsilon * total,
  };
}

/**
 * Σ w_t x_t² s.t. Σx = S, 0 ≤ x ≤ cap (linear impact, or a power law with exponent 1), in
 * fractions of S with weights relative to their mean: the same problem for the generic solver.
 */
export function buildSeparableQuadraticQp(w: Float64Array, caps: Float64Array, total: number) {
  const n = w.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += w[t]! / n;
  const pColPtr = new Int32Array(n + 1);
  const pRow = new Int32Array(n);
  const pVal = new Float64Array(n);
  const aColPtr = new Int32Array(n + 1);
  const aRow = new Int32Array(2 * n);
  const aVal = new Float64Array(2 * n);
  for (let t = 0; t < n; t++) {
    pColPtr[t] = t;
    pRow[t] = t;
    pVal[t] = (2 * w[t]!) / mean;
    aColPtr[t] = 2 * t;
    aRow[2 * t] = 0;
    aVal[2 * t] = 1;
    aRow[2 * t + 1] = t + 1;
    aVal[2 * t + 1] = 1;
  }
  pColPtr[n] = n;
  aColPtr[n] = 2 * n;
  const l = new Float64Array(n + 1);
  const u = new Float64Array(n + 1);
  l[0] = 1;
  u[0] = 1;
  for (let t = 0; t < n; t++) u[t + 1] = caps[t]! / total;
  const form: QpForm = {
    n,
    m: n + 1,
    P: { nRows: n, nCols: n, colPtr: pColPtr, rowIdx: pRow, values: pVal },
    q: new Float64Array(n),
    A: { nRows: n + 1, nCols: n, colPtr: aColPtr, rowIdx: aRow, values: aVal },
    l,
    u,
  };
  return { form, toShares: (z: ArrayLike<number>) => Float64Array.from(z, (v) => v * total) };
}
