/**
 * Sparse LDLᵀ with a dense trailing block (the TypeScript twin of `crates/qp/src/kkt/tail_ldl.rs`,
 * same algorithm, same choices). For quasi-definite matrices whose fill-reducing order puts a few
 * dense rows last. Splitting K (permuted upper triangle) at t0:
 *
 * - L₁₁ row by row, up-looking (a sparse triangular solve along the elimination tree);
 * - L₂₁ column by column, left-looking, right after row k of L₁₁ is known (the columns it needs
 *   were just touched);
 * - the Schur complement S = K₂₂ − L₂₁D₁L₂₁ᵀ accumulated group by group (columns with identical
 *   L₂₁ patterns summed densely, scattered once) and factored densely.
 *
 * Plain up-looking would stream every column of L once per dense row; here each is read once.
 * No pivoting; with `signs`, pivots of the wrong sign or tiny are replaced by ±delta and counted.
 */

/** Upper bound on the dense block's order; required density of the trailing block of L. */
const MAX_TAIL = 600;
const MIN_TAIL_DENSITY = 0.5;

export interface PivotRule {
  /** Expected sign per permuted pivot (+1 / −1). */
  readonly signs: Int8Array;
  readonly eps: number;
  readonly delta: number;
}

export class TailLdl {
  readonly n: number;
  readonly t0: number;
  readonly tail: number;
  readonly nnzL: number;
  private readonly etree: Int32Array;
  private readonly lp: Int32Array;
  private readonly tp: Int32Array;
  private readonly ti: Int32Array;
  private readonly krPtr: Int32Array;
  private readonly krT: Int32Array;
  private readonly krSlot: Int32Array;
  private readonly k22Row: Int32Array;
  private readonly k22Col: Int32Array;
  private readonly k22Slot: Int32Array;
  private readonly gPtr: Int32Array;
  private readonly gCols: Int32Array;
  private readonly li: Int32Array;
  private readonly lx: Float64Array;
  private readonly tx: Float64Array;
  private readonly dense: Float64Array;
  readonly d: Float64Array;
  private readonly dinv: Float64Array;
  private readonly y: Float64Array;
  private readonly used: Uint8Array;
  private readonly pattern: Int32Array;
  private readonly stack: Int32Array;
  private readonly next: Int32Array;
  private readonly acc: Float64Array;
  private readonly buf: Float64Array;
  private readonly row: Float64Array;
  positive = 0;
  regularized = 0;

