import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { ModelBuilder } from '../model/builder.js';
import { rng } from '../model/test-support/reference.js';
import { HighsWorker, mainThreadHighs } from './host.js';
import { openHighsSession, solveWithHighs } from './session.js';

const worker = new HighsWorker();
afterAll(() => worker.terminate());

/** A small random knapsack-assignment MIP whose optimum both threads must agree on. */
function assignmentMip(seed: number, nItems: number, nBins: number): ModelBuilder {
  const r = rng(seed);
  const b = new ModelBuilder();
  const w = Array.from({ length: nItems }, () => 1 + Math.floor(r() * 9));
  for (let i = 0; i < nItems; i++) for (let k = 0; k < nBins; k++) b.addVar({ upper: 1, integer: true, cost: Math.floor(r() * 20) });
  for (let i = 0; i < nItems; i++) b.addRow([...Array(nBins).keys()].map((k) => i * nBins + k), new Array(nBins).fill(1), 1, 1);
  const cap = Math.ceil((w.reduce((s, v) => s + v, 0) / nBins) * 1.3);
  for (let k = 0; k < nBins; k++) b.addRow(w.map((_, i) => i * nBins + k), w, -Infinity, cap);
  return b;
}

/** Market split (Cornuéjols–Dawande): tiny, yet hard for branch and bound. */
function marketSplit(seed: number, m: number, n: number): ModelBuilder {
  const r = rng(seed);
  const b = new ModelBuilder();
  b.addVars(n, { upper: 1, integer: true });
  const s0 = b.addVars(2 * m, { cost: 1 });
  for (let i = 0; i < m; i++) {
    const a = Array.from({ length: n }, () => Math.floor(r() * 100));
    const d = Math.floor(a.reduce((s, v) => s + v, 0) / 2);
    b.addRow([...a.keys(), s0 + 2 * i, s0 + 2 * i + 1], [...a, 1, -1], d, d);
  }
  return b;
}

describe('HiGHS sessions', () => {
  it('the worker thread returns what the main thread returns', async () => {
    const model = assignmentMip(3, 12, 3).build();
    const a = await solveWithHighs(model, {}, { host: mainThreadHighs });
    const b = await solveWithHighs(model, {}, { host: worker });
    expect(a.status).toBe('optimal');
    expect(b.status).toBe('optimal');
    expect(b.info.thread).toBe('worker');
    expect(b.objective).toBe(a.objective);
    expect(b.info.nodes).toBeGreaterThanOrEqual(1);
  });

  it('adding rows (and columns) to a live session equals solving the full model afresh', async () => {
    const b = assignmentMip(7, 10, 3);
    const s = await openHighsSession(b.build(), { host: worker });
    try {
      const first = await s.solve();
      expect(first.status).toBe('optimal');
      const c0 = b.nCols;
      const r0 = b.nRows;
      // Forbid the chosen bin for item 0, through a new penalised slack column.
      const chosen = [0, 1, 2].find((k) => first.x[k]! > 0.5)!;
      const slack = b.addVar({ upper: 1, cost: 5 });
      b.addRow([chosen, slack], [1, -1], -Infinity, 0);
      await s.extend(b.columnsFrom(c0), b.rowsFrom(r0));
      const again = await s.solve();
      const fresh = await solveWithHighs(b.build(), {}, { host: mainThreadHighs });
      expect(again.status).toBe('optimal');
      expect(again.objective).toBeCloseTo(fresh.objective, 9);
      expect(again.objective).toBeGreaterThanOrEqual(first.objective - 1e-9);
      expect(s.nRows).toBe(b.nRows);
    } finally {
      await s.close();
    }
  });

  it('stops at the time limit and keeps the incumbent if there is one', async () => {
    const res = await solveWithHighs(marketSplit(11, 5, 40).build(), { timeLimitSec: 0.3 }, { host: worker });
    expect(res.status).toBe('time_limit');
    expect(res.info.timeMs).toBeLessThan(3000);
    if (res.hasSolution) expect(res.info.mipGap).toBeGreaterThan(0);
  });

  it('cancels a running solve through an AbortSignal', async () => {
    const ctl = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ctl.abort(), 300);
    const res = await solveWithHighs(marketSplit(12, 5, 40).build(), {}, { host: worker, signal: ctl.signal });
    expect(res.status).toBe('interrupted');
    expect(performance.now() - t0).toBeLessThan(5000);
    // The worker stays usable afterwards.
    const ok = await solveWithHighs(assignmentMip(1, 6, 2).build(), {}, { host: worker });
    expect(ok.status).toBe('optimal');
  });

  it('cancelling a queued solve leaves the running one alone', async () => {
    const hard = marketSplit(13, 5, 40).build();
    const easy = assignmentMip(5, 10, 3).build();
    const ctl = new AbortController();
    const running = solveWithHighs(hard, { timeLimitSec: 1 }, { host: worker });
    const queued = solveWithHighs(easy, {}, { host: worker, signal: ctl.signal });
    setTimeout(() => ctl.abort(), 100);
    const [a, b] = await Promise.all([running, queued]);
    expect(a.status).toBe('time_limit'); // ran its full second, not interrupted
    expect(a.info.timeMs).toBeGreaterThan(900);
    expect(b.status).toBe('interrupted');
    expect(b.hasSolution).toBe(false);
  });

  it('refuses threads and a wrong-length start before solving', async () => {
    const model = assignmentMip(2, 4, 2).build();
    await expect(solveWithHighs(model, { extra: { threads: 2 } }, { host: mainThreadHighs })).rejects.toThrow(InputError);
    await expect(
      solveWithHighs(model, { start: new Float64Array(3) }, { host: mainThreadHighs }),
    ).rejects.toThrow(/settings.start/);
  });

  it('recycles the worker after a large model once its sessions close', async () => {
    const small = new HighsWorker({ recycleBytes: 1 });
    try {
      await solveWithHighs(assignmentMip(4, 5, 2).build(), {}, { host: small });
      expect(small.epoch).toBe(1); // closed → memory above 1 byte → replaced
      const again = await solveWithHighs(assignmentMip(4, 5, 2).build(), {}, { host: small });
      expect(again.status).toBe('optimal');
    } finally {
      await small.terminate();
    }
  });
});
