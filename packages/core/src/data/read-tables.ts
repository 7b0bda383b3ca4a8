import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { coerceTable, type RawColumn } from './coerce-table.js';
import type { Diagnostic } from './diagnostics.js';
import { TABLE_NAMES, TABLE_SPECS, type LoadedTable, type PortfolioTables, type TableName, type TableSpec } from './tables.js';

export const TABLE_FORMATS = ['parquet', 'csv'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export interface TableFileInfo {
  readonly table: TableName;
  readonly file: string;
  readonly format: TableFormat;
  readonly rows: number;
  readonly readMs: number;
}

export interface ReadTablesResult {
  readonly tables: PortfolioTables;
  readonly diagnostics: Diagnostic[];
  readonly files: TableFileInfo[];
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * Reads one file through DuckDB. CSV is read as text (`all_varchar`) so that every cell goes
 * through the same checks as Parquet values and a bad cell is named by row, not lost to type
 * inference.
 */
export async function readRawColumns(conn: DuckDBConnection, path: string, format: TableFormat): Promise<RawColumn[]> {
  const source =
    format === 'parquet' ? `read_parquet(${sqlString(path)})` : `read_csv(${sqlString(path)}, header = true, all_varchar = true)`;
  const result = await conn.runAndReadAll(`SELECT * FROM ${source}`);
  const names = result.columnNames();
  const types = result.columnTypes().map(String);
  const values = result.getColumnsJS();
  return names.map((name, i) => ({ name, sourceType: types[i], values: (values[i] ?? []) as unknown[] }));
}

export async function readTableFile<T>(
  conn: DuckDBConnection,
  dir: string,
  file: string,
  spec: TableSpec,
): Promise<{ table?: LoadedTable<T>; diagnostics: Diagnostic[] }> {
  const format: TableFormat = file.endsWith('.parquet') ? 'parquet' : 'csv';
  let raw: RawColumn[];
  try {
    raw = await readRawColumns(conn, join(dir, file), format);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? 'unreadable';
    return { diagnostics: [{ severity: 'error', code: 'unreadable_table', table: file, message: msg }] };
  }
  const c = coerceTable<T>(spec, file, raw);
  return { table: { file, rows: c.rows, rowNumbers: c.rowNumbers }, diagnostics: c.diagnostics };
}

/**
 * Reads every table of seed 03 §4 from `dir` (`<table>.parquet` or `<table>.csv`). Schema
 * findings come back as diagnostics; nothing here throws for bad data. One DuckDB in-memory
 * instance serves the whole read and is closed afterwards.
 */
export async function readPortfolioTables(dir: string): Promise<ReadTablesResult> {
  const diagnostics: Diagnostic[] = [];
  const files: TableFileInfo[] = [];
  let listing: string[];
  try {
    listing = await readdir(dir);
  } catch (e) {
    return {
      tables: {},
      files,
      diagnostics: [{ severity: 'error', code: 'missing_table', table: dir, message: `cannot read data directory (${(e as NodeJS.ErrnoException).code ?? 'error'})` }],
    };
  }
  const present = new Set(listing);
  const tables: Record<string, LoadedTable<unknown>> = {};
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    for (const name of TABLE_NAMES) {
      const spec = TABLE_SPECS[name];
      const candidates = TABLE_FORMATS.map((f) => `${name}.${f}`).filter((f) => present.has(f));
      if (candidates.length > 1) {
        diagnostics.push({ severity: 'error', code: 'ambiguous_table', table: name, message: `both ${candidates.join(' and ')} exist; keep one` });
        continue;
      }
      const file = candidates[0];
      if (!file) {
        diagnostics.push({
          severity: spec.required ? 'error' : 'info',
          code: 'missing_table',
          table: `${name}.parquet`,
          message: spec.required ? `required table ${name} (.parquet or .csv) not found` : `optional table ${name} not given`,
        });
        continue;
      }
      const t0 = performance.now();
      const r = await readTableFile(conn, dir, file, spec);
      diagnostics.push(...r.diagnostics);
      if (r.table) {
        tables[name] = r.table;
        files.push({ table: name, file, format: file.endsWith('.parquet') ? 'parquet' : 'csv', rows: r.table.rows.length, readMs: performance.now() - t0 });
      }
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return { tables: tables as PortfolioTables, diagnostics, files };
}
