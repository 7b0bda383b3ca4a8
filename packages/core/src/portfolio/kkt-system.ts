/**
 * The KKT matrix [P + δI, Aᵀ; A, diag(d)] of a QP with a fixed pattern (all rows present; a
 * row can be decoupled by zeroing its A entries and giving it d = −1), its symbolic
 * factorisation done once per problem structure, and KKT residuals recomputed from the raw
 * arrays. The interior-point method factors it once per iteration with new diagonals. The
 * linear algebra is the solver package's sparse LDLᵀ; the ordering comes from the caller (the
 * portfolio builder knows its block structure) or AMD.
 */
import type { QpProblem } from '@keel/solver-native/qp';
import { amdOrder, SparseLdl } from '@keel/solver-native/qp/ts';

export interface KktResiduals {
  /** max over rows of the distance of Ax to [l, u]. */
  readonly primal: number;
  /** ‖Px + q + Aᵀy‖∞ */
  readonly dual: number;
  /** max |y_i| · distance to the bound it pushes against, and wrong-sign y on a one-sided row. */
  readonly complementarity: number;
  /** ½xᵀPx + qᵀx + r */
  readonly objective: number;
}

/** KKT residuals of (x, y) for the QP, recomputed from the raw arrays. */
export function kktResiduals(p: QpProblem, x: Float64Array, y: Float64Array): KktResiduals {
  const { n, m, P, A, q, l, u } = p;
  const Px = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let k = P.colPtr[j] as number; k < (P.colPtr[j + 1] as number); k++) {
      const i = P.rowIdx[k] as number;
      const v = P.values[k] as number;
      Px[i] = (Px[i] as number) + v * (x[j] as number);
      if (i !== j) Px[j] = (Px[j] as number) + v * (x[i] as number);
    }
  }
  const Ax = new Float64Array(m);
  const grad = new Float64Array(n);
  let obj = p.r ?? 0;
  for (let j = 0; j < n; j++) {
    let g = (Px[j] as number) + (q[j] as number);
    obj += (x[j] as number) * (0.5 * (Px[j] as number) + (q[j] as number));
    for (let k = A.colPtr[j] as number; k < (A.colPtr[j + 1] as number); k++) {
      const i = A.rowIdx[k] as number;
      Ax[i] = (Ax[i] as number) + (A.values[k] as number) * (x[j] as number);
      g += (A.values[k] as number) * (y[i] as number);
    }
    grad[j] = g;
  }
  let primal = 0;
  let compl = 0;
  for (let i = 0; i < m; i++) {
    const z = Ax[i] as number;
    const lo = l[i] as number;
    const hi = u[i] as number;
    primal = Math.max(primal, lo - z, z - hi);
    const yi = y[i] as number;
    if (yi > 0) compl = Math.max(compl, hi === Infinity ? yi : yi * Math.abs(hi - z));
    else if (yi < 0) compl = Math.max(compl, lo === -Infinity ? -yi : -yi * Math.abs(z - lo));
  }
  let dual = 0;
  for (let j = 0; j < n; j++) dual = Math.max(dual, Math.abs(grad[j] as number));
  return { primal: Math.max(primal, 0), dual, complementarity: compl, objective: obj };
}

/** Pattern and symbolic factorisation of the KKT matrix for one problem structure. */
export class KktWorkspace {
  readonly N: number;
  private readonly n: number;
  private readonly m: number;
  private readonly perm: Int32Array;
  private readonly Kp: Int32Array;
  private readonly Ki: Int32Array;
  private readonly Kx: Float64Array;
  /** Kx index of each P entry, of each variable diagonal, of each A entry, of each row diagonal. */
  private readonly mapP: Int32Array;
  private readonly mapXDiag: Int32Array;
  private readonly mapA: Int32Array;
  private readonly mapRDiag: Int32Array;
  private readonly ldl: SparseLdl;

