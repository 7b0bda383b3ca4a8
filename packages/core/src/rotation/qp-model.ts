import type { CscMatrix, QpProblem } from './qp-contract.js';
import { sectorCapOf, type OptimizationConfig } from './config.js';
import type { RotationName } from './types.js';

/**
 * The QP rebalancer of seed 05 in the solver's form (min ½xᵀPx + qᵀx, l ≤ Ax ≤ u):
 *
 *   maximise  zᵀw − λ wᵀΣw − γ Σᵢ cᵢ |wᵢ − w0ᵢ|
 *   s.t.      Σw = budget            (or −N ≤ Σw ≤ N, the net band, when budget is unset)
 *             max(−cap, w0ᵢ − τᵢ) ≤ wᵢ ≤ min(cap, w0ᵢ + τᵢ)  (per-name cap ∩ per-name turnover;
 *                                                         lower cap 0 when long_only)
 *             Σ(w⁺ + w⁻) ≤ G,  w = w⁺ − w⁻, w± ≥ 0       (gross; Σw ≤ G when long_only)
 *             Σ(t⁺ + t⁻) ≤ T,  w − w0 = t⁺ − t⁻, t± ≥ 0  (turnover; t± also carry the L1 cost)
 *             −β_tol ≤ βᵀw ≤ β_tol                      (when the universe carries betas)
 *             −S_s ≤ Σ_{i∈s} wᵢ ≤ S_s  per sector s      (net sector exposure)
 *
 * Variables x = [w | t⁺ | t⁻ | w⁺ | w⁻] (w± only without long_only). P = 2λΣ on the w block,
 * q = [−z | γc | γc | 0 | 0]. The split relaxes |·| to t⁺ + t⁻ ≥ |w − w0|, which leaves the set of
 * feasible w unchanged; the evaluator judges w itself, never t± or w±.
 */

export type RowGroup = 'budget' | 'net' | 'gross' | 'turnover' | 'beta' | 'per_name' | 'structure' | `sector:${string}`;

export interface RotationQpLayout {
  readonly n: number;
  readonly w: number;
  readonly tPlus: number;
  readonly tMinus: number;
  /** −1 when long_only (no split of w). */
  readonly wPlus: number;
  readonly wMinus: number;
  readonly nVars: number;
}

export interface RotationQp {
  readonly problem: QpProblem;
  readonly layout: RotationQpLayout;
  /** The group of every row of A, for diagnostics. */
  readonly rowGroups: readonly RowGroup[];
}

/** Per-name bounds on w: cap (and sign when long_only) intersected with the per-name turnover band. */
export function perNameBounds(u: RotationName, c: OptimizationConfig): { lo: number; hi: number } {
  const capLo = c.long_only ? 0 : -c.per_name_cap;
  return { lo: Math.max(capLo, u.weight - c.max_turnover_per_name), hi: Math.min(c.per_name_cap, u.weight + c.max_turnover_per_name) };
}

/** Sorted sectors and their member indices. */
export function sectorsOf(universe: readonly RotationName[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  universe.forEach((u, i) => {
    if (u.sector === undefined) return;
    const list = m.get(u.sector);
    if (list) list.push(i);
    else m.set(u.sector, [i]);
  });
  return new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const hasBetas = (universe: readonly RotationName[]): boolean => universe.length > 0 && universe.every((u) => u.beta !== undefined);

/** Triplets emitted in row order; converted to CSC by a stable counting sort on columns. */
export class TripletMatrix {
  private rows: number[] = [];
  private cols: number[] = [];
  private vals: number[] = [];
  nRows = 0;

  constructor(readonly nCols: number) {}

  /** Appends one row and returns its index. */
  row(indices: readonly number[], values: readonly number[]): number {
    const r = this.nRows++;
    for (let k = 0; k < indices.length; k++) {
      if (values[k] === 0) continue;
      this.rows.push(r);
      this.cols.push(indices[k]!);
      this.vals.push(values[k]!);
    }
    return r;
  }

  toCsc(): CscMatrix {
    const nnz = this.vals.length;
    const colPtr = new Int32Array(this.nCols + 1);
    for (const c of this.cols) colPtr[c + 1]!++;
    for (let j = 0; j < this.nCols; j++) colPtr[j + 1] = colPtr[j + 1]! + colPtr[j]!;
    const next = colPtr.slice(0, this.nCols);
    const rowIdx = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    for (let k = 0; k < nnz; k++) {
      const at = next[this.cols[k]!]!++;
      rowIdx[at] = this.rows[k]!;
      values[at] = this.vals[k]!;
    }
    return { nRows: this.nRows, nCols: this.nCols, colPtr, rowIdx, values };
  }
}

/** Upper triangle of 2λΣ on the first n columns of an nVars × nVars matrix, CSC. */
export function riskHessian(sigma: Float64Array, n: number, lambda: number, nVars: number): CscMatrix {
  const colPtr = new Int32Array(nVars + 1);
  let nnz = 0;
  for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) if (sigma[i * n + j] !== 0 && lambda !== 0) nnz++;
  const rowIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let j = 0; j < nVars; j++) {
    colPtr[j] = k;
    if (j >= n || lambda === 0) continue;
    for (let i = 0; i <= j; i++) {
      const v = sigma[i * n + j]!;
      if (v === 0) continue;
      rowIdx[k] = i;
      values[k++] = 2 * lambda * v;
    }
  }
  colPtr[nVars] = k;
  return { nRows: nVars, nCols: nVars, colPtr, rowIdx, values };
}

