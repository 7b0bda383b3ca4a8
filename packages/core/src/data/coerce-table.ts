import type { Diagnostic } from './diagnostics.js';
import type { ColumnSpec, TableSpec } from './tables.js';

/** A column as a reader hands it over: its name, the source's type name, and raw JS values. */
export interface RawColumn {
  readonly name: string;
  readonly sourceType?: string;
  readonly values: readonly unknown[];
}

export interface CoercedTable<T> {
  readonly rows: T[];
  /** 1-based source row of each kept row (rows with a bad cell are dropped). */
  readonly rowNumbers: number[];
  readonly diagnostics: Diagnostic[];
}

// One finding per cell would flood a log when a whole column is wrong; keep the first few per
// column and say how many more there were.
const MAX_CELL_DIAGNOSTICS_PER_COLUMN = 10;

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^[+-]?(nan|inf|infinity)$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

type Cell = { ok: true; value: string | number | boolean | null } | { ok: false; code: Diagnostic['code']; message: string };

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

function coerceCell(spec: ColumnSpec, v: unknown): Cell {
  if (isEmpty(v)) {
    return spec.nullable ? { ok: true, value: null } : { ok: false, code: 'missing_value', message: 'value is missing' };
  }
  switch (spec.type) {
    case 'string':
      if (typeof v === 'string') return { ok: true, value: v };
      if (typeof v === 'number' || typeof v === 'bigint') return { ok: true, value: String(v) };
      return { ok: false, code: 'wrong_type', message: `expected text, got ${typeof v}` };
    case 'number': {
      let x: number;
      if (typeof v === 'number') x = v;
      else if (typeof v === 'bigint') x = Number(v);
      else if (typeof v === 'string') {
        const t = v.trim();
        if (NON_FINITE_RE.test(t)) x = t.toLowerCase().includes('nan') ? NaN : t.startsWith('-') ? -Infinity : Infinity;
        else if (NUMBER_RE.test(t)) x = Number(t);
        else return { ok: false, code: 'wrong_type', message: `expected a number, got "${t.slice(0, 40)}"` };
      } else return { ok: false, code: 'wrong_type', message: `expected a number, got ${typeof v}` };
      if (!Number.isFinite(x)) return { ok: false, code: 'not_finite', message: `value is ${x}` };
      if (spec.min !== undefined && (spec.minExclusive ? !(x > spec.min) : !(x >= spec.min))) {
        return { ok: false, code: 'out_of_range', message: `must be ${spec.minExclusive ? '>' : '≥'} ${spec.min} (got ${x})` };
      }
      if (spec.max !== undefined && x > spec.max) return { ok: false, code: 'out_of_range', message: `must be ≤ ${spec.max} (got ${x})` };
      return { ok: true, value: x };
    }
    case 'boolean': {
      if (typeof v === 'boolean') return { ok: true, value: v };
      if (typeof v === 'number' || typeof v === 'bigint') {
        if (Number(v) === 0 || Number(v) === 1) return { ok: true, value: Number(v) === 1 };
      }
      if (typeof v === 'string') {
        const t = v.trim().toLowerCase();
        if (['true', 't', '1', 'yes', 'y'].includes(t)) return { ok: true, value: true };
        if (['false', 'f', '0', 'no', 'n'].includes(t)) return { ok: true, value: false };
      }
      return { ok: false, code: 'wrong_type', message: `expected true/false, got "${String(v).slice(0, 40)}"` };
    }
    case 'date': {
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) return { ok: false, code: 'wrong_type', message: 'invalid date' };
        return { ok: true, value: v.toISOString().slice(0, 10) };
      }
      if (typeof v === 'string') {
        const t = v.trim().slice(0, 10);
        const m = DATE_RE.exec(t);
        if (m) {
          const d = new Date(`${t}T00:00:00Z`);
          if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === t) return { ok: true, value: t };
        }
      }
      return { ok: false, code: 'wrong_type', message: `expected a date YYYY-MM-DD, got "${String(v).slice(0, 40)}"` };
    }
  }
}

/**
 * Checks raw columns against a table schema and builds typed rows. Pure: both the Parquet and
 * the CSV paths end here, so a file's format never changes what is accepted. Rows with a bad
 * required cell are dropped (and named in a diagnostic); every finding names table, 1-based
 * data row and column.
 */
export function coerceTable<T>(spec: TableSpec, file: string, columns: readonly RawColumn[]): CoercedTable<T> {
  const diagnostics: Diagnostic[] = [];
  const byName = new Map<string, RawColumn>();
  for (const c of columns) byName.set(c.name.trim().toLowerCase(), c);
  const nRows = columns[0]?.values.length ?? 0;
  const present: { spec: ColumnSpec; col: RawColumn | undefined }[] = [];
  for (const cs of spec.columns) {
    const col = byName.get(cs.name);
    if (!col && cs.required) {
      diagnostics.push({ severity: 'error', code: 'missing_column', table: file, column: cs.name, message: `required column "${cs.name}" (${cs.type}) is missing` });
    }
    present.push({ spec: cs, col });
  }
  if (diagnostics.length) return { rows: [], rowNumbers: [], diagnostics };

  const rows: T[] = [];
  const rowNumbers: number[] = [];
  const perColumn = new Map<string, number>();
  for (let r = 0; r < nRows; r++) {
    const row: Record<string, unknown> = {};
    let bad = false;
    for (const { spec: cs, col } of present) {
      if (!col) {
        row[cs.name] = null;
        continue;
      }
      const cell = coerceCell(cs, col.values[r]);
      if (cell.ok) {
        row[cs.name] = cell.value;
        continue;
      }
      bad = true;
      const count = (perColumn.get(cs.name) ?? 0) + 1;
      perColumn.set(cs.name, count);
      if (count <= MAX_CELL_DIAGNOSTICS_PER_COLUMN) {
        diagnostics.push({ severity: 'error', code: cell.code, table: file, row: r + 1, column: cs.name, message: cell.message });
      }
    }
    if (!bad) {
      rows.push(row as T);
      rowNumbers.push(r + 1);
    }
  }
  for (const [column, count] of perColumn) {
    if (count > MAX_CELL_DIAGNOSTICS_PER_COLUMN) {
      diagnostics.push({
        severity: 'error',
        code: 'wrong_type',
        table: file,
        column,
        message: `${count - MAX_CELL_DIAGNOSTICS_PER_COLUMN} more bad values in this column`,
      });
    }
  }
  return { rows, rowNumbers, diagnostics };
}
