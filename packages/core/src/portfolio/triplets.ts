import type { CscMatrix } from '@keel/solver-native/qp';

/**
 * Sparse entries collected row by row (rows non-decreasing), turned into CSC by a stable
 * counting sort on the column: rows come out ascending within each column with no further
 * sort. Entries of the same (row, column) are summed. Zeros are kept, so the pattern depends
 * only on the structure of the problem and a value update (new prices) keeps it.
 */
export class TripletBuilder {
  private rows: Int32Array;
  private cols: Int32Array;
  private vals: Float64Array;
  private len = 0;
  private lastRow = 0;

  constructor(capacity = 1024) {
    this.rows = new Int32Array(capacity);
    this.cols = new Int32Array(capacity);
    this.vals = new Float64Array(capacity);
  }

  get size(): number {
    return this.len;
  }

  add(row: number, col: number, value: number): void {
    if (row < this.lastRow) throw new Error(`TripletBuilder: rows must be added in order (${row} after ${this.lastRow})`);
    this.lastRow = row;
    if (this.len === this.rows.length) this.grow();
    this.rows[this.len] = row;
    this.cols[this.len] = col;
    this.vals[this.len] = value;
    this.len++;
  }

  private grow(): void {
    const cap = this.rows.length * 2;
    const r = new Int32Array(cap);
    r.set(this.rows);
    const c = new Int32Array(cap);
    c.set(this.cols);
    const v = new Float64Array(cap);
    v.set(this.vals);
    this.rows = r;
    this.cols = c;
    this.vals = v;
  }

  toCsc(nRows: number, nCols: number): CscMatrix {
    const count = new Int32Array(nCols + 1);
    for (let t = 0; t < this.len; t++) count[(this.cols[t] as number) + 1]!++;
    for (let j = 0; j < nCols; j++) count[j + 1] = (count[j + 1] as number) + (count[j] as number);
    const next = Int32Array.from(count.subarray(0, nCols));
    const rowIdx = new Int32Array(this.len);
    const values = new Float64Array(this.len);
    for (let t = 0; t < this.len; t++) {
      const j = this.cols[t] as number;
      const p = next[j] as number;
      next[j] = p + 1;
      rowIdx[p] = this.rows[t] as number;
      values[p] = this.vals[t] as number;
    }
    // Merge duplicates (same row twice in a column).
    let dup = false;
    for (let j = 0; j < nCols && !dup; j++) {
      for (let p = (count[j] as number) + 1; p < (count[j + 1] as number); p++) if (rowIdx[p] === rowIdx[p - 1]) dup = true;
    }
    if (!dup) return { nRows, nCols, colPtr: count, rowIdx, values };
    const colPtr = new Int32Array(nCols + 1);
    const r2: number[] = [];
    const v2: number[] = [];
    for (let j = 0; j < nCols; j++) {
      for (let p = count[j] as number; p < (count[j + 1] as number); p++) {
        if (r2.length > (colPtr[j] as number) && r2[r2.length - 1] === rowIdx[p]) v2[v2.length - 1] = (v2[v2.length - 1] as number) + (values[p] as number);
        else {
          r2.push(rowIdx[p] as number);
          v2.push(values[p] as number);
        }
      }
      colPtr[j + 1] = r2.length;
    }
    return { nRows, nCols, colPtr, rowIdx: Int32Array.from(r2), values: Float64Array.from(v2) };
  }
}
