/**
 * Sparse LDLᵀ of a symmetric quasi-definite matrix given as its upper triangle in CSC
 * (already permuted). Up-looking: row k of L comes from a sparse triangular solve whose
 * pattern is the set of elimination-tree paths from the entries of column k. The symbolic
 * analysis (tree and column counts) runs once; `factor` can be repeated for new values with
 * the same pattern and allocates nothing.
 */
export class SparseLdl {
  readonly n: number;
  readonly parent: Int32Array;
  readonly Lp: Int32Array;
  readonly Li: Int32Array;
  readonly Lx: Float64Array;
  readonly D: Float64Array;
  readonly Dinv: Float64Array;
  /** Number of positive pivots in the last factorisation. */
  positivePivots = 0;
  private readonly colCount: Int32Array;
  private readonly flag: Int32Array;
  private readonly pattern: Int32Array;
  private readonly y: Float64Array;

  constructor(n: number, Kp: Int32Array, Ki: Int32Array) {
    this.n = n;
    const parent = new Int32Array(n).fill(-1);
    const counts = new Int32Array(n);
    const flag = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      flag[k] = k;
      for (let p = Kp[k]!; p < Kp[k + 1]!; p++) {
        let i = Ki[p]!;
        if (i >= k) continue;
        while (flag[i] !== k) {
          if (parent[i] === -1) parent[i] = k;
          counts[i]!++;
          flag[i] = k;
          i = parent[i]!;
        }
      }
    }
    const Lp = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) Lp[k + 1] = Lp[k]! + counts[k]!;
    this.parent = parent;
    this.Lp = Lp;
    this.Li = new Int32Array(Lp[n]!);
    this.Lx = new Float64Array(Lp[n]!);
    this.D = new Float64Array(n);
    this.Dinv = new Float64Array(n);
    this.colCount = new Int32Array(n);
    this.flag = flag;
    this.pattern = new Int32Array(n);
    this.y = new Float64Array(n);
  }

  get nnzL(): number {
    return this.Lp[this.n]!;
  }

  /** Numeric factorisation. Returns false on a zero (or non-finite) pivot. */
  factor(Kp: Int32Array, Ki: Int32Array, Kx: Float64Array): boolean {
    const { n, parent, Lp, Li, Lx, D, Dinv, colCount, flag, pattern, y } = this;
    colCount.fill(0);
    flag.fill(-1); // flags from an earlier factorisation would hide pattern entries
    let positive = 0;
    for (let k = 0; k < n; k++) {
      // Scatter column k (rows ≤ k) into y and collect the row pattern of L[k, :].
      flag[k] = k;
      let top = n;
      for (let p = Kp[k]!, end = Kp[k + 1]!; p < end; p++) {
        let i = Ki[p]!;
        y[i]! += Kx[p]!;
        let len = 0;
        while (flag[i] !== k) {
          pattern[len++] = i;
          flag[i] = k;
          i = parent[i]!;
        }
        while (len > 0) pattern[--top] = pattern[--len]!;
      }
      let dk = y[k]!;
      y[k] = 0;
      for (; top < n; top++) {
        const i = pattern[top]!;
        const yi = y[i]!;
        y[i] = 0;
        const p0 = Lp[i]!;
        const p1 = p0 + colCount[i]!;
        for (let p = p0; p < p1; p++) y[Li[p]!]! -= Lx[p]! * yi;
        const lki = yi * Dinv[i]!;
        dk -= lki * yi;
        Li[p1] = k;
        Lx[p1] = lki;
        colCount[i]!++;
      }
      if (dk === 0 || !Number.isFinite(dk)) {
        y.fill(0);
        this.positivePivots = positive;
        return false;
      }
      if (dk > 0) positive++;
      D[k] = dk;
      Dinv[k] = 1 / dk;
    }
    this.positivePivots = positive;
    return true;
  }

  /** Solves L D Lᵀ x = b in place. */
  solve(x: Float64Array): void {
    const { n, Lp, Li, Lx, Dinv } = this;
    for (let j = 0; j < n; j++) {
      const xj = x[j]!;
      if (xj === 0) continue;
      for (let p = Lp[j]!, end = Lp[j + 1]!; p < end; p++) x[Li[p]!]! -= Lx[p]! * xj;
    }
    for (let j = 0; j < n; j++) x[j]! *= Dinv[j]!;
    for (let j = n - 1; j >= 0; j--) {
      let acc = x[j]!;
      for (let p = Lp[j]!, end = Lp[j + 1]!; p < end; p++) acc -= Lx[p]! * x[Li[p]!]!;
      x[j] = acc;
    }
  }
}
