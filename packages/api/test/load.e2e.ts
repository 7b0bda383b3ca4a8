import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, sleep, spawnServer, stop } from './support.js';

const SECONDS = Number(process.env.KEEL_LOAD_SECONDS ?? 60);
const CLIENTS = 16;
const dir = mkdtempSync(join(tmpdir(), 'keel-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

describe.skipIf(!built && !process.env.CI)(`load: ${CLIENTS} clients for ${SECONDS} s on loopback (needs \`pnpm build\`)`, () => {
  it('serves mixed traffic with no errors but deliberate 429s, and loses no accepted run', async () => {
    const s = await spawnServer(dir);
    try {
      const get = async (p: string) => (await fetch(`${s.url}${p}`)).json();
      const samples = {
        execution: JSON.stringify(await get('/v1/samples/execution')),
        rotation: JSON.stringify({ ...((await get('/v1/samples/rotation')) as object), engine: 'greedy' }),
        allocation: JSON.stringify(
          (({ options, ...rest }: { options?: object }) => ({ ...rest, options: { ...options, strategy: 'greedy' } }))((await get('/v1/samples/allocation')) as never),
        ),
      };
      const accepted = new Set<string>();
      const latencies: Record<string, number[]> = {};
      const statuses: Record<string, number> = {};
      const failures: string[] = [];
      let n = 0;
      const deadline = Date.now() + SECONDS * 1000;

      const one = async (client: number, i: number) => {
        const r = (client * 7919 + i * 104729) % 100;
        const ids = [...accepted];
        const [label, path, body] =
          r < 30
            ? ['list', '/v1/runs?limit=20', undefined]
            : r < 50
              ? ['execution', '/v1/execution/schedules', samples.execution]
              : r < 65
                ? ['rotation', '/v1/rotation/cycles', samples.rotation]
                : r < 80
                  ? ['allocation', '/v1/allocations?async=true', samples.allocation]
                  : r < 95 && ids.length
                    ? ['get', `/v1/runs/${ids[(client + i) % ids.length]}`, undefined]
                    : ['invalid', '/v1/execution/schedules', '{"totalShares": -1}'];
        const t0 = performance.now();
        let status = 0;
        try {
          const res = await fetch(`${s.url}${path}`, body === undefined ? {} : { method: 'POST', body, headers: { 'content-type': 'application/json' } });
          status = res.status;
          const json = (await res.json()) as { runId?: string };
          if (json.runId && (status === 200 || status === 202)) accepted.add(json.runId);
          const expected = label === 'invalid' ? status === 400 : status === 200 || status === 202 || status === 429;
          if (!expected) failures.push(`${label} ${path} → ${status}`);
        } catch (e) {
          failures.push(`${label} ${path} → ${(e as Error).message}`);
        }
        (latencies[label] ??= []).push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        n++;
      };

      const t0 = Date.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          for (let i = 0; Date.now() < deadline; i++) await one(client, i);
        }),
      );
      const elapsed = (Date.now() - t0) / 1000;

      // Every accepted run reaches a terminal state in the store.
      const open = async () => {
        const runs = ((await get('/v1/runs?limit=1000')) as { runs: { id: string; state: string }[] }).runs;
        return runs;
      };
      let runs = await open();
      for (let k = 0; k < 600 && runs.some((r) => r.state === 'queued' || r.state === 'running'); k++) {
        await sleep(500);
        runs = await open();
      }
      const byId = new Map(runs.map((r) => [r.id, r.state]));
      const lost = [...accepted].filter((id) => !byId.has(id));
      const notTerminal = [...accepted].filter((id) => !['succeeded', 'failed', 'timed_out', 'cancelled'].includes(byId.get(id) ?? ''));
      const failedRuns = runs.filter((r) => r.state !== 'succeeded');

      const all = Object.values(latencies).flat();
      const report = {
        clients: CLIENTS,
        seconds: elapsed,
        requests: n,
        throughputPerSec: n / elapsed,
        statuses,
        acceptedRuns: accepted.size,
        p50Ms: quantile(all, 0.5),
        p99Ms: quantile(all, 0.99),
        byKind: Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, { n: v.length, p50Ms: quantile(v, 0.5), p99Ms: quantile(v, 0.99) }])),
      };
      console.log(`load: ${JSON.stringify(report, null, 1)}`);
      writeFileSync(join(dir, '..', 'keel-load-report.json'), JSON.stringify(report, null, 2));
      expect(failures.slice(0, 10)).toEqual([]);
      expect(lost).toEqual([]);
      expect(notTerminal).toEqual([]);
      expect(failedRuns.map((r) => `${r.id}: ${r.state}`)).toEqual([]);
      expect(n).toBeGreaterThan(CLIENTS);
    } finally {
      await stop(s);
    }
  });
});
