import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createKey, KeyRing } from './auth/keys.js';
import { inProcessRunner } from './jobs/engine.js';
import { JobQueue } from './jobs/queue.js';
import { createMemoryRunStore } from './store/memory.js';
import type { RunStore } from './store/types.js';
import { fakeEngines } from './test-support/fake-engine.js';

let store: RunStore;
function setup(opts: Partial<Parameters<typeof createApp>[0]> & { maxQueued?: number; concurrency?: number; timeLimitMs?: number } = {}) {
  store = createMemoryRunStore();
  const queue = new JobQueue(store, inProcessRunner(fakeEngines), {
    concurrency: opts.concurrency ?? 2,
    maxQueued: opts.maxQueued ?? 8,
    timeLimitMs: opts.timeLimitMs ?? 10_000,
    progressEveryMs: 0,
  });
  const app = createApp({ store, queue, engines: fakeEngines, heartbeatMs: 50, ...opts });
  return { app, queue };
}
afterEach(async () => store?.close());

const post = (app: ReturnType<typeof setup>['app'], path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

describe('service routes', () => {
  it('answers /healthz, /openapi.json, /docs and /metrics', async () => {
    const { app } = setup({ version: 'v-test' });
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok', version: 'v-test' });
    const doc = (await (await app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/execution/schedules');
    expect(doc.components.schemas.ExecutionRequest).toMatchObject({ type: 'object' });
    const docs = await (await app.request('/docs')).text();
    expect(docs).toContain('/openapi.json');
    expect(docs).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
    await app.request('/healthz');
    const m = await (await app.request('/metrics')).text();
    expect(m).toMatch(/keel_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/);
    expect(m).toContain('keel_queue_depth');
  });

  it('404s an unknown route with the error shape', async () => {
    const { app } = setup();
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('engine routes', () => {
  it('runs a small request synchronously and stores it', async () => {
    const { app } = setup();
    const res = await post(app, '/v1/execution/schedules', { work: 4, items: [1, 2] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runId: string; state: string; outcome: string; result: { sum: number } };
    expect(body).toMatchObject({ state: 'succeeded', outcome: 'solved', result: { sum: 3 } });
    const run = (await (await app.request(`/v1/runs/${body.runId}`)).json()) as { run: { state: string; inputHash: string }; log: { type: string; message: string }[] };
    expect(run.run.state).toBe('succeeded');
    expect(run.run.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.log.map((e) => e.type)).toEqual(['state', 'state', 'progress', 'progress', 'progress', 'progress', 'state']);
    const list = (await (await app.request('/v1/runs?kind=execution')).json()) as { runs: { id: string }[] };
    expect(list.runs.map((r) => r.id)).toEqual([body.runId]);
  });

  it('reports an engine outcome such as infeasible as a 200 with its status', async () => {
    const { app } = setup();
    const res = await post(app, '/v1/execution/schedules', { work: 0, fail: 'infeasible' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ state: 'succeeded', outcome: 'infeasible' });
  });

  it('reports an engine crash as a failed run without a stack trace', async () => {
    const { app } = setup();
    const res = await post(app, '/v1/execution/schedules', { work: 0, fail: 'throw' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ state: 'failed', error: { code: 'internal' } });
    expect(text).not.toMatch(/exploded|at .*\.ts/);
  });

  it('answers 202 for async and large requests; the run ends terminal in the store', async () => {
    const { app, queue } = setup();
    const res = await post(app, '/v1/execution/schedules?async=true', { work: 8 });
    expect(res.status).toBe(202);
    const { runId, links } = (await res.json()) as { runId: string; links: { self: string } };
    expect(res.headers.get('location')).toBe(links.self);
    const big = await post(app, '/v1/execution/schedules', { work: 600 });
    expect(big.status).toBe(202);
    await queue.drain();
    expect((await store.get(runId))?.state).toBe('succeeded');
  });

  it('rejects invalid input with 400 and field paths, before any run exists', async () => {
    const { app } = setup();
    const cases: [unknown, string][] = [
      [{ work: -1 }, 'work'],
      [{ work: 'NaN' }, 'work'],
      [{ work: 1, items: [1, 'x'] }, 'items[1]'],
      ['{"work": 1', '(body)'],
      ['{"work": 1, "__proto__": {"polluted": true}}', '__proto__'],
    ];
    for (const [body, path] of cases) {
      const res = await post(app, '/v1/execution/schedules', body);
      expect(res.status).toBe(400);
      const j = (await res.json()) as { error: { issues: { path: string }[] } };
      expect(j.error.issues.map((i) => i.path)).toContain(path);
    }
    const wrongType = await app.request('/v1/execution/schedules', { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } });
    expect(wrongType.status).toBe(400);
    const badQuery = await post(app, '/v1/execution/schedules?async=maybe', { work: 1 });
    expect(badQuery.status).toBe(400);
    expect(await store.list()).toHaveLength(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses deep nesting and oversized bodies', async () => {
    const { app } = setup({ maxBodyBytes: 1000 });
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    const r1 = await post(app, '/v1/execution/schedules', `{"work":1,"items":${deep}}`);
    expect(r1.status).toBe(400);
    const r2 = await post(app, '/v1/execution/schedules', { work: 1, items: Array.from({ length: 500 }, (_, i) => i) });
    expect(r2.status).toBe(413);
  });

  it('answers 429 with Retry-After when the queue is full, and loses nothing accepted', async () => {
    const { app, queue } = setup({ concurrency: 1, maxQueued: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, () => post(app, '/v1/execution/schedules?async=true', { work: 40 })));
    const codes = results.map((r) => r.status).sort();
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
    const refused = results.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await queue.drain();
    const runs = await store.list();
    expect(runs).toHaveLength(codes.filter((c) => c === 202).length);
    expect(runs.every((r) => r.state === 'succeeded')).toBe(true);
  });

  it('times a run out and records it as timed_out', async () => {
    const { app } = setup({ timeLimitMs: 30 });
    const res = await post(app, '/v1/execution/schedules', { work: 400 });
    expect(await res.json()).toMatchObject({ state: 'timed_out', error: { code: 'time_limit' } });
  });
});

describe('runs routes', () => {
  it('serves orders.csv for a finished run, 409 before, 404 for unknown', async () => {
    const { app, queue } = setup();
    const r = (await (await post(app, '/v1/execution/schedules?async=true', { work: 40 })).json()) as { runId: string };
    const early = await app.request(`/v1/runs/${r.runId}/orders.csv`);
    expect(early.status).toBe(409);
    await queue.drain();
    const csv = await app.request(`/v1/runs/${r.runId}/orders.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toBe('symbol,side,shares\nX,buy,3\n');
    expect((await app.request('/v1/runs/nope/orders.csv')).status).toBe(404);
    expect((await app.request('/v1/runs/nope')).status).toBe(404);
  });

  it('validates list queries', async () => {
    const { app } = setup();
    expect((await app.request('/v1/runs?limit=0')).status).toBe(400);
    expect((await app.request('/v1/runs?kind=bogus')).status).toBe(400);
    expect((await app.request('/v1/runs?state=running&limit=5')).status).toBe(200);
  });

  it('streams server-sent events until the run ends', async () => {
    const { app } = setup();
    const r = (await (await post(app, '/v1/execution/schedules?async=true', { work: 80 })).json()) as { runId: string };
    const res = await app.request(`/v1/runs/${r.runId}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; data?: { state?: string } });
    expect(events[0]).toMatchObject({ type: 'state', data: { state: 'queued' } });
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThanOrEqual(4);
    expect(events.at(-1)).toMatchObject({ type: 'state', data: { state: 'succeeded' } });
  });
});

describe('authentication', () => {
  it('enforces bearer keys and roles when required', async () => {
    const viewer = createKey('v', 'viewer');
    const trader = createKey('t', 'trader');
    const { app } = setup({ keys: new KeyRing([viewer.stored, trader.stored]), requireAuth: true });
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/v1/runs')).status).toBe(401);
    expect((await app.request('/v1/runs', { headers: { authorization: 'Bearer keel_000000000000_nonsensenonsensenonsense' } })).status).toBe(401);
    expect((await app.request('/v1/runs', { headers: { authorization: `Bearer ${viewer.key}` } })).status).toBe(200);
    expect((await post(app, '/v1/execution/schedules', { work: 0 }, { authorization: `Bearer ${viewer.key}` })).status).toBe(403);
    expect((await post(app, '/v1/execution/schedules', { work: 0 }, { authorization: `Bearer ${trader.key}` })).status).toBe(200);
    // The secret is base64url and may itself contain '_': cut it by position, not by split.
    const secret = trader.key.slice(`keel_${trader.stored.id}_`.length);
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(JSON.stringify(trader.stored)).not.toContain(secret);
  });

  it('keeps CORS closed by default', async () => {
    const { app } = setup();
    const res = await app.request('/v1/runs', { headers: { origin: 'http://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('express lane', () => {
  it('runs a tiny request while long runs hold every regular slot', async () => {
    const { app, queue } = setup({ concurrency: 1, maxQueued: 8 });
    const long = await post(app, '/v1/execution/schedules?async=true', { work: 2000 });
    expect(long.status).toBe(202);
    const { runId } = (await long.json()) as { runId: string };
    const quick = await post(app, '/v1/execution/schedules', { work: 0 });
    expect(await quick.json()).toMatchObject({ state: 'succeeded' });
    // Ordering, not wall time: the tiny run finished while the long one still holds the only slot.
    const held = ((await (await app.request(`/v1/runs/${runId}`)).json()) as { run: { state: string } }).run;
    expect(['queued', 'running']).toContain(held.state);
    await queue.drain();
  });
});
