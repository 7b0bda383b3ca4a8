import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosticPath } from './diagnostics.js';
import { generatePortfolioSample } from './generate-sample.js';
import { readPortfolioTables } from './read-tables.js';
import { TABLE_NAMES } from './tables.js';
import { writePortfolioTables } from './write-tables.js';

describe('readPortfolioTables (DuckDB)', () => {
  const tables = generatePortfolioSample({ instruments: 200, seed: 3 });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-read-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['parquet', 'csv'] as const)('reads back what was written as %s, row for row', async (format) => {
    const sub = join(dir, format);
    await writePortfolioTables(sub, tables, format);
    const r = await readPortfolioTables(sub);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const name of TABLE_NAMES) {
      expect(r.tables[name]?.rows, name).toEqual(tables[name]?.rows);
    }
    expect(r.files.map((f) => f.format)).toEqual(TABLE_NAMES.map(() => format));
  });

  it('names table, row and column of a NaN price in a CSV and of a missing Parquet column', async () => {
    const sub = join(dir, 'bad');
    await writePortfolioTables(sub, tables, 'csv');
    const csv = (await readFile(join(sub, 'positions.csv'), 'utf8')).split('\n');
    const cells = (csv[12] as string).split(',');
    cells[2] = 'NaN';
    csv[12] = cells.join(',');
    await writeFile(join(sub, 'positions.csv'), csv.join('\n'));
    // A liquidity table without its adv column, as Parquet (through DuckDB, from a CSV without it).
    const liq = (tables.liquidity?.rows ?? []).map((l) => `${l.instrument_id},${l.spread}`).join('\n');
    await writeFile(join(sub, 'liq.tmp.csv'), `instrument_id,spread\n${liq}\n`);
    await rm(join(sub, 'liquidity.csv'));
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.run(`COPY (SELECT * FROM read_csv('${join(sub, 'liq.tmp.csv')}')) TO '${join(sub, 'liquidity.parquet')}' (FORMAT parquet)`);
    conn.closeSync();
    inst.closeSync();
    await rm(join(sub, 'liq.tmp.csv'));
    const r = await readPortfolioTables(sub);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${diagnosticPath(d)} ${d.code}`)).toEqual([
      'liquidity.parquet::adv missing_column',
      'positions.csv:12:price not_finite',
    ]);
  });

  it('refuses two files for one table and a directory that does not exist', async () => {
    const sub = join(dir, 'twice');
    await writePortfolioTables(sub, { cash: tables.cash }, 'csv');
    await writePortfolioTables(sub, { cash: tables.cash }, 'parquet');
    const r = await readPortfolioTables(sub);
    expect(r.diagnostics.find((d) => d.code === 'ambiguous_table')?.message).toBe('both cash.parquet and cash.csv exist; keep one');
    const none = await readPortfolioTables(join(dir, 'nope'));
    expect(none.diagnostics[0]?.code).toBe('missing_table');
  });
});
