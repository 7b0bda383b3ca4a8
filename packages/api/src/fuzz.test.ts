import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { defaultEngines } from './engines/index.js';
import { inProcessRunner, type Engine } from './jobs/engine.js';
import { JobQueue } from './jobs/queue.js';
import { ENGINE_PATHS } from './paths.js';
import { createMemoryRunStore } from './store/memory.js';
import { RUN_KINDS } from './store/types.js';
import { hostileBodies } from './test-support/hostile.js';

const TOTAL = 10_000;

// A real collection before each heap reading, so the bound measures retention, not garbage.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

describe('fuzz: hostile bodies against every engine route', () => {
  it(`answers ${TOTAL} malformed or hostile bodies with 4xx, stays up, and keeps memory bounded`, async () => {
    const store = createMemoryRunStore();
    const engines = defaultEngines();
    const queue = new JobQueue(store, inProcessRunner(engines), { concurrency: 2, maxQueued: 8, timeLimitMs: 30_000, progressEveryMs: 0 });
    const app = createApp({ store, queue, engines, maxBodyBytes: 1 << 20 });

    const routes = RUN_KINDS.flatMap((kind) => {
      const e = engines[kind] as Engine<unknown> | undefined;
      const sample = e?.sample?.();
      return e && sample ? [{ path: `/v1${ENGINE_PATHS[kind]}`, sample: kind === 'rotation' ? trimRotation(sample) : sample, engine: e }] : [];
    });
    expect(routes.length).toBeGreaterThanOrEqual(3);

    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const statuses = new Map<number, number>();
    const accepted: string[] = [];
    let validMutations = 0;
    const per = Math.ceil(TOTAL / routes.length) * 2;
    let sent = 0;
    const quota = Math.ceil(TOTAL / routes.length);
    for (const [i, r] of routes.entries()) {
      const stop = Math.min(TOTAL, sent + quota);
      for (const h of hostileBodies(r.sample as never, per, 1000 + i)) {
        if (sent >= stop) break;
        if (sent >= TOTAL) break;
        // A mutation that happens to stay valid is not a hostile body: count it apart.
        if (/^(wrong type|NaN)/.test(h.label) && (await stillValid(r.engine, h.body, h.contentType))) {
          validMutations++;
          continue;
        }
        sent++;
        const res = await app.request(r.path, { method: 'POST', body: h.body, headers: { 'content-type': h.contentType } });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status < 400 || res.status >= 500) accepted.push(`${r.path} ${h.label} → ${res.status}`);
        await res.arrayBuffer();
      }
    }
    // Still alive and still answering correctly.
    expect((await app.request('/healthz')).status).toBe(200);
    expect(accepted.slice(0, 20)).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);
    expect(await store.list()).toHaveLength(0);
    gc();
    const grownMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    expect(grownMb).toBeLessThan(64);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    console.log(`fuzz: ${TOTAL} bodies (${validMutations} valid mutations skipped), statuses ${JSON.stringify(Object.fromEntries(statuses))}, heap grew ${grownMb.toFixed(1)} MiB`);
    await store.close();
  }, 600_000);
});

async function stillValid(engine: Engine<unknown>, body: string, contentType: string): Promise<boolean> {
  if (contentType !== 'application/json') return false;
  try {
    await engine.parse(JSON.parse(body));
    return true;
  } catch {
    return false;
  }
}

/** The rotation sample cut to 40 names, so each mutation is cheap to build. */
function trimRotation(sample: unknown): unknown {
  const s = sample as { universe: unknown[]; correlation?: number[][]; covariance?: number[][] };
  const k = 40;
  const cut = (m?: number[][]) => m?.slice(0, k).map((row) => row.slice(0, k));
  return { ...s, universe: s.universe.slice(0, k), ...(s.correlation ? { correlation: cut(s.correlation) } : {}), ...(s.covariance ? { covariance: cut(s.covariance) } : {}) };
}
