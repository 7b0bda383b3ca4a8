import { amdOrder } from './amd.js';
import { SparseLdl } from './ldl.js';

/**
 * The quasi-definite KKT system behind one narrow interface (OSQP's linsys_solver):
 *
 *   [ P + σI      Aᵀ       ] [x]   [b1]
 *   [ A       −diag(1/ρ)   ] [ν] = [b2]
 *
 * The pattern is fixed at construction: AMD ordering, permuted upper triangle, elimination
 * tree and column counts once. Value changes (ρ, P, A) only refill Kx through index maps and
 * refactor numerically. The ADMM loop calls `solve` and never sees the factorisation.
 *
 * Polishing reuses the same pattern: the reduced KKT [P + δI, Aredᵀ; Ared, −δI] is the full
 * one with inactive rows zeroed and given a unit diagonal (so their multipliers solve to 0),
 * factored into a second LDL instance made on first use.
 */
export class KktSystem {
  readonly n: number;
  readonly m: number;
  readonly N: number;
  /** perm[k] = original index at permuted position k; pinv is its inverse. */
  readonly perm: Int32Array;
  readonly pinv: Int32Array;
  readonly Kp: Int32Array;
  readonly Ki: Int32Array;
  readonly Kx: Float64Array;
  /** Destination in Kx of each stored P entry, of each diagonal (j, j) j < n, of each A entry, of each (n+i, n+i). */
  private readonly mapP: Int32Array;
  private readonly mapPDiag: Int32Array;
  private readonly mapA: Int32Array;
  private readonly mapRho: Int32Array;
  private readonly ldl: SparseLdl;
  private polishLdl: SparseLdl | undefined;
  private polishKx: Float64Array | undefined;
  private readonly work: Float64Array;

  constructor(n: number, m: number, Pp: Int32Array, Pi: Int32Array, Ap: Int32Array, Ai: Int32Array) {
    this.n = n;
    this.m = m;
    const N = n + m;
    this.N = N;
    const nnzP = Pp[n]!;
    const nnzA = Ap[n]!;
    // Unpermuted upper-triangle entries: P, missing P diagonals, Aᵀ (row j, column n+i), ρ diagonal.
    const hasDiag = new Uint8Array(n);
    for (let j = 0; j < n; j++) for (let p = Pp[j]!; p < Pp[j + 1]!; p++) if (Pi[p] === j) hasDiag[j] = 1;
    let missing = 0;
    for (let j = 0; j < n; j++) if (!hasDiag[j]) missing++;
    const T = nnzP + missing + nnzA + m;
    const tr = new Int32Array(T);
    const tc = new Int32Array(T);
    let t = 0;
    for (let j = 0; j < n; j++) {
      for (let p = Pp[j]!; p < Pp[j + 1]!; p++) {
        tr[t] = Pi[p]!;
        tc[t++] = j;
      }
    }
    const diagTriplet = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      if (hasDiag[j]) continue;
      diagTriplet[j] = t;
      tr[t] = j;
      tc[t++] = j;
    }
    for (let j = 0; j < n; j++) {
      for (let p = Pp[j]!; p < Pp[j + 1]!; p++) if (Pi[p] === j) diagTriplet[j] = p;
    }
    const aStart = t;
    for (let j = 0; j < n; j++) {
      for (let p = Ap[j]!; p < Ap[j + 1]!; p++) {
        tr[t] = j;
        tc[t++] = n + Ai[p]!;
      }
    }
    // A entries are laid out by A column, so triplet aStart + p is A entry p.
    const rhoStart = t;
    for (let i = 0; i < m; i++) {
      tr[t] = n + i;
      tc[t++] = n + i;
    }

    // Fill-reducing order on the unpermuted pattern (as CSC by column tc).
    const colCount = new Int32Array(N + 1);
    for (let s = 0; s < T; s++) colCount[tc[s]! + 1]!++;
    for (let j = 0; j < N; j++) colCount[j + 1]! += colCount[j]!;
    const byCol = new Int32Array(T);
    {
      const next = colCount.slice(0, N);
      for (let s = 0; s < T; s++) byCol[next[tc[s]!]!++] = tr[s]!;
    }
    this.perm = amdOrder(N, colCount, byCol);
    this.pinv = new Int32Array(N);
    for (let k = 0; k < N; k++) this.pinv[this.perm[k]!] = k;

