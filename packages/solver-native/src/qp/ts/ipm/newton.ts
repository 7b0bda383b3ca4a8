/**
 * The interior-point method's Newton system (as `crates/qp/src/ipm/newton.rs`):
 *
 *   [ P + diag(dₓ)   Aₖᵀ      ] [ Δx  ]   [ r₁ ]
 *   [ Aₖ          −diag(dᵣ)   ] [ Δyₖ ] = [ r₂ ]
 *
 * over the kept rows Aₖ. Assembled, ordered (AMD with a low dense threshold: dense and
 * medium-dense rows last) and analysed once; each iteration rewrites the diagonals, refactors
 * numerically (`TailLdl`) and solves with iterative refinement.
 */
import { amdOrder } from '../amd.js';
import { TailLdl, type PivotRule } from './tail-ldl.js';
import type { RowClasses } from './rows.js';

const REFINE_TOL = 1e-9;
const REFINE_MAX = 4;
const AMD_DENSE = 1.0;

/** Origins of the assembled entries. */
const P_ENTRY = 0;
const X_DIAG = 1;
const A_ENTRY = 2;
const ROW_DIAG = 3;

export class NewtonSystem {
  readonly n: number;
  readonly dim: number;
  private readonly colPtr: Int32Array;
  private readonly rowIdx: Int32Array;
  private readonly values: Float64Array;
  private readonly perm: Int32Array;
  private readonly pSlot: Int32Array;
  private readonly pDiag: Uint8Array;
  private readonly diagSlot: Int32Array;
  private readonly aSlot: Int32Array;
  private readonly rowSlot: Int32Array;
  private readonly signs: Int8Array;
  private readonly shift: Float64Array;
  private readonly pDiagVal: Float64Array;
  private accurate: boolean | undefined;
  private readonly ldl: TailLdl;
  private readonly b: Float64Array;
  private readonly x: Float64Array;
  private readonly r: Float64Array;
  solves = 0;

  constructor(n: number, Pp: Int32Array, Pi: Int32Array, Ap: Int32Array, Ai: Int32Array, rows: RowClasses) {
    const nk = rows.kept.length;
    const dim = n + nk;
    this.n = n;
    this.dim = dim;
    const nnzP = Pp[n]!;
    const nnzA = Ap[n]!;
    // Unpermuted upper-triangle entries with their origin: off-diagonal P, x diagonals, kept A, row diagonals.
    let T = n + nk;
    for (let j = 0; j < n; j++) for (let k = Pp[j]!; k < Pp[j + 1]!; k++) if (Pi[k] !== j) T++;
    for (let k = 0; k < nnzA; k++) if (rows.node[Ai[k]!]! >= 0) T++;
    const er = new Int32Array(T);
    const ec = new Int32Array(T);
    const kind = new Uint8Array(T);
    const idx = new Int32Array(T);
    let t = 0;
    const push = (r: number, c: number, k: number, i: number) => {
      er[t] = r;
      ec[t] = c;
      kind[t] = k;
      idx[t++] = i;
    };
    for (let j = 0; j < n; j++) {
      for (let k = Pp[j]!; k < Pp[j + 1]!; k++) if (Pi[k] !== j) push(Pi[k]!, j, P_ENTRY, k);
      push(j, j, X_DIAG, j);
      for (let k = Ap[j]!; k < Ap[j + 1]!; k++) {
        const node = rows.node[Ai[k]!]!;
        if (node >= 0) push(j, node, A_ENTRY, k);
      }
    }
    for (let r = 0; r < nk; r++) push(n + r, n + r, ROW_DIAG, r);
    // AMD on the unpermuted upper triangle (by column).
    const byCol = countingSort(T, dim, ec, undefined);
    const cp = byCol.ptr;
    const ri = new Int32Array(T);
    for (let q = 0; q < T; q++) ri[q] = er[byCol.ord[q]!]!;
    const perm = amdOrder(dim, cp, ri, AMD_DENSE);
    const pinv = new Int32Array(dim);
    for (let k = 0; k < dim; k++) pinv[perm[k]!] = k;
    // Permuted upper triangle, sorted by (column, row).
    const pr = new Int32Array(T);
    const pc = new Int32Array(T);
    for (let q = 0; q < T; q++) {
      const a = pinv[er[q]!]!;
      const b = pinv[ec[q]!]!;
      pr[q] = Math.min(a, b);
      pc[q] = Math.max(a, b);
    }
    const byRow = countingSort(T, dim, pr, undefined).ord;
    const { ptr: colPtr, ord } = countingSort(T, dim, pc, byRow);
    const rowIdx = new Int32Array(T);
    this.pSlot = new Int32Array(nnzP).fill(-1);
    this.pDiag = new Uint8Array(nnzP);
    this.diagSlot = new Int32Array(n);
    this.aSlot = new Int32Array(nnzA).fill(-1);
    this.rowSlot = new Int32Array(nk);
    for (let s = 0; s < T; s++) {
      const q = ord[s]!;
      rowIdx[s] = pr[q]!;
      const i = idx[q]!;
      switch (kind[q]) {
        case P_ENTRY:
          this.pSlot[i] = s;
          break;
        case X_DIAG:
          this.diagSlot[i] = s;
          break;
        case A_ENTRY:
          this.aSlot[i] = s;
          break;
        default:
          this.rowSlot[i] = s;
      }
    }
    for (let j = 0; j < n; j++) {
      for (let k = Pp[j]!; k < Pp[j + 1]!; k++) {
        if (Pi[k] === j) {
          this.pDiag[k] = 1;
          this.pSlot[k] = this.diagSlot[j]!;
        }
      }
    }
    this.colPtr = colPtr;
    this.rowIdx = rowIdx;
    this.values = new Float64Array(T);
    this.perm = perm;
    this.signs = new Int8Array(dim);
    for (let k = 0; k < dim; k++) this.signs[k] = perm[k]! < n ? 1 : -1;
    this.shift = new Float64Array(dim);
    this.pDiagVal = new Float64Array(n);
    this.ldl = new TailLdl(dim, colPtr, rowIdx);
    this.b = new Float64Array(dim);
    this.x = new Float64Array(dim);
    this.r = new Float64Array(dim);
  }

