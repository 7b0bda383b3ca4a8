import type { CscMatrix, QpProblem } from './types.js';
import { QP_INFINITY_THRESHOLD } from './problem.js';

/**
 * Fixing columns of a QP at given values, and getting back to the full problem — the two halves
 * of a screening loop (fix what is probably at a known value, solve the smaller problem, let
 * the fixed columns object, free the objectors, repeat).
 *
 * `ColumnFixing` is built once per (pattern, set of fixed columns). `reduce` removes the fixed
 * columns from a problem with that pattern: their part of the objective moves into q and r,
 * their part of each row into the row's bounds, and rows left without a free column are dropped
 * (they must hold at the fixed values; `brokenRows` lists those that do not). The reduced
 * pattern depends only on the full pattern and the fixed set, so a problem with new values
 * reduces to the same pattern and a solver workspace can be updated in place.
 *
 * `expand` maps a reduced primal–dual pair back to the full problem and completes the
 * multipliers of the dropped rows from stationarity of the fixed columns. Dropped rows that can
 * carry a multiplier (equalities, and inequalities active at the fixed values) tie fixed columns
 * into blocks; each block's multipliers solve its stationarity equations in least squares with
 * the sign each row allows (free on an equality, ≤ 0 at a lower bound, ≥ 0 at an upper one). A
 * block whose residual stays above the tolerance *objects*: at the reduced optimum's prices its
 * columns want to move. With no objection the expanded pair satisfies the full problem's
 * stationarity wherever the reduced pair satisfies the reduced one, its rows and
 * complementarity likewise — it is a KKT point of the full problem; callers still check that
 * on the raw data.
 */

export interface ReducedQp {
  readonly problem: QpProblem;
  /** (A x)ᵢ of each dropped row (`ColumnFixing.droppedRows` order) at the fixed values. */
  readonly droppedActivity: Float64Array;
  /** Dropped rows whose bounds the fixed values break (beyond a relative 1e-9). */
  readonly brokenRows: Int32Array;
  /** The fixed columns' values this reduction used. */
  readonly values: Float64Array;
}

export interface ExpandedSolution {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Fixed columns of the blocks whose stationarity could not be met (ascending). */
  readonly objecting: Int32Array;
  /** The stationarity residual (∞-norm) of each objecting column's block: how much it objects. */
  readonly objection: Float64Array;
}

/** The part of a problem a fixing depends on. */
export interface QpPattern {
  readonly n: number;
  readonly m: number;
  readonly P: CscMatrix;
  readonly A: CscMatrix;
}

const isInf = (v: number) => !Number.isFinite(v) || Math.abs(v) >= QP_INFINITY_THRESHOLD;
/** Activity of a dropped row counts as at a bound within this (relative to 1 + |bound|). */
const ACTIVITY_TOL = 1e-9;

const sameInts = (a: Int32Array, b: Int32Array) => a === b || (a.length === b.length && a.every((v, k) => v === b[k]));
/** Same shape and sparsity (shared index arrays, as a repricing leaves them, compare in O(1)). */
const samePattern = (a: CscMatrix, b: CscMatrix) => a === b || (a.nRows === b.nRows && a.nCols === b.nCols && sameInts(a.colPtr, b.colPtr) && sameInts(a.rowIdx, b.rowIdx));

/** Entry lists of the fixed columns split by the kind of row (CSR over the fixed columns). */
interface FixedEntries {
  readonly ptr: Int32Array;
  /** Index into A's entries. */
  readonly entry: Int32Array;
}

