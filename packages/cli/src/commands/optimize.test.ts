import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePortfolioSample, writePortfolioTables } from '@keel/core/data';
import { main } from '../main.js';
import { memoryIo } from '../test-support/memory-io.js';

describe('keel optimize', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-optimize-'));
    // A small book as CSV, with a run config next to it.
    await writePortfolioTables(join(dir, 'data'), generatePortfolioSample({ instruments: 200, seed: 5 }), 'csv');
    await writeFile(
      join(dir, 'data', 'config.json'),
      JSON.stringify({ risk: { aversion: 20 }, constraints: { instrument: { defaults: { positionNotional: { lower: -0.02, upper: 0.02, unit: 'nav' }, tradeAdv: { upper: 0.1 } } }, portfolio: { gross: { upper: 1.8, unit: 'nav' }, net: { lower: -0.05, upper: 0.05, unit: 'nav' } } } }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the six contract files (and FX orders, conversions) for a CSV data set', async () => {
    const m = memoryIo(dir);
    const code = await main(['optimize', '--data', 'data', '--out', 'out'], m.io);
    // stderr carries only progress lines (runs over a second), never an error.
    expect(m.stderr()).not.toMatch(/invalid input|internal error/);
    expect(code).toBe(0);
    expect(m.stdout()).toMatch(/^status {8}optimal/);
    const files = (await readdir(join(dir, 'out'))).sort();
    expect(files).toEqual(['conversions.csv', 'diagnostics.csv', 'fx-orders.csv', 'optimal.csv', 'orders.csv', 'run-log.json', 'summary.json', 'trades.csv']);
    const orders = (await readFile(join(dir, 'out', 'orders.csv'), 'utf8')).trim().split('\n');
    expect(orders[0]).toBe('symbol,side,shares');
    expect(orders.length).toBeGreaterThan(1);
    for (const l of orders.slice(1)) expect(l).toMatch(/^[A-Z0-9]+,(buy|sell),[1-9]\d*$/);
    const summary = JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summary.status).toBe('optimal');
    expect(summary.sizes.instruments).toBe(200);
    const log = JSON.parse(await readFile(join(dir, 'out', 'run-log.json'), 'utf8'));
    expect(log.runMetadata.files).toHaveLength(13);
    // A second run replaces the directory as a whole.
    expect(await main(['optimize', '--data', 'data', '--out', 'out', '--method', 'interior-point'], memoryIo(dir).io)).toBe(0);
    expect((await readdir(dir)).filter((f) => f.startsWith('.out'))).toEqual([]);
  });

  it('exits 2 naming table, row and column on bad data, and writes nothing', async () => {
    const bad = join(dir, 'bad');
    await writePortfolioTables(bad, generatePortfolioSample({ instruments: 200, seed: 5 }), 'csv');
    const lines = (await readFile(join(bad, 'positions.csv'), 'utf8')).split('\n');
    lines[7] = (lines[7] as string).replace(/,[^,]*,([A-Z]{3})$/, ',NaN,$1');
    await writeFile(join(bad, 'positions.csv'), lines.join('\n'));
    const m = memoryIo(dir);
    expect(await main(['optimize', '--data', 'bad', '--out', 'bad-out'], m.io)).toBe(2);
    expect(m.stderr()).toContain('positions.csv:7:price: not_finite: value is NaN');
    expect(existsSync(join(dir, 'bad-out'))).toBe(false);
  });

  it('exits 2 without --out, on an unknown flag and on a bad config path', async () => {
    const m = memoryIo(dir);
    expect(await main(['optimize'], m.io)).toBe(2);
    expect(m.stderr()).toContain('--out: required');
    expect(await main(['optimize', '--out', 'x', '--method', 'simplex'], memoryIo(dir).io)).toBe(2);
    await writeFile(join(dir, 'cfg.json'), JSON.stringify({ constraints: { portfolio: { gross: { lower: 1 } } } }));
    const c = memoryIo(dir);
    expect(await main(['optimize', '--data', 'data', '--config', 'cfg.json', '--out', 'x'], c.io)).toBe(2);
    expect(c.stderr()).toContain('constraints.portfolio.gross.lower');
  });
});
