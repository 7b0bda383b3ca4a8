import { InputError } from '../errors/index.js';
import type { CscMatrix } from '../qp/types.js';
import { GrowableFloat64, GrowableInt32 } from './growable.js';
import type { ObjectiveSense, OptimizationModel, RowBlock } from './types.js';

export interface VarSpec {
  readonly lower?: number; // default 0
  readonly upper?: number; // default +Infinity
  readonly cost?: number; // default 0
  readonly integer?: boolean;
  readonly name?: string;
}

/** Columns appended since a checkpoint, for extending a live solver session. */
export interface ColumnBlock {
  readonly nCols: number;
  readonly cost: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly integer: Uint8Array;
}

/**
 * Builds an `OptimizationModel` incrementally (seed 01's "Builder" for the MIP). Rows are kept
 * in CSR while building — rows are what models add — and converted to CSC once in `build()`.
 * Duplicate column indices within a row are summed and exact zeros dropped, because HiGHS
 * rejects duplicates. Rows and columns can be appended after a solve and handed to a live
 * session through `rowsFrom` / `columnsFrom` (constraint generation).
 */
export class ModelBuilder {
  private sense: ObjectiveSense;
  private offset = 0;
  private readonly cost = new GrowableFloat64();
  private readonly lower = new GrowableFloat64();
  private readonly upper = new GrowableFloat64();
  private readonly intCols = new GrowableInt32();
  private readonly colNames: string[] = [];
  private readonly rowNames: string[] = [];
  private readonly rowPtr = new GrowableInt32();
  private readonly colIdx = new GrowableInt32();
  private readonly vals = new GrowableFloat64();
  private readonly rowLo = new GrowableFloat64();
  private readonly rowHi = new GrowableFloat64();
  /** Quadratic entries keyed by `i * nCols + j` would break when columns grow: keyed by pair. */
  private readonly quad = new Map<string, { i: number; j: number; v: number }>();
  private readonly named: boolean;
  // Scratch for merging duplicates inside a row: position of a column in the row being added.
  private slot = new Int32Array(0);

  constructor(options: { sense?: ObjectiveSense; names?: boolean } = {}) {
    this.sense = options.sense ?? 'minimize';
    this.named = options.names ?? false;
    this.rowPtr.push(0);
  }

  get nCols(): number {
    return this.cost.length;
  }

  get nRows(): number {
    return this.rowLo.length;
  }

  setSense(sense: ObjectiveSense): this {
    this.sense = sense;
    return this;
  }

  setOffset(offset: number): this {
    finite(offset, 'model.offset');
    this.offset = offset;
    return this;
  }

  addVar(spec: VarSpec = {}): number {
    const j = this.nCols;
    const lo = spec.lower ?? 0;
    const hi = spec.upper ?? Infinity;
    const c = spec.cost ?? 0;
    const path = `model.cols[${j}]`;
    if (Number.isNaN(lo) || Number.isNaN(hi) || lo === Infinity || hi === -Infinity) {
      throw new InputError({ path: `${path}.bounds`, message: `invalid bounds [${lo}, ${hi}]` });
    }
    if (lo > hi) throw new InputError({ path: `${path}.bounds`, message: `lower ${lo} > upper ${hi}` });
    finite(c, `${path}.cost`);
    this.cost.push(c);
    this.lower.push(lo);
    this.upper.push(hi);
    if (spec.integer) this.intCols.push(j);
    if (this.named) this.colNames.push(spec.name ?? `c${j}`);
    return j;
  }

  /** Appends `count` identical columns; returns the index of the first. */
  addVars(count: number, spec: VarSpec = {}): number {
    const first = this.nCols;
    for (let k = 0; k < count; k++) {
      this.addVar(spec.name === undefined ? spec : { ...spec, name: `${spec.name}[${k}]` });
    }
    return first;
  }

  setCost(col: number, c: number): this {
    this.checkCol(col, 'model.cost');
    finite(c, `model.cols[${col}].cost`);
    this.cost.set(col, c);
    return this;
  }

  addCost(col: number, c: number): this {
    return this.setCost(col, this.cost.get(col) + c);
  }

  setBounds(col: number, lower: number, upper: number): this {
    this.checkCol(col, 'model.bounds');
    if (!(lower <= upper) || lower === Infinity || upper === -Infinity) {
      throw new InputError({ path: `model.cols[${col}].bounds`, message: `invalid bounds [${lower}, ${upper}]` });
    }
    this.lower.set(col, lower);
    this.upper.set(col, upper);
    return this;
  }