export class ColumnFixing {
  readonly n: number;
  readonly m: number;
  /** The fixed columns, ascending. */
  readonly cols: Int32Array;
  /** Full column of each reduced column. */
  readonly keptCols: Int32Array;
  /** Full row of each reduced row. */
  readonly keptRows: Int32Array;
  /** Rows without a free column. */
  readonly droppedRows: Int32Array;
  private readonly pattern: QpPattern;
  private readonly droppedIndex: Int32Array;
  /** Source entry of each reduced P / A entry. */
  private readonly pSrc: Int32Array;
  private readonly aSrc: Int32Array;
  private readonly pReduced: { colPtr: Int32Array; rowIdx: Int32Array };
  private readonly aReduced: { colPtr: Int32Array; rowIdx: Int32Array };
  /** P entries with exactly one fixed end: (entry, fixed column index k, kept reduced column). */
  private readonly pCross: { entry: Int32Array; k: Int32Array; c: Int32Array };
  /** P entries with both ends fixed: (entry, k_i, k_j). */
  private readonly pBoth: { entry: Int32Array; ki: Int32Array; kj: Int32Array };
  /** The fixed columns' entries in kept rows and in dropped rows. */
  private readonly inKept: FixedEntries;
  private readonly inDropped: FixedEntries;
  /** The blocks of the last `expand`, kept while the dropped rows' signs stay the same. */
  private blocks: Blocks | undefined;

  /** `cols`: strictly ascending column indices of `pattern`. */
  constructor(pattern: QpPattern, cols: Int32Array) {
    const { n, m, P, A } = pattern;
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!;
      if (!(Number.isInteger(c) && c >= 0 && c < n) || (k > 0 && c <= cols[k - 1]!)) throw new RangeError(`ColumnFixing: cols[${k}] = ${c} is out of range or not ascending`);
    }
    this.n = n;
    this.m = m;
    this.pattern = pattern;
    this.cols = Int32Array.from(cols);
    const fixedIndex = new Int32Array(n).fill(-1);
    cols.forEach((c, k) => (fixedIndex[c] = k));
    const newCol = new Int32Array(n).fill(-1);
    const keptCols = new Int32Array(n - cols.length);
    for (let j = 0, c = 0; j < n; j++) if (fixedIndex[j]! < 0) {
      newCol[j] = c;
      keptCols[c++] = j;
    }
    this.keptCols = keptCols;

    // P: kept block, cross entries, fixed block.
    const pColPtr = new Int32Array(keptCols.length + 1);
    const pSrc: number[] = [];
    const pRow: number[] = [];
    const cross = { entry: [] as number[], k: [] as number[], c: [] as number[] };
    const both = { entry: [] as number[], ki: [] as number[], kj: [] as number[] };
    for (let j = 0; j < n; j++) {
      for (let e = P.colPtr[j]!; e < P.colPtr[j + 1]!; e++) {
        const i = P.rowIdx[e]!;
        const fi = fixedIndex[i]!;
        const fj = fixedIndex[j]!;
        if (fi >= 0 && fj >= 0) {
          both.entry.push(e);
          both.ki.push(fi);
          both.kj.push(fj);
        } else if (fi >= 0 || fj >= 0) {
          cross.entry.push(e);
          cross.k.push(fi >= 0 ? fi : fj);
          cross.c.push(fi >= 0 ? newCol[j]! : newCol[i]!);
        } else {
          pSrc.push(e);
          pRow.push(newCol[i]!);
        }
      }
      if (fixedIndex[j]! < 0) pColPtr[newCol[j]! + 1] = pSrc.length;
    }
    this.pSrc = Int32Array.from(pSrc);
    this.pReduced = { colPtr: pColPtr, rowIdx: Int32Array.from(pRow) };
    this.pCross = { entry: Int32Array.from(cross.entry), k: Int32Array.from(cross.k), c: Int32Array.from(cross.c) };
    this.pBoth = { entry: Int32Array.from(both.entry), ki: Int32Array.from(both.ki), kj: Int32Array.from(both.kj) };

