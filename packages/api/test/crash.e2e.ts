import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, postJson, sleep, spawnServer, stop } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  id: string;
  state: string;
  output: unknown;
}

describe.skipIf(!built && !process.env.CI)('crash: kill -9 during running jobs (needs `pnpm build`)', () => {
  it('restarts with every run terminal, none corrupted, finished ones intact', async () => {
    const s1 = await spawnServer(dir);
    // A run that finishes before the crash must survive it unchanged.
    const sample = await (await fetch(`${s1.url}/v1/samples/execution`)).json();
    const done = (await (await postJson(`${s1.url}/v1/execution/schedules`, sample)).json()) as { runId: string; state: string };
    expect(done.state).toBe('succeeded');
    // Long runs: four replays of the sample day on the QP engine (two run, two wait).
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await postJson(`${s1.url}/v1/rotation/replay?async=true`, { engine: 'qp', names: 80, seed: i + 1 });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { runId: string }).runId);
    }
    for (let i = 0; i < 200; i++) {
      const states = await Promise.all(ids.map(async (id) => ((await (await fetch(`${s1.url}/v1/runs/${id}`)).json()) as { run: Run }).run.state));
      if (states.includes('running')) break;
      await sleep(50);
    }
    s1.child.kill('SIGKILL');
    await new Promise((r) => s1.child.once('exit', r));

    const s2 = await spawnServer(dir);
    try {
      expect(s2.stderr()).toMatch(/run\(s\) left open by a previous process were marked failed/);
      const list = ((await (await fetch(`${s2.url}/v1/runs?limit=100`)).json()) as { runs: Run[] }).runs;
      expect(list.map((r) => r.id).sort()).toEqual([done.runId, ...ids].sort());
      for (const r of list) expect(['succeeded', 'failed', 'timed_out', 'cancelled']).toContain(r.state);
      for (const id of ids) {
        const { run, log } = (await (await fetch(`${s2.url}/v1/runs/${id}`)).json()) as { run: Run & { error: { code: string } | null }; log: { seq: number }[] };
        if (run.state === 'failed') expect(run.error?.code).toBe('interrupted');
        expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
      }
      const kept = ((await (await fetch(`${s2.url}/v1/runs/${done.runId}`)).json()) as { run: Run & { output: { schedule: number[] } } }).run;
      expect(kept.state).toBe('succeeded');
      expect(kept.output.schedule.length).toBeGreaterThan(0);
      // The restarted server works.
      const again = (await (await postJson(`${s2.url}/v1/execution/schedules`, sample)).json()) as { state: string };
      expect(again.state).toBe('succeeded');
    } finally {
      await stop(s2);
    }
  });
});
