import type { CscMatrix } from '../types.js';

/** Collects (row, col, value) entries and compresses them to CSC, summing duplicates. */
export class TripletMatrix {
  private readonly rows: number[] = [];
  private readonly cols: number[] = [];
  private readonly vals: number[] = [];
  constructor(
    readonly nRows: number,
    readonly nCols: number,
  ) {}

  add(i: number, j: number, v: number): this {
    if (v !== 0) {
      this.rows.push(i);
      this.cols.push(j);
      this.vals.push(v);
    }
    return this;
  }

  /** CSC with rows sorted and duplicates summed; `upper` keeps only i ≤ j (for P). */
  toCsc(upper = false): CscMatrix {
    const { nRows, nCols } = this;
    const order = this.rows.map((_, k) => k).filter((k) => !upper || this.rows[k]! <= this.cols[k]!);
    order.sort((a, b) => this.cols[a]! - this.cols[b]! || this.rows[a]! - this.rows[b]!);
    const colPtr = new Int32Array(nCols + 1);
    const rowIdx: number[] = [];
    const values: number[] = [];
    let lastRow = -1;
    let lastCol = -1;
    for (const k of order) {
      const i = this.rows[k]!;
      const j = this.cols[k]!;
      if (i === lastRow && j === lastCol) {
        values[values.length - 1]! += this.vals[k]!;
        continue;
      }
      rowIdx.push(i);
      values.push(this.vals[k]!);
      colPtr[j + 1]!++;
      lastRow = i;
      lastCol = j;
    }
    for (let j = 0; j < nCols; j++) colPtr[j + 1]! += colPtr[j]!;
    return { nRows, nCols, colPtr, rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) };
  }
}

/** Random sparse m × n entries with the given density (standard normal values). */
export function randomSparse(t: TripletMatrix, rowOffset: number, colOffset: number, m: number, n: number, density: number, rand: () => number, normal: () => number): void {
  const nnz = Math.round(density * m * n);
  if (density > 0.3) {
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) if (rand() < density) t.add(rowOffset + i, colOffset + j, normal());
    return;
  }
  const seen = new Set<number>();
  while (seen.size < nnz) {
    const i = Math.floor(rand() * m);
    const j = Math.floor(rand() * n);
    const key = j * m + i;
    if (seen.has(key)) continue;
    seen.add(key);
    t.add(rowOffset + i, colOffset + j, normal());
  }
}