    // Rows: kept when a free column is left in them.
    const free = new Int32Array(m);
    for (let c = 0; c < keptCols.length; c++) {
      const j = keptCols[c]!;
      for (let e = A.colPtr[j]!; e < A.colPtr[j + 1]!; e++) free[A.rowIdx[e]!]!++;
    }
    const newRow = new Int32Array(m).fill(-1);
    const droppedIndex = new Int32Array(m).fill(-1);
    let nKept = 0;
    for (let i = 0; i < m; i++) if (free[i]! > 0) nKept++;
    const kept = new Int32Array(nKept);
    const dropped = new Int32Array(m - nKept);
    for (let i = 0, a = 0, b = 0; i < m; i++) {
      if (free[i]! > 0) {
        newRow[i] = a;
        kept[a++] = i;
      } else {
        droppedIndex[i] = b;
        dropped[b++] = i;
      }
    }
    this.keptRows = kept;
    this.droppedRows = dropped;
    this.droppedIndex = droppedIndex;

    // A over the kept columns: every row such a column touches is kept, renumbered in order.
    const aColPtr = new Int32Array(keptCols.length + 1);
    for (let c = 0; c < keptCols.length; c++) aColPtr[c + 1] = aColPtr[c]! + A.colPtr[keptCols[c]! + 1]! - A.colPtr[keptCols[c]!]!;
    const aSrc = new Int32Array(aColPtr[keptCols.length]!);
    const aRow = new Int32Array(aSrc.length);
    for (let c = 0, t = 0; c < keptCols.length; c++) {
      const j = keptCols[c]!;
      for (let e = A.colPtr[j]!; e < A.colPtr[j + 1]!; e++, t++) {
        aSrc[t] = e;
        aRow[t] = newRow[A.rowIdx[e]!]!;
      }
    }
    this.aSrc = aSrc;
    this.aReduced = { colPtr: aColPtr, rowIdx: aRow };

