import type { CscMatrix, QpProblem } from './qp-contract.js';
import { sectorCapOf, type OptimizationConfig } from './config.js';
import type { FactorRisk } from './risk-model.js';
import type { RotationName } from './types.js';

/**
 * The QP rebalancer of seed 05 in the solver's form (min ½xᵀPx + qᵀx + r, l ≤ Ax ≤ u):
 *
 *   maximise  zᵀw − λ wᵀΣw − γ Σᵢ cᵢ |wᵢ − w0ᵢ|
 *   s.t.      Σw = budget            (or −N ≤ Σw ≤ N, the net band, when budget is unset)
 *             loᵢ ≤ wᵢ ≤ hiᵢ,  [loᵢ, hiᵢ] = [−cap, cap] ∩ [w0ᵢ − τᵢ, w0ᵢ + τᵢ]  (lower cap 0 when long_only)
 *             Σ|wᵢ| ≤ G,  Σ|wᵢ − w0ᵢ| ≤ T,  −β_tol ≤ βᵀw ≤ β_tol,  −S_s ≤ Σ_{i∈s} wᵢ ≤ S_s
 *
 * Absolute values, exactly:
 *  - where the per-name interval fixes a sign, |·| is linear: a name that can only be bought
 *    (loᵢ ≥ w0ᵢ, e.g. every unheld name of a long-only book) has |wᵢ − w0ᵢ| = wᵢ − w0ᵢ, its cost
 *    goes into qᵢ and the constant into r; likewise |wᵢ| = ±wᵢ when loᵢ ≥ 0 or hiᵢ ≤ 0;
 *  - otherwise split variables: w − w0 = t⁺ − t⁻ with 0 ≤ t⁺ ≤ hi − w0, 0 ≤ t⁻ ≤ w0 − lo (turnover,
 *    the L1 cost and the name's interval, which needs no row of its own then), and w = w⁺ − w⁻,
 *    w± ≥ 0 (gross), the latter shared with t± when w0ᵢ = 0. The split relaxes |·| to
 *    t⁺ + t⁻ ≥ |·|, which leaves the set of feasible w unchanged; the evaluator judges w.
 * `splitAll` splits every name (the original formulation, kept to show the two agree).
 *
 * Risk: a dense Σ gives P = 2λΣ on the w block (n² non-zeros). A factor model Σ = BFBᵀ + D adds
 * k variables f with rows Bᵀw − f = 0 and P = 2λ(D on w, F on f): wᵀΣw = fᵀFf + Σdᵢwᵢ² exactly,
 * with n + k² non-zeros in P and nnz(B) in A.
 */

export type RowGroup = 'budget' | 'net' | 'gross' | 'turnover' | 'beta' | 'per_name' | 'factor' | 'structure' | `sector:${string}`;

export interface RotationQpLayout {
  readonly n: number;
  /** First column of w (0). */
  readonly w: number;
  /** Per name: the column of t⁺ (t⁻ is the next), or −1 when the sign of the trade is fixed. */
  readonly tradeSplit: Int32Array;
  /** Per name: +1 (can only buy), −1 (can only sell), 0 (split). */
  readonly tradeSign: Int8Array;
  /** Per name: the column of w⁺ (w⁻ is the next; the trade split's when w0 = 0), or −1. */
  readonly grossSplit: Int32Array;
  /** Per name: +1 (w ≥ 0), −1 (w ≤ 0), 0 (split). */
  readonly grossSign: Int8Array;
  /** First factor column, or −1 for a dense Σ. */
  readonly f: number;
  readonly k: number;
  readonly nVars: number;
}

export interface RotationQp {
  readonly problem: QpProblem;
  readonly layout: RotationQpLayout;
  /** The group of every row of A, for diagnostics. */
  readonly rowGroups: readonly RowGroup[];
}

