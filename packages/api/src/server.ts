import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { createApp } from './app.js';
import { KeyRing, loadKeys } from './auth/keys.js';
import { defaultEngines } from './engines/index.js';
import { inProcessRunner, type EngineRegistry, type EngineRunner } from './jobs/engine.js';
import { DEFAULT_QUEUE_SETTINGS, JobQueue, type QueueSettings } from './jobs/queue.js';
import { workerRunner } from './jobs/worker-runner.js';
import { createMetrics } from './metrics/registry.js';
import { openDuckDbRunStore } from './store/duckdb.js';

export interface ServerOptions {
  readonly host?: string;
  readonly port?: number;
  /** Holds the run store (`keel.duckdb`) and `api-keys.json`; created on first start. */
  readonly dataDir?: string;
  /** The built UI to serve at `/` (optional). */
  readonly uiDir?: string;
  /** `workers` (default) runs engines in a thread pool; `inline` in the server thread. */
  readonly runner?: 'workers' | 'inline';
  readonly queue?: Partial<QueueSettings>;
  readonly engines?: EngineRegistry;
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly recovered: number;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/**
 * Starts the service: opens (or creates) the store, closes runs a previous process left open,
 * and listens. Beyond loopback it refuses to start without API keys.
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8787;
  const dataDir = resolve(opts.dataDir ?? 'data');
  const log = opts.log ?? ((l: string) => console.error(l));
  const keys = new KeyRing(loadKeys(join(dataDir, 'api-keys.json')));
  const requireAuth = !isLoopback(host);
  if (requireAuth && keys.size === 0)
    throw new Error(`refusing to listen on ${host} without API keys: create one with \`keel keys add --role admin\` (stored hashed in ${dataDir}/api-keys.json)`);

  const store = await openDuckDbRunStore({ path: join(dataDir, 'keel.duckdb') });
  const recovered = await store.recover();
  if (recovered) log(`keel: ${recovered} run(s) left open by a previous process were marked failed`);
  const engines = opts.engines ?? defaultEngines();
  const runner: EngineRunner = opts.runner === 'inline' ? inProcessRunner(engines) : workerRunner();
  const metrics = createMetrics();
  const queue = new JobQueue(store, runner, { ...DEFAULT_QUEUE_SETTINGS, ...opts.queue }, metrics);

  const uiDir = opts.uiDir && existsSync(join(opts.uiDir, 'index.html')) ? opts.uiDir : undefined;
  const mountStatic = uiDir
    ? (app: Hono) => {
        app.use('/*', serveStatic({ root: uiDir }));
        // Client-side routes fall back to the app shell; API paths keep their JSON 404s.
        app.get('*', async (c, next) => (c.req.path.startsWith('/v1/') ? next() : serveStatic({ root: uiDir, path: 'index.html' })(c, next)));
      }
    : undefined;
  const app = createApp({ store, queue, engines, metrics, keys, requireAuth, ...(mountStatic ? { mountStatic } : {}) });

  const server: ServerType = await new Promise((ok, fail) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => ok(s));
    s.once('error', fail);
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${shownHost}:${addr.port}`;
  log(`keel: listening on ${url}${uiDir ? ' (UI at /)' : ''}; store ${join(dataDir, 'keel.duckdb')}; auth ${requireAuth || keys.size ? 'on' : 'off (loopback)'}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    recovered,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((r) => server.close(() => r()));
        await Promise.race([queue.drain(), new Promise((r) => setTimeout(r, 10_000))]);
        await runner.close();
        await store.close();
      })()),
  };
}