    // The fixed columns' entries, by whether their row is kept or dropped.
    // One counting pass, one filling pass.
    const keptPtr = new Int32Array(cols.length + 1);
    const dropPtr = new Int32Array(cols.length + 1);
    for (let k = 0; k < cols.length; k++) {
      const j = cols[k]!;
      let c = 0;
      for (let e = A.colPtr[j]!; e < A.colPtr[j + 1]!; e++) if (droppedIndex[A.rowIdx[e]!]! >= 0) c++;
      dropPtr[k + 1] = dropPtr[k]! + c;
      keptPtr[k + 1] = keptPtr[k]! + (A.colPtr[j + 1]! - A.colPtr[j]! - c);
    }
    const keptEntry = new Int32Array(keptPtr[cols.length]!);
    const dropEntry = new Int32Array(dropPtr[cols.length]!);
    for (let k = 0, a = 0, b = 0; k < cols.length; k++) {
      const j = cols[k]!;
      for (let e = A.colPtr[j]!; e < A.colPtr[j + 1]!; e++) {
        if (droppedIndex[A.rowIdx[e]!]! >= 0) dropEntry[b++] = e;
        else keptEntry[a++] = e;
      }
    }
    this.inKept = { ptr: keptPtr, entry: keptEntry };
    this.inDropped = { ptr: dropPtr, entry: dropEntry };
  }

  private checkPattern(p: QpProblem): void {
    if (p.n !== this.n || p.m !== this.m || !samePattern(p.P, this.pattern.P) || !samePattern(p.A, this.pattern.A)) throw new RangeError('ColumnFixing: the problem does not have the pattern this fixing was built for');
  }

  private check(p: QpProblem, values: Float64Array): void {
    this.checkPattern(p);
    if (values.length !== this.cols.length) throw new RangeError(`ColumnFixing: ${this.cols.length} fixed columns but ${values.length} values`);
    for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k]!)) throw new RangeError(`ColumnFixing: values[${k}] is not finite`);
  }

  /** The problem over the free columns, the fixed ones held at `values` (one per `cols` entry). */
  reduce(p: QpProblem, values: Float64Array): ReducedQp {
    this.check(p, values);
    const { keptCols, keptRows, droppedRows, cols } = this;
    const q = new Float64Array(keptCols.length);
    for (let c = 0; c < keptCols.length; c++) q[c] = p.q[keptCols[c]!]!;
    let r = p.r ?? 0;
    for (let k = 0; k < cols.length; k++) r += p.q[cols[k]!]! * values[k]!;
    const pv = p.P.values;
    const { entry: ce, k: ck, c: cc } = this.pCross;
    for (let t = 0; t < ce.length; t++) q[cc[t]!]! += pv[ce[t]!]! * values[ck[t]!]!;
    const { entry: be, ki, kj } = this.pBoth;
    for (let t = 0; t < be.length; t++) r += (ki[t] === kj[t] ? 0.5 : 1) * pv[be[t]!]! * values[ki[t]!]! * values[kj[t]!]!;
    const pValues = new Float64Array(this.pSrc.length);
    for (let t = 0; t < pValues.length; t++) pValues[t] = pv[this.pSrc[t]!]!;
    const av = p.A.values;
    const aValues = new Float64Array(this.aSrc.length);
    for (let t = 0; t < aValues.length; t++) aValues[t] = av[this.aSrc[t]!]!;

    // The fixed part of every row.
    const shift = new Float64Array(this.m);
    const rowIdx = p.A.rowIdx;
    for (const part of [this.inKept, this.inDropped]) {
      for (let k = 0; k < cols.length; k++) {
        const v = values[k]!;
        if (v === 0) continue;
        for (let t = part.ptr[k]!; t < part.ptr[k + 1]!; t++) shift[rowIdx[part.entry[t]!]!]! += av[part.entry[t]!]! * v;
      }
    }
    const l = new Float64Array(keptRows.length);
    const u = new Float64Array(keptRows.length);
    for (let t = 0; t < keptRows.length; t++) {
      const i = keptRows[t]!;
      const lo = p.l[i]!;
      const hi = p.u[i]!;
      l[t] = isInf(lo) ? lo : lo - shift[i]!;
      u[t] = isInf(hi) ? hi : hi - shift[i]!;
    }
    const droppedActivity = new Float64Array(droppedRows.length);
    const broken: number[] = [];
    for (let d = 0; d < droppedRows.length; d++) {
      const i = droppedRows[d]!;
      const s = shift[i]!;
      droppedActivity[d] = s;
      const lo = p.l[i]!;
      const hi = p.u[i]!;
      if ((!isInf(lo) && s < lo - ACTIVITY_TOL * (1 + Math.abs(lo))) || (!isInf(hi) && s > hi + ACTIVITY_TOL * (1 + Math.abs(hi)))) broken.push(i);
    }
    const nk = keptCols.length;
    const csc = (nRows: number, s: { colPtr: Int32Array; rowIdx: Int32Array }, values: Float64Array): CscMatrix => ({ nRows, nCols: nk, colPtr: s.colPtr, rowIdx: s.rowIdx, values });
    return {
      problem: { n: nk, m: keptRows.length, P: csc(nk, this.pReduced, pValues), q, r, A: csc(keptRows.length, this.aReduced, aValues), l, u },
      droppedActivity,
      brokenRows: Int32Array.from(broken),
      values: Float64Array.from(values),
    };
  }

  /**
   * The full-problem pair of a reduced solution (`xr`, `yr` of `reduced.problem`, reduced from
   * `p`), with the dropped rows' multipliers completed block by block; blocks whose
   * stationarity residual stays above `dualTolerance` object (see the module comment).
   */
  expand(p: QpProblem, reduced: ReducedQp, xr: Float64Array, yr: Float64Array, dualTolerance: number): ExpandedSolution {
    // The values were checked when `reduced` was made.
    this.checkPattern(p);
    const { n, m, cols, keptCols, keptRows } = this;
    const values = reduced.values;
    if (xr.length !== keptCols.length || yr.length !== keptRows.length) throw new RangeError('ColumnFixing.expand: x or y does not match the reduced problem');
    const x = new Float64Array(n);
    const y = new Float64Array(m);
    for (let c = 0; c < keptCols.length; c++) x[keptCols[c]!] = xr[c]!;
    for (let k = 0; k < cols.length; k++) x[cols[k]!] = values[k]!;
    for (let t = 0; t < keptRows.length; t++) y[keptRows[t]!] = yr[t]!;
    const nf = cols.length;
    if (nf === 0) return { x, y, objecting: new Int32Array(0), objection: new Float64Array(0) };

    // g = Px + q + Aᵀy over the fixed columns, y the kept rows' multipliers.
    const g = new Float64Array(nf);
    for (let k = 0; k < nf; k++) g[k] = p.q[cols[k]!]!;
    const P = p.P;
    const { entry: ce, k: ck, c: cc } = this.pCross;
    for (let t = 0; t < ce.length; t++) g[ck[t]!]! += P.values[ce[t]!]! * xr[cc[t]!]!;
    const { entry: be, ki, kj } = this.pBoth;
    for (let t = 0; t < be.length; t++) {
      const v = P.values[be[t]!]!;
      g[ki[t]!]! += v * values[kj[t]!]!;
      if (ki[t] !== kj[t]) g[kj[t]!]! += v * values[ki[t]!]!;
    }
    const A = p.A;
    const { ptr: kp, entry: ke } = this.inKept;
    for (let k = 0; k < nf; k++) {
      let s = g[k]!;
      for (let t = kp[k]!; t < kp[k + 1]!; t++) s += A.values[ke[t]!]! * y[A.rowIdx[ke[t]!]!]!;
      g[k] = s;
    }

    // Each dropped row's allowed sign (2: inactive, multiplier 0); the blocks follow from them.
    const nd = this.droppedRows.length;
    const sign = new Int8Array(nd);
    for (let d = 0; d < nd; d++) {
      const i = this.droppedRows[d]!;
      sign[d] = allowedSign(p.l[i]!, p.u[i]!, reduced.droppedActivity[d]!);
    }
    const blocks = this.blocks && sameInt8(this.blocks.sign, sign) ? this.blocks : (this.blocks = this.buildBlocks(p.A, sign));

    const objecting: number[] = [];
    const solver = new BlockSolver();
    const av = p.A.values;
    const { colPtr: bc, cols: bl, rowPtr: br, rows: brow, entryPtr: bp, entry: be2, pos: bpos } = blocks;
    for (let b = 0; b + 1 < bc.length; b++) {
      const from = bc[b]!;
      const to = bc[b + 1]!;
      const nc = to - from;
      const nr = br[b + 1]! - br[b]!;
      if (nc > MAX_BLOCK) {
        // Tied together by active rows: too big to solve here — the caller should free these.
        for (let t = from; t < to; t++) objecting.push(cols[bl[t]!]!, Infinity);
        continue;
      }
      const M = solver.matrix(nc, nr);
      for (let t = bp[b]!; t < bp[b + 1]!; t++) M[bpos[t]!] = av[be2[t]!]!;
      const rhs = solver.rhs(nc);
      for (let t = from; t < to; t++) rhs[t - from] = -g[bl[t]!]!;
      const signs = solver.signs(nr);
      for (let t = 0; t < nr; t++) signs[t] = sign[brow[br[b]! + t]!]!;
      const residual = solver.solve(M, nc, nr, signs, rhs, ENOUGH * dualTolerance);
      for (let t = 0; t < nr; t++) y[this.droppedRows[brow[br[b]! + t]!]!] = solver.y[t]!;
      if (residual > dualTolerance) for (let t = from; t < to; t++) objecting.push(cols[bl[t]!]!, residual);
    }
    // (column, residual) pairs, in column order.
    const order = Array.from({ length: objecting.length / 2 }, (_, t) => t).sort((a, b) => objecting[2 * a]! - objecting[2 * b]!);
    return {
      x,
      y,
      objecting: Int32Array.from(order, (t) => objecting[2 * t]!),
      objection: Float64Array.from(order, (t) => objecting[2 * t + 1]!),
    };
  }

  /**
   * Blocks of fixed columns tied by dropped rows that can carry a multiplier (`sign` ≠ 2): per
   * block its columns, its rows and where each A entry goes in its column-major M (rows of M =
   * the block's columns, columns of M = its rows).
   */
  private buildBlocks(A: CscMatrix, sign: Int8Array): Blocks {
    const nf = this.cols.length;
    const nd = this.droppedRows.length;
    const { ptr: dp, entry: de } = this.inDropped;
    const rowOf = (t: number) => this.droppedIndex[A.rowIdx[de[t]!]!]!;
    const parent = new Int32Array(nf);
    for (let k = 0; k < nf; k++) parent[k] = k;
    const find = (a: number): number => {
      while (parent[a] !== a) {
        parent[a] = parent[parent[a]!]!;
        a = parent[a]!;
      }
      return a;
    };
    const firstCol = new Int32Array(nd).fill(-1);
    for (let k = 0; k < nf; k++) {
      for (let t = dp[k]!; t < dp[k + 1]!; t++) {
        const d = rowOf(t);
        if (sign[d] === 2) continue;
        if (firstCol[d]! < 0) firstCol[d] = k;
        else {
          const a = find(firstCol[d]!);
          const b = find(k);
          if (a !== b) parent[a] = b;
        }
      }
    }
    // Blocks in order of their root; columns of a block in column order.
    const root = new Int32Array(nf);
    const count = new Int32Array(nf + 1);
    for (let k = 0; k < nf; k++) {
      root[k] = find(k);
      count[root[k]! + 1]!++;
    }
    const blockOfRoot = new Int32Array(nf).fill(-1);
    let nb = 0;
    for (let r = 0; r < nf; r++) if (count[r + 1]! > 0) blockOfRoot[r] = nb++;
    const colPtr = new Int32Array(nb + 1);
    for (let r = 0; r < nf; r++) if (blockOfRoot[r]! >= 0) colPtr[blockOfRoot[r]! + 1] = count[r + 1]!;
    for (let b = 0; b < nb; b++) colPtr[b + 1]! += colPtr[b]!;
    const blockCols = new Int32Array(nf);
    const local = new Int32Array(nf);
    const fill = colPtr.slice(0, nb);
    for (let k = 0; k < nf; k++) {
      const b = blockOfRoot[root[k]!]!;
      local[k] = fill[b]! - colPtr[b]!;
      blockCols[fill[b]!++] = k;
    }
    // Rows of each block (first seen first) and the M position of each entry.
    const rowPtr = new Int32Array(nb + 1);
    const rows = new Int32Array(nd);
    const entryPtr = new Int32Array(nb + 1);
    const entry = new Int32Array(de.length);
    const pos = new Int32Array(de.length);
    const rowPos = new Int32Array(nd).fill(-1);
    let nr = 0;
    let ne = 0;
    for (let b = 0; b < nb; b++) {
      const first = nr;
      const nc = colPtr[b + 1]! - colPtr[b]!;
      for (let t = colPtr[b]!; t < colPtr[b + 1]!; t++) {
        const k = blockCols[t]!;
        for (let s = dp[k]!; s < dp[k + 1]!; s++) {
          const d = rowOf(s);
          if (sign[d] === 2) continue;
          if (rowPos[d] === -1) {
            rowPos[d] = nr - first;
            rows[nr++] = d;
          }
          entry[ne] = de[s]!;
          pos[ne++] = rowPos[d]! * nc + local[k]!;
        }
      }
      for (let t = first; t < nr; t++) rowPos[rows[t]!] = -1;
      rowPtr[b + 1] = nr;
      entryPtr[b + 1] = ne;
    }
    return { sign, colPtr, cols: blockCols, rowPtr, rows: rows.slice(0, nr), entryPtr, entry: entry.slice(0, ne), pos: pos.slice(0, ne) };
  }
}