export interface RotationQpOptions {
  /**
   * The original formulation, for comparisons: every |·| split (no sign elimination, no
   * sharing of t± and w±), every name's interval a row on w, t± only ≥ 0.
   */
  readonly splitAll?: boolean;
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


/**
 * The full split layout [w | t⁺ | t⁻ | (w⁺ | w⁻)] of every name: the elastic LPs of elastic.ts
 * (HiGHS) use it; the QP itself eliminates the splits whose sign is known.
 */
export function rotationQpLayout(n: number, longOnly: boolean): { n: number; w: number; tPlus: number; tMinus: number; wPlus: number; wMinus: number; nVars: number } {
  return longOnly
    ? { n, w: 0, tPlus: n, tMinus: 2 * n, wPlus: -1, wMinus: -1, nVars: 3 * n }
    : { n, w: 0, tPlus: n, tMinus: 2 * n, wPlus: 3 * n, wMinus: 4 * n, nVars: 5 * n };
}


/** 2λ(diag(d) on w, F on the factor block), upper triangle, CSC. */
function factorHessian(risk: FactorRisk, n: number, fCol: number, lambda: number, nVars: number): CscMatrix {
  const k = risk.factors.length;
  const colPtr = new Int32Array(nVars + 1);
  const rows: number[] = [];
  const vals: number[] = [];
  for (let j = 0; j < nVars; j++) {
    colPtr[j] = rows.length;
    if (lambda === 0) continue;
    if (j < n) {
      const d = risk.specificVariance[j]!;
      if (d !== 0) {
        rows.push(j);
        vals.push(2 * lambda * d);
      }
    } else if (j >= fCol && j < fCol + k) {
      const b = j - fCol;
      for (let a = 0; a <= b; a++) {
        const v = risk.covariance[a * k + b]!;
        if (v === 0) continue;
        rows.push(fCol + a);
        vals.push(2 * lambda * v);
      }
    }
  }
  colPtr[nVars] = rows.length;
  return { nRows: nVars, nCols: nVars, colPtr, rowIdx: Int32Array.from(rows), values: Float64Array.from(vals) };
}

/**
 * Builds the QP. Callers check first that every per-name interval [lo, hi] is non-empty
 * (see `perNameBounds`); an empty one is an infeasibility named directly, without a solve.
 */
export function buildRotationQp(universe: readonly RotationName[], config: OptimizationConfig, risk: Float64Array | FactorRisk, options: RotationQpOptions = {}): RotationQp {
  const n = universe.length;
  const c = config;
  const bounds = universe.map((u) => perNameBounds(u, c));

  // Columns: w, then the splits that are needed, then f.
  const original = !!options.splitAll;
  let next = n;
  const tradeSign = new Int8Array(n);
  const tradeSplit = new Int32Array(n).fill(-1);
  const grossSign = new Int8Array(n);
  const grossSplit = new Int32Array(n).fill(-1);
  universe.forEach((u, i) => {
    const { lo, hi } = bounds[i]!;
    if (!original && lo >= u.weight) tradeSign[i] = 1;
    else if (!original && hi <= u.weight) tradeSign[i] = -1;
    else {
      tradeSplit[i] = next;
      next += 2;
    }
    if (c.long_only || (!original && lo >= 0)) grossSign[i] = 1;
    else if (!original && hi <= 0) grossSign[i] = -1;
    else if (!original && u.weight === 0 && tradeSplit[i]! >= 0) grossSplit[i] = tradeSplit[i]!;
    else {
      grossSplit[i] = next;
      next += 2;
    }
  });
  const factor = risk instanceof Float64Array ? undefined : risk;
  const k = factor ? factor.factors.length : 0;
  const fCol = factor ? next : -1;
  next += k;
  const L: RotationQpLayout = { n, w: 0, tradeSplit, tradeSign, grossSplit, grossSign, f: fCol, k, nVars: next };

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
  const w = Array.from({ length: n }, (_, i) => L.w + i);
  const ones = (m: number) => new Array<number>(m).fill(1);

  if (c.budget !== undefined) add('budget', w, ones(n), c.budget, c.budget);
  else add('net', w, ones(n), -c.max_net_exposure, c.max_net_exposure);
  {
    // Σ|wᵢ| ≤ G: ±wᵢ where the sign is known, w⁺ + w⁻ where it is not.
    const idx: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < n; i++) {
      if (grossSign[i]) {
        idx.push(L.w + i);
        val.push(grossSign[i]!);
      }
    }
    for (let i = 0; i < n; i++) if (grossSplit[i]! >= 0) idx.push(grossSplit[i]!, grossSplit[i]! + 1), val.push(1, 1);
    add('gross', idx, val, -Infinity, c.max_gross_exposure);
  }
  {
    // Σ|wᵢ − w0ᵢ| ≤ T: sᵢ(wᵢ − w0ᵢ) where the sign sᵢ is known (constants moved to the bound).
    const idx: number[] = [];
    const val: number[] = [];
    let shift = 0;
    for (let i = 0; i < n; i++) {
      if (tradeSign[i]) {
        idx.push(L.w + i);
        val.push(tradeSign[i]!);
        shift += tradeSign[i]! * universe[i]!.weight;
      }
    }
    for (let i = 0; i < n; i++) if (tradeSplit[i]! >= 0) idx.push(tradeSplit[i]!, tradeSplit[i]! + 1), val.push(1, 1);
    add('turnover', idx, val, -Infinity, c.max_turnover + shift);
  }
  if (hasBetas(universe)) add('beta', w, universe.map((u) => u.beta!), -c.beta_tolerance, c.beta_tolerance);
  for (const [s, members] of sectorsOf(universe)) {
    const cap = sectorCapOf(c, s);
    add(`sector:${s}`, members, ones(members.length), c.long_only ? -Infinity : -cap, cap);
  }
  // A name with a trade split gets its interval through t⁺ ≤ hi − w0 and t⁻ ≤ w0 − lo instead
  // (same set of w; measured: about half the ADMM iterations on the sample's long/short and
  // budget variants, see README).
  bounds.forEach((b, i) => {
    if (original || tradeSplit[i]! < 0) add('per_name', [L.w + i], [1], b.lo, b.hi);
  });
  if (factor) {
    // Bᵀw − f = 0, one row per factor.
    const B = factor.loadings;
    for (let a = 0; a < k; a++) {
      const idx: number[] = [];
      const val: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = B[i * k + a]!;
        if (v !== 0) idx.push(L.w + i), val.push(v);
      }
      idx.push(fCol + a);
      val.push(-1);
      add('factor', idx, val, 0, 0);
    }
  }
  universe.forEach((u, i) => {
    const t = tradeSplit[i]!;
    if (t < 0) return;
    add('structure', [L.w + i, t, t + 1], [1, -1, 1], u.weight, u.weight);
    add('per_name', [t], [1], 0, original ? Infinity : bounds[i]!.hi - u.weight);
    add('per_name', [t + 1], [1], 0, original ? Infinity : u.weight - bounds[i]!.lo);
  });
  universe.forEach((_, i) => {
    const g = grossSplit[i]!;
    if (g < 0 || g === tradeSplit[i]) return;
    add('structure', [L.w + i, g, g + 1], [1, -1, 1], 0, 0);
    add('structure', [g], [1], 0, Infinity);
    add('structure', [g + 1], [1], 0, Infinity);
  });

  const q = new Float64Array(L.nVars);
  let r = 0;
  universe.forEach((u, i) => {
    const cost = c.gamma_cost * u.cost;
    q[L.w + i] = -u.z;
    const t = tradeSplit[i]!;
    if (t >= 0) {
      q[t] = cost;
      q[t + 1] = cost;
    } else {
      q[L.w + i] = q[L.w + i]! + tradeSign[i]! * cost;
      r -= tradeSign[i]! * cost * u.weight;
    }
  });
  const problem: QpProblem = {
    n: L.nVars,
    m: A.nRows,
    P: factor ? factorHessian(factor, n, fCol, c.lambda_risk, L.nVars) : riskHessian(risk as Float64Array, n, c.lambda_risk, L.nVars),
    q,
    r,
    A: A.toCsc(),
    l: Float64Array.from(lo),
    u: Float64Array.from(hi),
  };
  return { problem, layout: L, rowGroups: groups };
}
