import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TableFormat } from './read-tables.js';
import { TABLE_NAMES, TABLE_SPECS, type ColumnType, type PortfolioTables } from './tables.js';

const DUCK_TYPES: Record<ColumnType, string> = { string: 'VARCHAR', number: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE' };

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : String(v).toLowerCase();
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows of one table as CSV text, columns in schema order. */
export function tableToCsv(name: keyof typeof TABLE_SPECS, rows: readonly object[]): string {
  const cols = TABLE_SPECS[name].columns.map((c) => c.name);
  const lines = [cols.join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvCell((r as Record<string, unknown>)[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Writes every table present in `tables` to `dir` as `<name>.parquet` (ZSTD, typed columns) or
 * `<name>.csv`. Parquet goes through DuckDB from a temporary CSV with explicit column types.
 */
export async function writePortfolioTables(dir: string, tables: PortfolioTables, format: TableFormat): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const instance = format === 'parquet' ? await DuckDBInstance.create(':memory:') : undefined;
  const conn = instance ? await instance.connect() : undefined;
  try {
    for (const name of TABLE_NAMES) {
      const t = tables[name];
      if (!t) continue;
      const csv = tableToCsv(name, t.rows as readonly object[]);
      if (!conn) {
        const path = join(dir, `${name}.csv`);
        await writeFile(path, csv);
        written.push(path);
        continue;
      }
      const tmp = join(dir, `.${name}.${process.pid}.csv`);
      const path = join(dir, `${name}.parquet`);
      await writeFile(tmp, csv);
      const cols = TABLE_SPECS[name].columns.map((c) => `'${c.name}': '${DUCK_TYPES[c.type]}'`).join(', ');
      const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
      try {
        await conn.run(
          `COPY (SELECT * FROM read_csv(${q(tmp)}, header = true, columns = {${cols}})) TO ${q(path)} (FORMAT parquet, COMPRESSION zstd)`,
        );
      } finally {
        await rm(tmp, { force: true });
      }
      written.push(path);
    }
  } finally {
    conn?.closeSync();
    instance?.closeSync();
  }
  return written;
}