  constructor(p: QpProblem, ordering?: Int32Array) {
    const { n, m, P, A } = p;
    const N = n + m;
    this.N = N;
    this.n = n;
    this.m = m;
    // Entries (row, col) of the upper triangle in original numbering: P, variable diagonals,
    // Aᵀ blocks (var j, row node n+i), row diagonals.
    const nnzP = P.rowIdx.length;
    const nnzA = A.rowIdx.length;
    const T = nnzP + n + nnzA + m;
    const er = new Int32Array(T);
    const ec = new Int32Array(T);
    let t = 0;
    for (let j = 0; j < n; j++) {
      for (let k = P.colPtr[j] as number; k < (P.colPtr[j + 1] as number); k++) {
        er[t] = P.rowIdx[k] as number;
        ec[t++] = j;
      }
    }
    for (let j = 0; j < n; j++) {
      er[t] = j;
      ec[t++] = j;
    }
    for (let j = 0; j < n; j++) {
      for (let k = A.colPtr[j] as number; k < (A.colPtr[j + 1] as number); k++) {
        er[t] = j;
        ec[t++] = n + (A.rowIdx[k] as number);
      }
    }
    for (let i = 0; i < m; i++) {
      er[t] = n + i;
      ec[t++] = n + i;
    }
    let perm = ordering;
    if (!perm) {
      // Symmetric pattern for AMD.
      const deg = new Int32Array(N + 1);
      for (let e = 0; e < T; e++) {
        deg[(ec[e] as number) + 1]!++;
        if (er[e] !== ec[e]) deg[(er[e] as number) + 1]!++;
      }
      for (let i = 0; i < N; i++) deg[i + 1] = (deg[i + 1] as number) + (deg[i] as number);
      const ri = new Int32Array(deg[N] as number);
      const next = Int32Array.from(deg.subarray(0, N));
      for (let e = 0; e < T; e++) {
        const a = er[e] as number;
        const b = ec[e] as number;
        ri[next[b]!++] = a;
        if (a !== b) ri[next[a]!++] = b;
      }
      perm = amdOrder(N, deg, ri);
    }
    this.perm = perm;
    const pinv = new Int32Array(N);
    for (let k = 0; k < N; k++) pinv[perm[k] as number] = k;
    // Permuted upper triangle by counting sort on the column; duplicates (P diagonal and the
    // added variable diagonal) are kept as separate entries: the LDL scatter adds them up.
    const colCount = new Int32Array(N + 1);
    const pr = new Int32Array(T);
    const pc = new Int32Array(T);
    for (let e = 0; e < T; e++) {
      const a = pinv[er[e] as number] as number;
      const b = pinv[ec[e] as number] as number;
      pr[e] = Math.min(a, b);
      pc[e] = Math.max(a, b);
      colCount[(pc[e] as number) + 1]!++;
    }
    for (let i = 0; i < N; i++) colCount[i + 1] = (colCount[i + 1] as number) + (colCount[i] as number);
    const Ki = new Int32Array(T);
    const dest = new Int32Array(T);
    const next = Int32Array.from(colCount.subarray(0, N));
    for (let e = 0; e < T; e++) {
      const c = pc[e] as number;
      const d = next[c]!++;
      Ki[d] = pr[e] as number;
      dest[e] = d;
    }
    this.Kp = colCount;
    this.Ki = Ki;
    this.Kx = new Float64Array(T);
    this.mapP = dest.subarray(0, nnzP);
    this.mapXDiag = dest.subarray(nnzP, nnzP + n);
    this.mapA = dest.subarray(nnzP + n, nnzP + n + nnzA);
    this.mapRDiag = dest.subarray(nnzP + n + nnzA, T);
    this.ldl = new SparseLdl(N, this.Kp, this.Ki);
  }

  get nnzL(): number {
    return this.ldl.nnzL;
  }

  /**
   * Factors [P + varDiag·I, Aₖᵀ; Aₖ, diag(rowDiag)] where Aₖ keeps the rows with coupled[i] = 1
   * (the others are zeroed; give them rowDiag −1 so their multiplier solves to 0).
   */
  factorWith(p: QpProblem, coupled: Uint8Array, rowDiag: Float64Array, varDiag: number): boolean {
    const { Kx } = this;
    Kx.fill(0);
    this.mapP.forEach((d, k) => (Kx[d] = p.P.values[k] as number));
    for (let j = 0; j < this.n; j++) Kx[this.mapXDiag[j] as number] = varDiag;
    const { A } = p;
    for (let j = 0; j < this.n; j++) {
      for (let k = A.colPtr[j] as number; k < (A.colPtr[j + 1] as number); k++) {
        Kx[this.mapA[k] as number] = coupled[A.rowIdx[k] as number] ? (A.values[k] as number) : 0;
      }
    }
    for (let i = 0; i < this.m; i++) Kx[this.mapRDiag[i] as number] = rowDiag[i] as number;
    return this.ldl.factor(this.Kp, this.Ki, this.Kx);
  }

  /** Solves K_δ d = r (original numbering), in place. */
  solve(r: Float64Array, scratch: Float64Array): void {
    const { perm, N } = this;
    for (let k = 0; k < N; k++) scratch[k] = r[perm[k] as number] as number;
    this.ldl.solve(scratch);
    for (let k = 0; k < N; k++) r[perm[k] as number] = scratch[k] as number;
  }
}