  getCost(col: number): number {
    return this.cost.get(col);
  }

  /**
   * Appends the row lower ≤ Σ values[k]·x[indices[k]] ≤ upper and returns its index.
   * Use ±Infinity for a missing side.
   */
  addRow(
    indices: ArrayLike<number>,
    values: ArrayLike<number>,
    lower: number,
    upper: number,
    name?: string,
  ): number {
    const r = this.nRows;
    const path = `model.rows[${r}]`;
    if (indices.length !== values.length) {
      throw new InputError({ path, message: `${indices.length} indices but ${values.length} values` });
    }
    if (Number.isNaN(lower) || Number.isNaN(upper) || lower > upper || lower === Infinity || upper === -Infinity) {
      throw new InputError({ path: `${path}.bounds`, message: `invalid bounds [${lower}, ${upper}]` });
    }
    const n = this.nCols;
    if (this.slot.length < n) {
      const s = new Int32Array(Math.max(n, this.slot.length * 2));
      s.fill(-1);
      this.slot = s;
    }
    const start = this.colIdx.length;
    for (let k = 0; k < indices.length; k++) {
      const j = indices[k] as number;
      const v = values[k] as number;
      if (!Number.isInteger(j) || j < 0 || j >= n) {
        this.discardRow(start);
        throw new InputError({ path: `${path}.indices[${k}]`, message: `column ${j} out of range 0..${n - 1}` });
      }
      if (!Number.isFinite(v)) {
        this.discardRow(start);
        throw new InputError({ path: `${path}.values[${k}]`, message: `coefficient ${v} is not finite` });
      }
      const at = this.slot[j] as number;
      if (at >= 0) {
        this.vals.set(at, this.vals.get(at) + v);
      } else {
        this.slot[j] = this.colIdx.length;
        this.colIdx.push(j);
        this.vals.push(v);
      }
    }
    this.clearSlots(start);
    this.sortAndCompactRow(start);
    this.rowPtr.push(this.colIdx.length);
    this.rowLo.push(lower);
    this.rowHi.push(upper);
    if (this.named) this.rowNames.push(name ?? `r${r}`);
    return r;
  }

  /**
   * Adds v·x_i·x_j to the objective for i ≠ j, and ½·v·x_i² for i = j — i.e. v is added to the
   * entry (i, j) of the symmetric Q in ½xᵀQx (and its mirror). Stored as the upper triangle.
   */
  addQuadratic(i: number, j: number, v: number): this {
    this.checkCol(i, 'model.quadratic');
    this.checkCol(j, 'model.quadratic');
    finite(v, `model.quadratic[${i},${j}]`);
    const [r, c] = i <= j ? [i, j] : [j, i];
    const key = `${r},${c}`;
    const e = this.quad.get(key);
    if (e) e.v += v;
    else this.quad.set(key, { i: r, j: c, v });
    return this;
  }

  build(): OptimizationModel {
    const nCols = this.nCols;
    const nRows = this.nRows;
    const integer = new Uint8Array(nCols);
    for (let k = 0; k < this.intCols.length; k++) integer[this.intCols.get(k)] = 1;
    const A = csrToCsc(nRows, nCols, this.rowPtr.slice(), this.colIdx.slice(), this.vals.slice());
    const model: OptimizationModel = {
      nCols,
      nRows,
      sense: this.sense,
      offset: this.offset,
      colCost: this.cost.slice(),
      colLower: this.lower.slice(),
      colUpper: this.upper.slice(),
      integer,
      A,
      rowLower: this.rowLo.slice(),
      rowUpper: this.rowHi.slice(),
      ...(this.quad.size > 0 ? { Q: this.buildQ(nCols) } : {}),
      ...(this.named ? { colNames: [...this.colNames], rowNames: [...this.rowNames] } : {}),
    };
    return model;
  }

  /** Rows [startRow, nRows) as CSR over all current columns. */
  rowsFrom(startRow: number): RowBlock {
    const p0 = this.rowPtr.get(startRow);
    const rowPtr = this.rowPtr.slice(startRow, this.nRows + 1);
    for (let k = 0; k < rowPtr.length; k++) rowPtr[k] = (rowPtr[k] as number) - p0;
    return {
      nRows: this.nRows - startRow,
      nCols: this.nCols,
      rowPtr,
      colIdx: this.colIdx.slice(p0),
      values: this.vals.slice(p0),
      lower: this.rowLo.slice(startRow),
      upper: this.rowHi.slice(startRow),
    };
  }