  /** Analyses the permuted upper triangle (rows ascending within each column). */
  constructor(n: number, colPtr: Int32Array, rowIdx: Int32Array) {
    this.n = n;
    const etree = new Int32Array(n).fill(-1);
    const count = new Int32Array(n);
    const flag = new Int32Array(n).fill(-1);
    let nnzL = 0;
    for (let k = 0; k < n; k++) {
      flag[k] = k;
      for (let p = colPtr[k]!; p < colPtr[k + 1]!; p++) {
        let i = rowIdx[p]!;
        if (i > k) throw new Error('TailLdl: the pattern has an entry below the diagonal');
        while (flag[i] !== k) {
          if (etree[i] === -1) etree[i] = k;
          count[i]!++;
          nnzL++;
          flag[i] = k;
          i = etree[i]!;
        }
      }
    }
    this.etree = etree;
    this.nnzL = nnzL;
    const t0 = chooseTail(n, count);
    this.t0 = t0;
    const T = n - t0;
    this.tail = T;

    // Row patterns again, split at t0.
    const lcount = new Int32Array(t0);
    const tcount = new Int32Array(t0);
    const reach = (k: number, visit: (i: number) => void) => {
      flag[k] = k;
      for (let p = colPtr[k]!; p < colPtr[k + 1]!; p++) {
        let i = rowIdx[p]!;
        while (flag[i] !== k) {
          visit(i);
          flag[i] = k;
          i = etree[i]!;
        }
      }
    };
    flag.fill(-1);
    for (let k = 0; k < n; k++) {
      if (k < t0) reach(k, (i) => lcount[i]!++);
      else reach(k, (i) => (i < t0 ? tcount[i]!++ : undefined));
    }
    const lp = new Int32Array(t0 + 1);
    const tp = new Int32Array(t0 + 1);
    for (let j = 0; j < t0; j++) {
      lp[j + 1] = lp[j]! + lcount[j]!;
      tp[j + 1] = tp[j]! + tcount[j]!;
    }
    const ti = new Int32Array(tp[t0]!);
    const nextT = Int32Array.from(tp.subarray(0, t0));
    flag.fill(-1);
    for (let k = t0; k < n; k++) {
      const local = k - t0;
      reach(k, (i) => {
        if (i < t0) ti[nextT[i]!++] = local;
      });
    }

    // K₂₁ by rows and K₂₂.
    const krCount = new Int32Array(t0 + 1);
    let n22 = 0;
    for (let j = t0; j < n; j++) {
      for (let p = colPtr[j]!; p < colPtr[j + 1]!; p++) {
        const i = rowIdx[p]!;
        if (i < t0) krCount[i + 1]!++;
        else n22++;
      }
    }
    for (let i = 0; i < t0; i++) krCount[i + 1] = krCount[i + 1]! + krCount[i]!;
    const krT = new Int32Array(krCount[t0]!);
    const krSlot = new Int32Array(krCount[t0]!);
    const fill = Int32Array.from(krCount.subarray(0, t0));
    const k22Row = new Int32Array(n22);
    const k22Col = new Int32Array(n22);
    const k22Slot = new Int32Array(n22);
    let q22 = 0;
    for (let j = t0; j < n; j++) {
      for (let p = colPtr[j]!; p < colPtr[j + 1]!; p++) {
        const i = rowIdx[p]!;
        if (i < t0) {
          krT[fill[i]!] = j - t0;
          krSlot[fill[i]!++] = p;
        } else {
          k22Row[q22] = i - t0;
          k22Col[q22] = j - t0;
          k22Slot[q22++] = p;
        }
      }
    }

    // Columns of L₂₁ with identical patterns, grouped in order of first appearance.
    const groupOf = new Int32Array(t0).fill(-1);
    const sizes: number[] = [];
    const firstOf: number[] = [];
    const buckets = new Map<number, number[]>();
    for (let j = 0; j < t0; j++) {
      const a = tp[j]!;
      const b = tp[j + 1]!;
      if (a === b) continue;
      let h = 2166136261;
      for (let q = a; q < b; q++) h = Math.imul(h ^ ti[q]!, 16777619);
      h = (h ^ (b - a)) >>> 0;
      let list = buckets.get(h);
      if (!list) buckets.set(h, (list = []));
      let g = -1;
      for (const cand of list) {
        const f = firstOf[cand]!;
        const fa = tp[f]!;
        if (tp[f + 1]! - fa !== b - a) continue;
        let same = true;
        for (let q = 0; q < b - a && same; q++) same = ti[fa + q] === ti[a + q];
        if (same) {
          g = cand;
          break;
        }
      }
      if (g < 0) {
        g = sizes.length;
        sizes.push(0);
        firstOf.push(j);
        list.push(g);
      }
      groupOf[j] = g;
      sizes[g]!++;
    }
    const G = sizes.length;
    const gPtr = new Int32Array(G + 1);
    for (let g = 0; g < G; g++) gPtr[g + 1] = gPtr[g]! + sizes[g]!;
    const gCols = new Int32Array(gPtr[G]!);
    const gFill = Int32Array.from(gPtr.subarray(0, G));
    for (let j = 0; j < t0; j++) if (groupOf[j]! >= 0) gCols[gFill[groupOf[j]!]!++] = j;

    this.lp = lp;
    this.tp = tp;
    this.ti = ti;
    this.krPtr = krCount;
    this.krT = krT;
    this.krSlot = krSlot;
    this.k22Row = k22Row;
    this.k22Col = k22Col;
    this.k22Slot = k22Slot;
    this.gPtr = gPtr;
    this.gCols = gCols;
    this.li = new Int32Array(lp[t0]!);
    this.lx = new Float64Array(lp[t0]!);
    this.tx = new Float64Array(tp[t0]!);
    this.dense = new Float64Array(T * T);
    this.d = new Float64Array(n);
    this.dinv = new Float64Array(n);
    this.y = new Float64Array(n);
    this.used = new Uint8Array(n);
    this.pattern = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.next = new Int32Array(t0);
    this.acc = new Float64Array(T);
    this.buf = new Float64Array(T * T);
    this.row = new Float64Array(T);
  }

