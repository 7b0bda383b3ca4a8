import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKey, saveKeys } from './auth/keys.js';
import { isLoopback, startServer } from './server.js';
import { fakeEngines } from './test-support/fake-engine.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('server on a real port', () => {
  it('serves the API end to end on loopback and keeps runs across restarts', async () => {
    const dataDir = join(dir, 'a');
    const s = await startServer({ port: 0, dataDir, runner: 'inline', engines: fakeEngines, log: () => {} });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${s.url}/v1/execution/schedules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ work: 4, items: [2, 3] }),
    });
    expect(res.status).toBe(200);
    const { runId } = (await res.json()) as { runId: string };
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    await s.close();

    const again = await startServer({ port: 0, dataDir, runner: 'inline', engines: fakeEngines, log: () => {} });
    const run = (await (await fetch(`${again.url}/v1/runs/${runId}`)).json()) as { run: { state: string; output: { sum: number } } };
    expect(run.run).toMatchObject({ state: 'succeeded', output: { sum: 5 } });
    await again.close();
  });

  it('refuses a non-loopback address without keys, and enforces keys when present', async () => {
    await expect(startServer({ host: '0.0.0.0', port: 0, dataDir: join(dir, 'b'), runner: 'inline', engines: fakeEngines, log: () => {} })).rejects.toThrow(
      /without API keys/,
    );
    const dataDir = join(dir, 'c');
    const k = createKey('ops', 'viewer');
    saveKeys(join(dataDir, 'api-keys.json'), [k.stored]);
    const s = await startServer({ host: '0.0.0.0', port: 0, dataDir, runner: 'inline', engines: fakeEngines, log: () => {} });
    const port = new URL(s.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/v1/runs`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/v1/runs`, { headers: { authorization: `Bearer ${k.key}` } })).status).toBe(200);
    await s.close();
  });

  it('serves the UI shell for client routes but JSON 404s under /v1', async () => {
    const uiDir = join(dir, 'ui');
    mkdirSync(uiDir, { recursive: true });
    writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>Keel</title>');
    const s = await startServer({ port: 0, dataDir: join(dir, 'd'), uiDir, runner: 'inline', engines: fakeEngines, log: () => {} });
    try {
      const page = await fetch(`${s.url}/portfolio/results`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Keel</title>');
      const api = await fetch(`${s.url}/v1/nope`);
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
    } finally {
      await s.close();
    }
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
});