  /** Columns [startCol, nCols) with their cost, bounds and integrality. */
  columnsFrom(startCol: number): ColumnBlock {
    const integer = new Uint8Array(this.nCols - startCol);
    for (let k = 0; k < this.intCols.length; k++) {
      const j = this.intCols.get(k);
      if (j >= startCol) integer[j - startCol] = 1;
    }
    return {
      nCols: this.nCols - startCol,
      cost: this.cost.slice(startCol),
      lower: this.lower.slice(startCol),
      upper: this.upper.slice(startCol),
      integer,
    };
  }

  /** Current objective coefficients (a copy). */
  costs(): Float64Array {
    return this.cost.slice();
  }

  private buildQ(n: number): CscMatrix {
    const entries = [...this.quad.values()].filter((e) => e.v !== 0);
    entries.sort((a, b) => a.j - b.j || a.i - b.i);
    const colPtr = new Int32Array(n + 1);
    const rowIdx = new Int32Array(entries.length);
    const values = new Float64Array(entries.length);
    entries.forEach((e, k) => {
      colPtr[e.j + 1] = (colPtr[e.j + 1] as number) + 1;
      rowIdx[k] = e.i;
      values[k] = e.v;
    });
    for (let j = 0; j < n; j++) colPtr[j + 1] = (colPtr[j + 1] as number) + (colPtr[j] as number);
    return { nRows: n, nCols: n, colPtr, rowIdx, values };
  }

  /** Undoes a partly added row (on an input error) so the builder stays consistent. */
  private discardRow(start: number): void {
    this.clearSlots(start);
    this.colIdx.length = start;
    this.vals.length = start;
  }

  private clearSlots(start: number): void {
    for (let k = start; k < this.colIdx.length; k++) this.slot[this.colIdx.get(k)] = -1;
  }

  /** Sorts the just-added row by column and drops exact zeros (after merging). */
  private sortAndCompactRow(start: number): void {
    const end = this.colIdx.length;
    const len = end - start;
    if (len === 0) return;
    const idx = this.colIdx.slice(start, end);
    const val = this.vals.slice(start, end);
    let sorted = true;
    for (let k = 1; k < len; k++) if ((idx[k] as number) < (idx[k - 1] as number)) sorted = false;
    let order: Int32Array | null = null;
    if (!sorted) {
      order = new Int32Array(len);
      for (let k = 0; k < len; k++) order[k] = k;
      order.sort((a, b) => (idx[a] as number) - (idx[b] as number));
    }
    this.colIdx.length = start;
    this.vals.length = start;
    for (let k = 0; k < len; k++) {
      const src = order ? (order[k] as number) : k;
      const v = val[src] as number;
      if (v === 0) continue;
      this.colIdx.push(idx[src] as number);
      this.vals.push(v);
    }
  }

  private checkCol(col: number, path: string): void {
    if (!Number.isInteger(col) || col < 0 || col >= this.nCols) {
      throw new InputError({ path, message: `column ${col} out of range 0..${this.nCols - 1}` });
    }
  }
}

function finite(v: number, path: string): void {
  if (!Number.isFinite(v)) throw new InputError({ path, message: `${v} is not a finite number` });
}

/** CSR → CSC by counting sort; row indices come out ascending within each column. */
export function csrToCsc(
  nRows: number,
  nCols: number,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: Float64Array,
): CscMatrix {
  const nnz = rowPtr[nRows] as number;
  const colPtr = new Int32Array(nCols + 1);
  for (let k = 0; k < nnz; k++) {
    const j = colIdx[k] as number;
    colPtr[j + 1] = (colPtr[j + 1] as number) + 1;
  }
  for (let j = 0; j < nCols; j++) colPtr[j + 1] = (colPtr[j + 1] as number) + (colPtr[j] as number);
  const next = colPtr.slice(0, nCols);
  const rowIdx = new Int32Array(nnz);
  const out = new Float64Array(nnz);
  for (let i = 0; i < nRows; i++) {
    for (let k = rowPtr[i] as number; k < (rowPtr[i + 1] as number); k++) {
      const j = colIdx[k] as number;
      const at = next[j] as number;
      next[j] = at + 1;
      rowIdx[at] = i;
      out[at] = values[k] as number;
    }
  }
  return { nRows, nCols, colPtr, rowIdx, values: out };
}

/** Transpose of a CSC matrix (equivalently: CSC → CSR of the same matrix). */
export function transposeCsc(m: CscMatrix): CscMatrix {
  const t = csrToCsc(m.nCols, m.nRows, m.colPtr, m.rowIdx, m.values);
  return t;
}