  /** Sets pivot k; returns false on a non-finite (or, without a rule, zero) pivot. */
  private pivot(k: number, dk: number, rule: PivotRule | undefined): boolean {
    if (!Number.isFinite(dk)) return false;
    if (rule) {
      const s = rule.signs[k]!;
      if (s * dk < rule.eps) {
        dk = s * rule.delta;
        this.regularized++;
      }
    } else if (dk === 0) return false;
    if (dk > 0) this.positive++;
    this.d[k] = dk;
    this.dinv[k] = 1 / dk;
    return true;
  }

  /** Numeric factorisation; false on a failed pivot. */
  factor(colPtr: Int32Array, rowIdx: Int32Array, values: Float64Array, rule?: PivotRule): boolean {
    const { t0, tail: T, etree, lp, tp, ti, li, lx, tx, y, used, pattern, stack, next, acc, dense, dinv, krPtr, krT, krSlot } = this;
    this.positive = 0;
    this.regularized = 0;
    next.set(lp.subarray(0, t0));
    dense.fill(0);
    acc.fill(0);
    y.fill(0);
    used.fill(0);
    for (let q = 0; q < this.k22Slot.length; q++) dense[this.k22Col[q]! * T + this.k22Row[q]!]! += values[this.k22Slot[q]!]!;
    for (let k = 0; k < t0; k++) {
      let top = 0;
      let dk = 0;
      for (let p = colPtr[k]!, end = colPtr[k + 1]!; p < end; p++) {
        const i = rowIdx[p]!;
        if (i === k) {
          dk += values[p]!;
          continue;
        }
        y[i]! += values[p]!;
        let len = 0;
        let j = i;
        while (j !== -1 && j < k && !used[j]) {
          used[j] = 1;
          stack[len++] = j;
          j = etree[j]!;
        }
        while (len > 0) pattern[top++] = stack[--len]!;
      }
      for (let q = krPtr[k]!, end = krPtr[k + 1]!; q < end; q++) acc[krT[q]!]! += values[krSlot[q]!]!;
      for (let s = top - 1; s >= 0; s--) {
        const c = pattern[s]!;
        const yc = y[c]!;
        y[c] = 0;
        used[c] = 0;
        const end = next[c]!;
        for (let p = lp[c]!; p < end; p++) y[li[p]!]! -= lx[p]! * yc;
        for (let q = tp[c]!, qe = tp[c + 1]!; q < qe; q++) acc[ti[q]!]! -= tx[q]! * yc;
        const lkc = yc * dinv[c]!;
        li[end] = k;
        lx[end] = lkc;
        next[c] = end + 1;
        dk -= yc * lkc;
      }
      if (!this.pivot(k, dk, rule)) return false;
      const dk1 = dinv[k]!;
      for (let q = tp[k]!, qe = tp[k + 1]!; q < qe; q++) {
        const r = ti[q]!;
        tx[q] = acc[r]! * dk1;
        acc[r] = 0;
      }
    }
    this.schurUpdate();
    return this.factorDense(rule);
  }

  /** S −= L₂₁D₁L₂₁ᵀ group by group (dense rank-1 sums, one scatter per group). */
  private schurUpdate(): void {
    const { tail: T, gPtr, gCols, tp, ti, tx, d, buf, dense } = this;
    for (let g = 0; g + 1 < gPtr.length; g++) {
      const first = gCols[gPtr[g]!]!;
      const pa = tp[first]!;
      const tg = tp[first + 1]! - pa;
      buf.fill(0, 0, tg * tg);
      for (let q = gPtr[g]!; q < gPtr[g + 1]!; q++) {
        const c = gCols[q]!;
        const base = tp[c]!;
        const dc = d[c]!;
        for (let a = 0; a < tg; a++) {
          const w = tx[base + a]! * dc;
          const ra = a * tg;
          for (let b = 0; b <= a; b++) buf[ra + b]! += w * tx[base + b]!;
        }
      }
      for (let a = 0; a < tg; a++) {
        const dst = ti[pa + a]! * T;
        const ra = a * tg;
        for (let b = 0; b <= a; b++) dense[dst + ti[pa + b]!]! -= buf[ra + b]!;
      }
    }
  }

