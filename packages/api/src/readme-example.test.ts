import { describe, expect, it } from 'vitest';
import { createApp, createMemoryRunStore, defaultEngines, inProcessRunner, JobQueue } from './index.js';

// The embedding example of packages/api/README.md, line for line.
describe('README example', () => {
  it('runs the execution sample through an embedded app and serves its schedule CSV', async () => {
    const store = createMemoryRunStore();
    const engines = defaultEngines();
    const queue = new JobQueue(store, inProcessRunner(engines), { concurrency: 1 });
    const app = createApp({ store, queue, engines });

    const sample = await (await app.request('/v1/samples/execution')).json();
    const res = await app.request('/v1/execution/schedules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sample),
    });
    const answer = (await res.json()) as { runId: string; state: string };
    const csv = await (await app.request(`/v1/runs/${answer.runId}/orders.csv`)).text();

    expect(res.status).toBe(200);
    expect(answer.state).toBe('succeeded');
    expect(csv.split('\n')[0]).toMatch(/^bin,volume,cap,continuous,schedule,twap,vwap/);
    expect(csv.trim().split('\n').length).toBe((sample as { intervals: number }).intervals + 1);
    await queue.drain();
  });
});
