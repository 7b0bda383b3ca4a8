import { coerceTable, type RawColumn } from './coerce-table.js';
import type { Diagnostic } from './diagnostics.js';
import { TABLE_NAMES, TABLE_SPECS, type LoadedTable, type PortfolioTables } from './tables.js';

/**
 * The reader's schema checks for tables handed over in memory (an API call, a test): every
 * cell goes through the same coercion as a Parquet or CSV cell, so a NaN price or a negative
 * ADV is named by table, row and column whatever the source. Returns the checked tables (rows
 * with a bad cell dropped, row numbers kept) and the findings.
 */
export function validateTables(tables: PortfolioTables): { tables: PortfolioTables; diagnostics: Diagnostic[] } {
  const out: Record<string, LoadedTable<unknown>> = {};
  const diagnostics: Diagnostic[] = [];
  for (const name of TABLE_NAMES) {
    const t = tables[name] as LoadedTable<Record<string, unknown>> | undefined;
    const spec = TABLE_SPECS[name];
    if (!t) {
      diagnostics.push({
        severity: spec.required ? 'error' : 'info',
        code: 'missing_table',
        table: name,
        message: spec.required ? `required table ${name} not given` : `optional table ${name} not given`,
      });
      continue;
    }
    const present = new Set<string>();
    for (const r of t.rows) for (const k of Object.keys(r)) present.add(k);
    const columns: RawColumn[] = spec.columns.filter((c) => present.has(c.name) || t.rows.length === 0).map((c) => ({ name: c.name, values: t.rows.map((r) => r[c.name]) }));
    const c = coerceTable<Record<string, unknown>>(spec, t.file, columns);
    diagnostics.push(...c.diagnostics);
    out[name] = { file: t.file, rows: c.rows, rowNumbers: c.rowNumbers.map((k) => t.rowNumbers?.[k - 1] ?? k) };
  }
  return { tables: out as PortfolioTables, diagnostics };
}