  get nnzL(): number {
    return this.ldl.nnzL;
  }
  get denseTail(): number {
    return this.ldl.tail;
  }
  get regularizedPivots(): number {
    return this.ldl.regularized;
  }

  /** P's off-diagonal entries and the kept rows of A (once per value update). */
  setMatrices(Pp: Int32Array, Px: Float64Array, Ax: Float64Array): void {
    const { values, pSlot, pDiag, aSlot, pDiagVal, n } = this;
    pDiagVal.fill(0);
    for (let j = 0; j < n; j++) {
      for (let k = Pp[j]!; k < Pp[j + 1]!; k++) {
        if (pDiag[k]) pDiagVal[j]! += Px[k]!;
        else values[pSlot[k]!] = Px[k]!;
      }
    }
    for (let k = 0; k < Ax.length; k++) if (aSlot[k]! >= 0) values[aSlot[k]!] = Ax[k]!;
  }

  /** P's diagonal + dₓ on x, −dᵣ on the kept rows; refinement aims at the matrix without the shifts. */
  setDiagonals(xDiag: Float64Array, rowDiag: Float64Array, shiftX: number, shiftR: number): void {
    const { values, diagSlot, rowSlot, pDiagVal, n, perm, shift } = this;
    for (let j = 0; j < n; j++) values[diagSlot[j]!] = pDiagVal[j]! + xDiag[j]!;
    for (let r = 0; r < rowSlot.length; r++) values[rowSlot[r]!] = -rowDiag[r]!;
    for (let k = 0; k < this.dim; k++) shift[k] = perm[k]! < n ? shiftX : -shiftR;
  }

  /** Numeric factorisation; with `dynamic` tiny or wrong-sign pivots are replaced, without it the inertia must be (n, dim − n). */
  factor(dynamic?: { eps: number; delta: number }): 'ok' | 'singular' | 'inertia' {
    this.accurate = undefined;
    const rule: PivotRule | undefined = dynamic ? { signs: this.signs, eps: dynamic.eps, delta: dynamic.delta } : undefined;
    if (!this.ldl.factor(this.colPtr, this.rowIdx, this.values, rule)) return 'singular';
    if (!dynamic && this.ldl.positive !== this.n) return 'inertia';
    return 'ok';
  }

  get positivePivots(): number {
    return this.ldl.positive;
  }

  /** Solves K d = rhs in place (node order), with refinement until the residual is at rounding level. */
  solve(rhs: Float64Array): void {
    const { perm, b, x, r, dim, colPtr, rowIdx, values, shift } = this;
    for (let k = 0; k < dim; k++) b[k] = rhs[perm[k]!]!;
    x.set(b);
    this.ldl.solve(x);
    this.solves++;
    let bnorm = 0;
    for (let k = 0; k < dim; k++) bnorm = Math.max(bnorm, Math.abs(b[k]!));
    let prev = Infinity;
    const steps = this.accurate === true ? 0 : REFINE_MAX + 1;
    for (let step = 0; step < steps; step++) {
      r.fill(0);
      for (let j = 0; j < dim; j++) {
        const vj = x[j]!;
        let acc = 0;
        for (let q = colPtr[j]!, end = colPtr[j + 1]!; q < end; q++) {
          const i = rowIdx[q]!;
          const w = values[q]!;
          if (i === j) acc += w * vj;
          else {
            r[i]! += w * vj;
            acc += w * x[i]!;
          }
        }
        r[j]! += acc;
      }
      let err = 0;
      for (let k = 0; k < dim; k++) {
        const v = b[k]! - r[k]! + shift[k]! * x[k]!;
        r[k] = v;
        err = Math.max(err, Math.abs(v));
      }
      const done = !(err > REFINE_TOL * (1 + bnorm));
      if (step === 0) this.accurate = done;
      if (done || err > 0.5 * prev || step === steps - 1) break;
      prev = err;
      this.ldl.solve(r);
      this.solves++;
      for (let k = 0; k < dim; k++) x[k]! += r[k]!;
    }
    for (let k = 0; k < dim; k++) rhs[perm[k]!] = x[k]!;
  }
}

/**
 * Stable counting sort of T items by `key` (0 ≤ key < K), optionally starting from an order;
 * returns the bucket pointers and the sorted order of item indices.
 */
function countingSort(T: number, K: number, key: Int32Array, from: Int32Array | undefined): { ptr: Int32Array; ord: Int32Array } {
  const ptr = new Int32Array(K + 1);
  for (let q = 0; q < T; q++) ptr[key[q]! + 1]!++;
  for (let k = 0; k < K; k++) ptr[k + 1] = ptr[k + 1]! + ptr[k]!;
  const next = Int32Array.from(ptr.subarray(0, K));
  const ord = new Int32Array(T);
  for (let s = 0; s < T; s++) {
    const q = from ? from[s]! : s;
    ord[next[key[q]!]!++] = q;
  }
  return { ptr, ord };
}