interface Blocks {
  readonly sign: Int8Array;
  /** Block b's fixed columns (indices into `cols`) are cols[colPtr[b]..colPtr[b+1]). */
  readonly colPtr: Int32Array;
  readonly cols: Int32Array;
  /** Its dropped rows (indices into `droppedRows`), M's columns in this order. */
  readonly rowPtr: Int32Array;
  readonly rows: Int32Array;
  /** Its A entries and their positions in M (column-major, rows of M = the block's columns). */
  readonly entryPtr: Int32Array;
  readonly entry: Int32Array;
  readonly pos: Int32Array;
}

const sameInt8 = (a: Int8Array, b: Int8Array) => a.length === b.length && a.every((v, i) => v === b[i]);


/** Side a dropped row's multiplier may take: 0 free, −1 only ≤ 0, +1 only ≥ 0, 2 must be 0. */
function allowedSign(lo: number, hi: number, s: number): 0 | -1 | 1 | 2 {
  const atLo = !isInf(lo) && Math.abs(s - lo) <= ACTIVITY_TOL * (1 + Math.abs(lo));
  const atHi = !isInf(hi) && Math.abs(s - hi) <= ACTIVITY_TOL * (1 + Math.abs(hi));
  if (atLo && atHi) return 0;
  if (atLo) return -1;
  if (atHi) return 1;
  return 2;
}

