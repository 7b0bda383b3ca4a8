/** RFC 4180 CSV from rows and columns (raw values, not display formats). */
export interface CsvColumn<R> {
  readonly key: string;
  readonly label?: string;
  readonly value?: (row: R) => unknown;
}

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<R>(rows: readonly R[], cols: readonly CsvColumn<R>[]): string {
  const head = cols.map((c) => csvField(c.label ?? c.key)).join(',');
  const body = rows.map((r) => cols.map((c) => csvField(c.value ? c.value(r) : (r as Record<string, unknown>)[c.key])).join(','));
  return `${[head, ...body].join('\n')}\n`;
}
