import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFillsCsv, generateSampleFills } from '@keel/core/execution';
import { main } from '../main.js';
import { memoryIo } from '../test-support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-schedule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, data: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
};
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);

describe('keel schedule', () => {
  it('runs the embedded sample and prints tables (comparison, schedule, sensitivity)', async () => {
    const m = memoryIo(dir);
    expect(await main(['schedule'], m.io)).toBe(0);
    const out = m.stdout();
    expect(out).toMatch(/status optimal \(water_filling/);
    expect(out).toMatch(/^TWAP\s/m);
    expect(out).toMatch(/^VWAP\s/m);
    expect(out).toMatch(/sensitivity to S/);
    expect(out).toMatch(/200,000 optimal/);
  });

  it('prints the §5 JSON with whole shares summing to S, and the fit', async () => {
    const m = memoryIo(dir);
    expect(await main(['schedule', '--model', 'powerLaw', '--format', 'json'], m.io)).toBe(0);
    const r = JSON.parse(m.stdout());
    expect(r.status).toBe('optimal');
    expect(r.schedule).toHaveLength(390);
    expect(sum(r.schedule)).toBe(100_000);
    expect(r.continuous).toHaveLength(390);
    expect(typeof r.cost).toBe('number');
    expect(typeof r.baselines.twap.cost).toBe('number');
    expect(typeof r.improvementPct.vsTwap).toBe('number');
    expect(r.fit.powerLaw.exponent).toBeGreaterThan(0.4);
    expect(r.sensitivity).toHaveLength(5);
  });

  it('solves the Almgren–Chriss paper example in closed form', async () => {
    const m = memoryIo(dir);
    expect(await main(['schedule', '--model', 'almgrenChriss', '--format', 'json'], m.io)).toBe(0);
    const r = JSON.parse(m.stdout());
    expect(r.info.solver).toBe('closed_form');
    expect(r.schedule).toEqual([458044, 252101, 141957, 85756, 62142]);
  });

  it('exits 2 naming the JSON path on bad input, and writes nothing', async () => {
    const m = memoryIo(dir);
    const bad = file('bad.json', { totalShares: 100.5, intervals: 3, impact: { model: 'linear', beta: [1, 2] } });
    expect(await main(['schedule', bad, '--out', 'never.json'], m.io)).toBe(2);
    expect(m.stderr()).toContain('totalShares');
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
    const m2 = memoryIo(dir);
    const bad2 = file('bad2.json', { totalShares: 100, intervals: 3, impact: { model: 'powerLaw', eta: [1, 2, 3], exponent: 1.2 } });
    expect(await main(['schedule', bad2], m2.io)).toBe(2);
    expect(m2.stderr()).toContain('impact.exponent');
  });

  it('reports an infeasible request as an answer (exit 0) and writes --out and --csv', async () => {
    const m = memoryIo(dir);
    const req = file('inf.json', { totalShares: 1000, intervals: 3, impact: { model: 'linear', beta: [1, 2, 3] }, caps: [100, 200, 300] });
    expect(await main(['schedule', req, '--out', 'inf-out.json', '--csv', 'csv-out'], m.io)).toBe(0);
    const r = JSON.parse(readFileSync(join(dir, 'inf-out.json'), 'utf8'));
    expect(r.status).toBe('infeasible');
    expect(r.shortfall).toBe(400);
    const schedule = readFileSync(join(dir, 'csv-out', 'schedule.csv'), 'utf8').trim().split('\n');
    expect(schedule[0]).toBe('bin,volume,cap,continuous,schedule,twap,vwap');
    expect(schedule).toHaveLength(4);
    expect(readFileSync(join(dir, 'csv-out', 'comparison.csv'), 'utf8')).toMatch(/^strategy,cost/);
    expect(readFileSync(join(dir, 'csv-out', 'sensitivity.csv'), 'utf8').trim().split('\n')).toHaveLength(6);
  });

  it('fits the model from a fills CSV into a request file', async () => {
    const fills = file('fills.csv', formatFillsCsv(generateSampleFills(99, 30).map((f) => ({ ...f }))));
    const req = file('req.json', { totalShares: 5000, intervals: 30, impact: { model: 'powerLaw', eta: [], exponent: 0.5 } });
    const m = memoryIo(dir);
    expect(await main(['schedule', req, '--fills', fills, '--format', 'json'], m.io)).toBe(0);
    const r = JSON.parse(m.stdout());
    expect(r.info.model).toBe('powerLaw');
    expect(r.fit.fills).toBeGreaterThan(100);
    expect(sum(r.schedule)).toBe(5000);
  });

  it('names file:row:column for a bad fills row', async () => {
    const fills = file('bad-fills.csv', 'time,size,slippage_bps\n1.5,100,2\n2.5,-4,1\n');
    const m = memoryIo(dir);
    expect(await main(['schedule', '--fills', fills], m.io)).toBe(2);
    expect(m.stderr()).toContain('bad-fills.csv:3:size');
  });
});