    // Permuted upper triangle, rows sorted within columns: counting sort by row, then stably by column.
    const pr = new Int32Array(T);
    const pc = new Int32Array(T);
    for (let s = 0; s < T; s++) {
      const a = this.pinv[tr[s]!]!;
      const b = this.pinv[tc[s]!]!;
      pr[s] = a < b ? a : b;
      pc[s] = a < b ? b : a;
    }
    const rowStart = new Int32Array(N + 1);
    for (let s = 0; s < T; s++) rowStart[pr[s]! + 1]!++;
    for (let i = 0; i < N; i++) rowStart[i + 1]! += rowStart[i]!;
    const byRow = new Int32Array(T);
    for (let s = 0; s < T; s++) byRow[rowStart[pr[s]!]!++] = s;
    const Kp = new Int32Array(N + 1);
    for (let s = 0; s < T; s++) Kp[pc[s]! + 1]!++;
    for (let j = 0; j < N; j++) Kp[j + 1]! += Kp[j]!;
    const Ki = new Int32Array(T);
    const dest = new Int32Array(T);
    {
      const next = Kp.slice(0, N);
      for (let r = 0; r < T; r++) {
        const s = byRow[r]!;
        const pos = next[pc[s]!]!++;
        Ki[pos] = pr[s]!;
        dest[s] = pos;
      }
    }
    this.Kp = Kp;
    this.Ki = Ki;
    this.Kx = new Float64Array(T);
    this.mapP = dest.slice(0, nnzP);
    this.mapPDiag = new Int32Array(n);
    for (let j = 0; j < n; j++) this.mapPDiag[j] = dest[diagTriplet[j]!]!;
    this.mapA = dest.slice(aStart, aStart + nnzA);
    this.mapRho = dest.slice(rhoStart, rhoStart + m);
    this.ldl = new SparseLdl(N, Kp, Ki);
    this.work = new Float64Array(N);
  }

  get nnzL(): number {
    return this.ldl.nnzL;
  }

  /** Writes KKT values into Kx: P + shift·I, A (rows with mask 0 zeroed), diagonal rowDiag (already negative). */
  private fill(Kx: Float64Array, Px: Float64Array, shift: number, Ax: Float64Array, Ai: Int32Array, rowDiag: Float64Array, mask: Uint8Array | undefined): void {
    Kx.fill(0);
    const { mapP, mapPDiag, mapA, mapRho } = this;
    for (let p = 0; p < mapP.length; p++) Kx[mapP[p]!]! += Px[p]!;
    for (let j = 0; j < this.n; j++) Kx[mapPDiag[j]!]! += shift;
    if (mask) for (let p = 0; p < mapA.length; p++) Kx[mapA[p]!] = mask[Ai[p]!] ? Ax[p]! : 0;
    else for (let p = 0; p < mapA.length; p++) Kx[mapA[p]!] = Ax[p]!;
    for (let i = 0; i < this.m; i++) Kx[mapRho[i]!] = rowDiag[i]!;
  }

  /**
   * Refills and refactors the ADMM system with −1/ρ on the constraint diagonal.
   * Returns the number of positive pivots (n when the system is quasi-definite as expected),
   * or -1 on a zero pivot.
   */
  factorAdmm(Px: Float64Array, sigma: number, Ax: Float64Array, Ai: Int32Array, negRhoInv: Float64Array): number {
    this.fill(this.Kx, Px, sigma, Ax, Ai, negRhoInv, undefined);
    return this.ldl.factor(this.Kp, this.Ki, this.Kx) ? this.ldl.positivePivots : -1;
  }

  /** Updates only the ρ diagonal and refactors. */
  refactorRho(negRhoInv: Float64Array): number {
    const { Kx, mapRho } = this;
    for (let i = 0; i < this.m; i++) Kx[mapRho[i]!] = negRhoInv[i]!;
    return this.ldl.factor(this.Kp, this.Ki, this.Kx) ? this.ldl.positivePivots : -1;
  }

  /** Solves the ADMM system in place (rhs of length n + m, in original order). */
  solve(rhs: Float64Array): void {
    this.permutedSolve(this.ldl, rhs);
  }

  private permutedSolve(ldl: SparseLdl, rhs: Float64Array): void {
    const { perm, work, N } = this;
    for (let k = 0; k < N; k++) work[k] = rhs[perm[k]!]!;
    ldl.solve(work);
    for (let k = 0; k < N; k++) rhs[perm[k]!] = work[k]!;
  }

  /** Allocates the polishing factorisation up front, so no allocation happens mid-solve. */
  preparePolish(): void {
    this.polishLdl ??= new SparseLdl(this.N, this.Kp, this.Ki);
    this.polishKx ??= new Float64Array(this.Kx.length);
  }

  /** Factors the polishing system; rowDiag is −δ for active rows and −1 for inactive ones. */
  factorPolish(Px: Float64Array, delta: number, Ax: Float64Array, Ai: Int32Array, active: Uint8Array, rowDiag: Float64Array): boolean {
    this.polishLdl ??= new SparseLdl(this.N, this.Kp, this.Ki);
    this.polishKx ??= new Float64Array(this.Kx.length);
    this.fill(this.polishKx, Px, delta, Ax, Ai, rowDiag, active);
    return this.polishLdl.factor(this.Kp, this.Ki, this.polishKx);
  }

  solvePolish(rhs: Float64Array): void {
    this.permutedSolve(this.polishLdl!, rhs);
  }
}
