import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { inProcessRunner } from '../jobs/engine.js';
import { JobQueue } from '../jobs/queue.js';
import { createMemoryRunStore } from '../store/memory.js';
import type { RunStore } from '../store/types.js';
import { fakeEngines } from '../test-support/fake-engine.js';
import { createKeelClient, KeelApiError, type RunEvent } from './index.js';

let store: RunStore;
afterEach(async () => store.close());

function client() {
  store = createMemoryRunStore();
  const queue = new JobQueue(store, inProcessRunner(fakeEngines), { concurrency: 1, maxQueued: 4, timeLimitMs: 5000, progressEveryMs: 0 });
  const app = createApp({ store, queue, engines: fakeEngines, heartbeatMs: 20 });
  // The app's own fetch stands in for the network.
  return createKeelClient({ baseUrl: 'http://keel.test', fetch: (input, init) => Promise.resolve(app.request(String(input), init as RequestInit)) });
}

describe('typed client', () => {
  it('runs, lists, fetches, follows and downloads', async () => {
    const c = client();
    expect((await c.health()).status).toBe('ok');
    const ans = await c.run<{ sum: number }>('execution', { work: 2, items: [4] });
    expect(ans.result?.sum).toBe(4);
    const bg = await c.run('execution', { work: 40 }, { async: true });
    expect(bg.state).toBe('queued');
    const seen: RunEvent[] = [];
    const rec = await c.follow(bg.runId, (e) => seen.push(e));
    expect(rec.state).toBe('succeeded');
    expect(seen.some((e) => e.type === 'progress')).toBe(true);
    expect((await c.listRuns({ kind: 'execution' })).length).toBe(2);
    expect((await c.getRun(ans.runId)).run.state).toBe('succeeded');
    expect(await c.ordersCsv(ans.runId)).toContain('symbol,side,shares');
  });

  it('turns a 400 into a KeelApiError with field issues', async () => {
    const c = client();
    const err = await c.run('execution', { work: -3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeelApiError);
    expect((err as KeelApiError).status).toBe(400);
    expect((err as KeelApiError).issues[0]?.path).toBe('work');
  });
});