/** Sign-constrained multipliers of a block beyond this are not enumerated: the block objects. */
const MAX_SIGNED = 12;
/** Blocks with more fixed columns than this object without a solve. */
const MAX_BLOCK = 64;
/** A block's search stops at this fraction of the caller's tolerance. */
const ENOUGH = 1e-3;

/**
 * Stationarity of one block: multipliers `y` (one per column of M, each allowed the sign in
 * `signs`: 0 free, −1 ≤ 0, +1 ≥ 0) minimising ‖M y − b‖ over the sign patterns. Every subset of
 * the sign-constrained multipliers is tried as the set allowed to be nonzero (a block has a
 * handful), largest first since the unconstrained solution is the likely answer; each subset's
 * least-squares solution (modified Gram–Schmidt, a column in the span of earlier ones gets 0)
 * is kept when its signs hold, and the search stops at an ∞-norm residual ≤ `enough`.
 * Scratch space is reused across blocks: there are as many blocks as fixed instruments.
 */
class BlockSolver {
  private cap = 0;
  private q = new Float64Array(0);
  private r = new Float64Array(0);
  private z = new Float64Array(0);
  private coef = new Float64Array(0);
  private resid = new Float64Array(0);
  private use = new Int32Array(0);
  private indep = new Uint8Array(0);
  private mBuf = new Float64Array(0);
  private bBuf = new Float64Array(0);
  private sBuf = new Int8Array(0);
  /** Best multipliers of the last `solve`, one per column of M. */
  y = new Float64Array(0);

