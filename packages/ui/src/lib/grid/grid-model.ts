/**
 * The pure half of the virtual grid: column access, filtering, sorting and windowing over
 * row indices. Rows are never copied or reordered: a view is a Uint32Array of row indices,
 * so sorting 15,000 rows moves 60 kB of integers and the row array stays shared.
 */
import { formatValue, isNumericKind, type ValueKind } from '../format.js';

export interface GridColumn<R = Record<string, unknown>> {
  readonly key: string;
  readonly label: string;
  readonly kind?: ValueKind;
  readonly digits?: number;
  /** px; default by kind. */
  readonly width?: number;
  /** Accessor; default `row[key]`. */
  readonly value?: (row: R) => unknown;
  /** Display text; default `formatValue(value, kind, digits)`. */
  readonly format?: (value: unknown, row: R) => string;
  /** A CSS class for the cell (badges, highlights). */
  readonly cellClass?: (value: unknown, row: R) => string | undefined;
  readonly title?: string;
}

export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  readonly key: string;
  readonly dir: SortDir;
}

export function cellValue<R>(col: GridColumn<R>, row: R): unknown {
  return col.value ? col.value(row) : (row as Record<string, unknown>)[col.key];
}

export function cellText<R>(col: GridColumn<R>, row: R): string {
  const v = cellValue(col, row);
  return col.format ? col.format(v, row) : formatValue(v, col.kind ?? 'text', col.digits);
}

export const isNumericColumn = (col: GridColumn<never>): boolean => isNumericKind(col.kind ?? 'text');

export function identityIndex(n: number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/**
 * Lower-case text of each row over all columns (built once per row array, then reused): raw
 * values, plus the display text of columns with a custom format (dates, codes). Number formats
 * are left out on purpose: formatting 15,000 × 20 numbers with Intl costs half a second.
 */
export function searchText<R>(rows: readonly R[], cols: readonly GridColumn<R>[]): string[] {
  const out = new Array<string>(rows.length);
  const formatted = cols.filter((c) => c.format);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let s = '';
    for (const c of cols) {
      const v = cellValue(c, row);
      if (v !== null && v !== undefined) s += `${String(v)}\u0001`;
    }
    for (const c of formatted) s += `${cellText(c, row)}\u0001`;
    out[i] = s.toLowerCase();
  }
  return out;
}

/** Rows whose text contains every whitespace-separated term (case-insensitive). */
export function filterIndex(text: readonly string[], query: string): Uint32Array {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return identityIndex(text.length);
  const hits = new Uint32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const t = text[i]!;
    if (terms.every((q) => t.includes(q))) hits[n++] = i;
  }
  return hits.slice(0, n);
}

/** Sort keys of one column, indexed by row: numbers (NaN = missing) or lower-case text (undefined = missing). */
export type SortKeys = { readonly numeric: true; readonly keys: Float64Array } | { readonly numeric: false; readonly keys: (string | undefined)[] };

export function sortKeys<R>(rows: readonly R[], col: GridColumn<R>, base: Uint32Array): SortKeys {
  if (isNumericColumn(col as GridColumn<never>)) {
    const keys = new Float64Array(rows.length).fill(Number.NaN);
    for (let k = 0; k < base.length; k++) {
      const v = cellValue(col, rows[base[k]!]!);
      keys[base[k]!] = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : Number.NaN;
    }
    return { numeric: true, keys };
  }
  const keys = new Array<string | undefined>(rows.length);
  for (let k = 0; k < base.length; k++) {
    const v = cellValue(col, rows[base[k]!]!);
    keys[base[k]!] = v === null || v === undefined || v === '' ? undefined : String(v).toLowerCase();
  }
  return { numeric: false, keys };
}

/**
 * `base` reordered by precomputed keys, stable (ties keep base order); missing values go last
 * whichever the direction. Pure and self-contained, so it also runs in the sort worker.
 */
export function argsort(k: SortKeys, dir: SortDir, base: Uint32Array, rowCount: number): Uint32Array {
  const sign = dir === 'asc' ? 1 : -1;
  const pos = new Uint32Array(rowCount);
  for (let i = 0; i < base.length; i++) pos[base[i]!] = i;
  const out = base.slice();
  if (k.numeric) {
    const key = k.keys;
    out.sort((a, b) => {
      const x = key[a]!;
      const y = key[b]!;
      const xm = !Number.isFinite(x);
      const ym = !Number.isFinite(y);
      if (xm || ym) return xm === ym ? pos[a]! - pos[b]! : xm ? 1 : -1;
      return x === y ? pos[a]! - pos[b]! : x < y ? -sign : sign;
    });
  } else {
    const key = k.keys;
    out.sort((a, b) => {
      const x = key[a];
      const y = key[b];
      if (x === undefined || y === undefined) return x === y ? pos[a]! - pos[b]! : x === undefined ? 1 : -1;
      return x === y ? pos[a]! - pos[b]! : x < y ? -sign : sign;
    });
  }
  return out;
}

/** `base` reordered by one column (keys, then argsort), on the calling thread. */
export function sortIndex<R>(rows: readonly R[], col: GridColumn<R>, dir: SortDir, base: Uint32Array): Uint32Array {
  return argsort(sortKeys(rows, col, base), dir, base, rows.length);
}

/** The slice of view positions to render for a scroll position, with `overscan` rows each side. */
export function windowRange(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 8): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(viewportHeight / rowHeight) + 1;
  const start = Math.max(0, Math.min(first - overscan, total - visible - overscan));
  const end = Math.min(total, first + visible + overscan);
  return { start: Math.max(0, start), end: Math.max(start, end) };
}

/** The scrollTop that brings view position `k` into a viewport (unchanged if it already is). */
export function scrollToShow(k: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = k * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}

export const GRID_KEYS = ['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'] as const;
export type GridKey = (typeof GRID_KEYS)[number];

/** The active position after a navigation key. */
export function moveActive(key: GridKey, active: number, total: number, pageRows: number): number {
  if (total === 0) return -1;
  const a = active < 0 ? -1 : active;
  const next =
    key === 'ArrowDown' ? a + 1 : key === 'ArrowUp' ? a - 1 : key === 'PageDown' ? a + pageRows : key === 'PageUp' ? a - pageRows : key === 'Home' ? 0 : total - 1;
  return Math.max(0, Math.min(total - 1, next));
}

const tsvCell = (s: string) => s.replace(/[\t\n\r]+/g, ' ');

/** Tab-separated text of the given view positions (what a spreadsheet pastes). Raw numbers, not formatted. */
export function toTsv<R>(rows: readonly R[], cols: readonly GridColumn<R>[], indices: ArrayLike<number>, header = true): string {
  const lines: string[] = header ? [cols.map((c) => tsvCell(c.label)).join('\t')] : [];
  for (let k = 0; k < indices.length; k++) {
    const row = rows[indices[k]!]!;
    lines.push(
      cols
        .map((c) => {
          const v = cellValue(c, row);
          if (v === null || v === undefined) return '';
          return tsvCell(typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? String(v) : cellText(c, row));
        })
        .join('\t'),
    );
  }
  return lines.join('\n');
}
