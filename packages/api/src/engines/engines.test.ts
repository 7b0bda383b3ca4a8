import { afterEach, describe, expect, it } from 'vitest';
import { sampleAllocationRequest } from '@keel/core/allocation';
import { sampleExecutionRequest } from '@keel/core/execution';
import { sampleRotationRequest } from '@keel/core/rotation';
import { createApp } from '../app.js';
import { inProcessRunner } from '../jobs/engine.js';
import { JobQueue } from '../jobs/queue.js';
import { createMemoryRunStore } from '../store/memory.js';
import type { RunStore } from '../store/types.js';
import { defaultEngines } from './index.js';

let store: RunStore;
afterEach(async () => store.close());

function app() {
  store = createMemoryRunStore();
  const engines = defaultEngines();
  const queue = new JobQueue(store, inProcessRunner(engines), { concurrency: 2, maxQueued: 8, timeLimitMs: 120_000, progressEveryMs: 0 });
  return createApp({ store, queue, engines });
}
const post = (a: ReturnType<typeof app>, path: string, body: unknown) =>
  a.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('the real engines behind the API', () => {
  it('schedules the sample order', async () => {
    const a = app();
    const res = await post(a, '/v1/execution/schedules', sampleExecutionRequest());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { outcome: string; result: { schedule: number[]; totalShares: number }; runId: string };
    expect(body.outcome).toBe('optimal');
    expect(body.result.schedule.reduce((s, x) => s + x, 0)).toBe(body.result.totalShares);
    const csv = await (await a.request(`/v1/runs/${body.runId}/orders.csv`)).text();
    expect(csv.split('\n')[0]).toContain('schedule');
  });

  it('runs a rotation cycle with either engine and serves OMS orders', async () => {
    const a = app();
    for (const engine of ['greedy', 'qp'] as const) {
      const res = await post(a, '/v1/rotation/cycles', { ...sampleRotationRequest(), engine });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { state: string; result: { engine: string }; runId: string };
      expect(body.state).toBe('succeeded');
      expect(body.result.engine).toBe(engine);
      const csv = await (await a.request(`/v1/runs/${body.runId}/orders.csv`)).text();
      expect(csv.startsWith('symbol,side,shares\n')).toBe(true);
    }
    const bad = await post(a, '/v1/rotation/cycles', { ...sampleRotationRequest(), engine: 'magic' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe('engine');
  });

  it('allocates the sample book with the greedy strategy and validates it', async () => {
    const a = app();
    const req = sampleAllocationRequest();
    const res = await post(a, '/v1/allocations', { ...req, options: { ...req.options, strategy: 'greedy' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runId: string; state: string; outcome: string; result: { compliance: { pass: boolean; account: string; constraint: string; base: number }[] } };
    expect(body.state).toBe('succeeded');
    expect((body.result as unknown as { audit: { runId: string } }).audit.runId).toBe(body.runId);
    const c0 = body.result.compliance[0]!;
    const sv = (await (await a.request(`/v1/runs/${body.runId}/scenario-values?account=${c0.account}&constraint=${c0.constraint}`)).json()) as { values: number[] };
    expect(sv.values.length).toBe(1001);
    expect(sv.values[0]).toBeCloseTo(c0.base, 6);
    expect((await a.request(`/v1/runs/${body.runId}/scenario-values?account=${c0.account}`)).status).toBe(400);
    expect((await a.request(`/v1/runs/${body.runId}/scenario-values?account=${c0.account}&constraint=nope`)).status).toBe(404);
    expect(['optimal', 'feasible', 'infeasible', 'fallback']).toContain(body.outcome);
    if (body.outcome === 'feasible' || body.outcome === 'optimal') expect(body.result.compliance.every((c) => c.pass)).toBe(true);
  });

  it('replays the sample day in the background, with and without bands', async () => {
    const a = app();
    const res = await post(a, '/v1/rotation/replay', { engine: 'greedy', names: 60 });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    let run: { state: string; output: { band: { turnover: number; perBar: unknown[] }; noBand: { turnover: number } } } | undefined;
    for (let i = 0; i < 200 && run?.state !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      run = ((await (await a.request(`/v1/runs/${runId}`)).json()) as { run: typeof run }).run;
    }
    expect(run?.state).toBe('succeeded');
    expect(run!.output.band.perBar.length).toBeGreaterThan(10);
    expect(run!.output.band.turnover).toBeLessThanOrEqual(run!.output.noBand.turnover);
    expect((await post(a, '/v1/rotation/replay', { engine: 'greedy', names: 5 })).status).toBe(400);
  });

  it('rejects bad engine input with 400 and the JSON path', async () => {
    const a = app();
    const req = sampleAllocationRequest();
    const res = await post(a, '/v1/allocations', { ...req, trades: [{ ...req.trades![0], quantity: -5 }, ...req.trades!.slice(1)] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('trades[0].quantity');
    const ex = await post(a, '/v1/execution/schedules', { ...sampleExecutionRequest(), totalShares: 1.5 });
    expect(ex.status).toBe(400);
  });

  it('serves each engine\'s sample request', async () => {
    const a = app();
    for (const kind of ['allocation', 'execution', 'rotation']) {
      const res = await a.request(`/v1/samples/${kind}`);
      expect(res.status).toBe(200);
      expect(Object.keys((await res.json()) as object).length).toBeGreaterThan(0);
    }
    expect((await a.request('/v1/samples/bogus')).status).toBe(404);
  });

  it('optimizes the embedded portfolio sample and serves its orders', async () => {
    const a = app();
    const sample = (await (await a.request('/v1/samples/portfolio')).json()) as { config: unknown; data: { source: string } };
    expect(sample.data.source).toBe('sample');
    const res = await post(a, '/v1/portfolio/optimize', sample);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runId: string; state: string; outcome: string; result: { orders: unknown[]; diagnostics: unknown[] } };
    expect(body.state).toBe('succeeded');
    expect(['optimal', 'inaccurate']).toContain(body.outcome);
    expect(body.result.orders.length).toBeGreaterThan(0);
    const csv = await (await a.request(`/v1/runs/${body.runId}/orders.csv`)).text();
    expect(csv.startsWith('symbol,side,shares\n')).toBe(true);
  });

  it('builds the universe view and names table, row and column of bad uploaded data', async () => {
    const a = app();
    const u = (await (await post(a, '/v1/portfolio/universe', { data: { source: 'sample' } })).json()) as { universe: unknown[]; summary: { instruments: number } };
    expect(u.universe.length).toBe(u.summary.instruments);
    expect(u.summary.instruments).toBeGreaterThan(1000);
    const bad = await post(a, '/v1/portfolio/optimize', {
      data: { source: 'inline', tables: { positions: { format: 'csv', text: 'instrument_id,position_shares,price,currency\nX1,10,NaN,USD\n' } } },
    });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    expect(issues.some((p) => /positions\.csv/.test(p))).toBe(true);
    expect((await post(a, '/v1/portfolio/optimize', { data: { source: 'nope' } })).status).toBe(400);
    const cfg = await post(a, '/v1/portfolio/optimize', { config: { numeraire: 'dollars' }, data: { source: 'sample' } });
    expect(cfg.status).toBe(400);
    expect(((await cfg.json()) as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe('config.numeraire');
  });

  it('documents every engine in the OpenAPI document', async () => {
    const doc = (await (await app().request('/openapi.json')).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, object> } };
    for (const p of ['/v1/allocations', '/v1/execution/schedules', '/v1/rotation/cycles']) expect(doc.paths).toHaveProperty([p]);
    expect(doc.components.schemas.AllocationRequest).toHaveProperty('properties.trades');
  });
});