export function rotationQpLayout(n: number, longOnly: boolean): RotationQpLayout {
  return longOnly
    ? { n, w: 0, tPlus: n, tMinus: 2 * n, wPlus: -1, wMinus: -1, nVars: 3 * n }
    : { n, w: 0, tPlus: n, tMinus: 2 * n, wPlus: 3 * n, wMinus: 4 * n, nVars: 5 * n };
}

/**
 * Builds the QP. Callers check first that every per-name interval [lo, hi] is non-empty
 * (see `perNameBounds`); an empty one is an infeasibility named directly, without a solve.
 */
export function buildRotationQp(universe: readonly RotationName[], config: OptimizationConfig, sigma: Float64Array): RotationQp {
  const n = universe.length;
  const c = config;
  const L = rotationQpLayout(n, c.long_only);
  const A = new TripletMatrix(L.nVars);
  const lo: number[] = [];
  const hi: number[] = [];
  const groups: RowGroup[] = [];
  const add = (g: RowGroup, idx: number[], val: number[], l: number, u: number) => {
    A.row(idx, val);
    lo.push(l);
    hi.push(u);
    groups.push(g);
  };
  const range = (start: number) => Array.from({ length: n }, (_, i) => start + i);
  const ones = (k: number) => new Array<number>(k).fill(1);
  const w = range(L.w);

  if (c.budget !== undefined) add('budget', w, ones(n), c.budget, c.budget);
  else add('net', w, ones(n), -c.max_net_exposure, c.max_net_exposure);
  if (c.long_only) add('gross', w, ones(n), -Infinity, c.max_gross_exposure);
  else add('gross', [...range(L.wPlus), ...range(L.wMinus)], ones(2 * n), -Infinity, c.max_gross_exposure);
  add('turnover', [...range(L.tPlus), ...range(L.tMinus)], ones(2 * n), -Infinity, c.max_turnover);
  if (hasBetas(universe)) add('beta', w, universe.map((u) => u.beta!), -c.beta_tolerance, c.beta_tolerance);
  for (const [s, members] of sectorsOf(universe)) {
    const cap = sectorCapOf(c, s);
    add(`sector:${s}`, members, ones(members.length), c.long_only ? -Infinity : -cap, cap);
  }
  universe.forEach((u, i) => {
    const b = perNameBounds(u, c);
    add('per_name', [L.w + i], [1], b.lo, b.hi);
  });
  universe.forEach((u, i) => add('structure', [L.w + i, L.tPlus + i, L.tMinus + i], [1, -1, 1], u.weight, u.weight));
  for (let i = 0; i < n; i++) add('structure', [L.tPlus + i], [1], 0, Infinity);
  for (let i = 0; i < n; i++) add('structure', [L.tMinus + i], [1], 0, Infinity);
  if (!c.long_only) {
    for (let i = 0; i < n; i++) add('structure', [L.w + i, L.wPlus + i, L.wMinus + i], [1, -1, 1], 0, 0);
    for (let i = 0; i < n; i++) add('structure', [L.wPlus + i], [1], 0, Infinity);
    for (let i = 0; i < n; i++) add('structure', [L.wMinus + i], [1], 0, Infinity);
  }

  const q = new Float64Array(L.nVars);
  universe.forEach((u, i) => {
    q[L.w + i] = -u.z;
    q[L.tPlus + i] = c.gamma_cost * u.cost;
    q[L.tMinus + i] = c.gamma_cost * u.cost;
  });
  const problem: QpProblem = {
    n: L.nVars,
    m: A.nRows,
    P: riskHessian(sigma, n, c.lambda_risk, L.nVars),
    q,
    A: A.toCsc(),
    l: Float64Array.from(lo),
    u: Float64Array.from(hi),
  };
  return { problem, layout: L, rowGroups: groups };
}