  /** Zeroed scratch for a `rows` × `cols` M. */
  matrix(rows: number, cols: number): Float64Array {
    if (this.mBuf.length < rows * cols) this.mBuf = new Float64Array(2 * rows * cols);
    this.mBuf.fill(0, 0, rows * cols);
    return this.mBuf;
  }

  /** Scratch for the signs. */
  signs(n: number): Int8Array {
    if (this.sBuf.length < n) this.sBuf = new Int8Array(2 * n);
    return this.sBuf;
  }

  /** Scratch for b. */
  rhs(rows: number): Float64Array {
    if (this.bBuf.length < rows) this.bBuf = new Float64Array(2 * rows);
    return this.bBuf;
  }

  private ensure(rows: number, cols: number): void {
    const need = Math.max(rows, cols);
    if (need <= this.cap) return;
    this.cap = Math.max(need, 2 * this.cap, 8);
    const c = this.cap;
    this.q = new Float64Array(c * c);
    this.r = new Float64Array(c * c);
    this.z = new Float64Array(c);
    this.coef = new Float64Array(c);
    this.resid = new Float64Array(c);
    this.use = new Int32Array(c);
    this.indep = new Uint8Array(c);
    this.y = new Float64Array(c);
  }

  /** M column-major, `rows` × `cols`. Returns the best residual (∞-norm); `y` holds its multipliers. */
  solve(M: Float64Array, rows: number, cols: number, signs: Int8Array, b: Float64Array, enough: number): number {
    this.ensure(rows, cols);
    let nSigned = 0;
    for (let j = 0; j < cols; j++) if (signs[j] !== 0) nSigned++;
    const y = this.y;
    y.fill(0, 0, cols);
    let best = 0;
    for (let i = 0; i < rows; i++) best = Math.max(best, Math.abs(b[i]!));
    if (nSigned > MAX_SIGNED) return Infinity;
    if (best <= enough) return best;
    for (let mask = (1 << nSigned) - 1; mask >= 0; mask--) {
      let nUse = 0;
      for (let j = 0, t = 0; j < cols; j++) {
        if (signs[j] === 0) this.use[nUse++] = j;
        else if (mask & (1 << t++)) this.use[nUse++] = j;
      }
      const residual = this.leastSquares(M, rows, nUse, b);
      if (residual >= best) continue;
      let ok = true;
      for (let t = 0; t < nUse; t++) if (signs[this.use[t]!]! * this.coef[t]! < 0) ok = false;
      if (!ok) continue;
      best = residual;
      y.fill(0, 0, cols);
      for (let t = 0; t < nUse; t++) y[this.use[t]!] = this.coef[t]!;
      if (best <= enough) break;
    }
    return best;
  }