  /** Row-oriented dense LDLᵀ of the Schur complement (row i holds L(i, j)·d_j while formed). */
  private factorDense(rule: PivotRule | undefined): boolean {
    const { t0, tail: T, dense, dinv } = this;
    for (let i = 0; i < T; i++) {
      const ri = i * T;
      for (let j = 0; j < i; j++) {
        const rj = j * T;
        let s = dense[ri + j]!;
        for (let k = 0; k < j; k++) s -= dense[ri + k]! * dense[rj + k]!;
        dense[ri + j] = s;
      }
      let di = dense[ri + i]!;
      for (let j = 0; j < i; j++) {
        const w = dense[ri + j]!;
        const l = w * dinv[t0 + j]!;
        di -= w * l;
        dense[ri + j] = l;
      }
      dense[ri + i] = 0;
      if (!this.pivot(t0 + i, di, rule)) return false;
    }
    return true;
  }

  /** Solves L D Lᵀ x = b in place (permuted order). */
  solve(x: Float64Array): void {
    const { t0, tail: T, lp, li, lx, tp, ti, tx, gPtr, gCols, dense, dinv, row } = this;
    for (let c = 0; c < t0; c++) {
      const xc = x[c]!;
      if (xc === 0) continue;
      for (let p = lp[c]!, end = lp[c + 1]!; p < end; p++) x[li[p]!]! -= lx[p]! * xc;
    }
    for (let g = 0; g + 1 < gPtr.length; g++) {
      const first = gCols[gPtr[g]!]!;
      const pa = tp[first]!;
      const tg = tp[first + 1]! - pa;
      row.fill(0, 0, tg);
      for (let q = gPtr[g]!; q < gPtr[g + 1]!; q++) {
        const c = gCols[q]!;
        const xc = x[c]!;
        if (xc === 0) continue;
        const base = tp[c]!;
        for (let a = 0; a < tg; a++) row[a]! += tx[base + a]! * xc;
      }
      for (let a = 0; a < tg; a++) x[t0 + ti[pa + a]!]! -= row[a]!;
    }
    for (let i = 0; i < T; i++) {
      const ri = i * T;
      let s = 0;
      for (let k = 0; k < i; k++) s += dense[ri + k]! * x[t0 + k]!;
      x[t0 + i]! -= s;
    }
    for (let k = 0; k < this.n; k++) x[k]! *= dinv[k]!;
    for (let r = T - 1; r >= 0; r--) {
      const xr = x[t0 + r]!;
      if (xr === 0) continue;
      const rr = r * T;
      for (let k = 0; k < r; k++) x[t0 + k]! -= dense[rr + k]! * xr;
    }
    for (let g = 0; g + 1 < gPtr.length; g++) {
      const first = gCols[gPtr[g]!]!;
      const pa = tp[first]!;
      const tg = tp[first + 1]! - pa;
      for (let a = 0; a < tg; a++) row[a] = x[t0 + ti[pa + a]!]!;
      for (let q = gPtr[g]!; q < gPtr[g + 1]!; q++) {
        const c = gCols[q]!;
        const base = tp[c]!;
        let s = 0;
        for (let a = 0; a < tg; a++) s += tx[base + a]! * row[a]!;
        x[c]! -= s;
      }
    }
    for (let c = t0 - 1; c >= 0; c--) {
      let s = 0;
      for (let p = lp[c]!, end = lp[c + 1]!; p < end; p++) s += lx[p]! * x[li[p]!]!;
      x[c]! -= s;
    }
  }
}

/** The largest trailing block (up to MAX_TAIL) whose part of L is at least half full. */
function chooseTail(n: number, count: Int32Array): number {
  let best = n;
  let block = 0;
  for (let s = n - 1; s >= Math.max(0, n - MAX_TAIL); s--) {
    block += count[s]!;
    const t = n - s;
    const full = (t * (t - 1)) / 2;
    if (t === 1 || block >= MIN_TAIL_DENSITY * full) best = s;
  }
  return best;
}