  /** Least squares over the columns `use[0..nUse)` of M; coefficients in `coef`; returns the residual's ∞-norm. */
  private leastSquares(M: Float64Array, rows: number, nUse: number, b: Float64Array): number {
    const { q: Q, r: R, z, coef, resid, indep } = this;
    for (let i = 0; i < rows; i++) resid[i] = b[i]!;
    for (let t = 0; t < nUse; t++) {
      const src = this.use[t]! * rows;
      const qo = t * rows;
      let norm0 = 0;
      for (let i = 0; i < rows; i++) {
        Q[qo + i] = M[src + i]!;
        norm0 += Q[qo + i]! * Q[qo + i]!;
      }
      for (let k = 0; k < t; k++) {
        if (!indep[k]) continue;
        const ko = k * rows;
        let d = 0;
        for (let i = 0; i < rows; i++) d += Q[ko + i]! * Q[qo + i]!;
        R[k * nUse + t] = d;
        for (let i = 0; i < rows; i++) Q[qo + i]! -= d * Q[ko + i]!;
      }
      let norm = 0;
      for (let i = 0; i < rows; i++) norm += Q[qo + i]! * Q[qo + i]!;
      indep[t] = norm > 1e-24 * norm0 && norm > 0 ? 1 : 0;
      if (!indep[t]) continue;
      norm = Math.sqrt(norm);
      R[t * nUse + t] = norm;
      let d = 0;
      for (let i = 0; i < rows; i++) {
        Q[qo + i]! /= norm;
        d += Q[qo + i]! * resid[i]!;
      }
      z[t] = d;
      for (let i = 0; i < rows; i++) resid[i]! -= d * Q[qo + i]!;
    }
    for (let t = nUse - 1; t >= 0; t--) {
      if (!indep[t]) {
        coef[t] = 0;
        continue;
      }
      let s = z[t]!;
      for (let k = t + 1; k < nUse; k++) if (indep[k]) s -= R[t * nUse + k]! * coef[k]!;
      coef[t] = s / R[t * nUse + t]!;
    }
    let worst = 0;
    for (let i = 0; i < rows; i++) worst = Math.max(worst, Math.abs(resid[i]!));
    return worst;
  }
}

