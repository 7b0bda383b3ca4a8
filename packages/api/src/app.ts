import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { cors } from 'hono/cors';
import { KEEL_VERSION } from '@keel/core';
import { authMiddleware } from './auth/middleware.js';
import { KeyRing } from './auth/keys.js';
import { ApiError, toErrorResponse } from './errors.js';
import type { EngineRegistry } from './jobs/engine.js';
import { JobQueue } from './jobs/queue.js';
import { createMetrics, type MetricsRegistry } from './metrics/registry.js';
import { buildOpenApi, docsPage } from './openapi.js';
import { readJsonBody } from './body.js';
import { buildUniverseView } from './engines/portfolio.js';
import { engineRoutes } from './routes/engines.js';
import { runsRoutes } from './routes/runs.js';
import { RUN_KINDS, type RunKind, type RunStore } from './store/types.js';

/** Everything the app needs is injected, so tests swap engines, stores and runners freely. */
export interface AppDeps {
  readonly store: RunStore;
  readonly queue: JobQueue;
  readonly engines: EngineRegistry;
  readonly metrics?: MetricsRegistry;
  readonly keys?: KeyRing;
  /** Enforce API keys (the server sets this when bound to a non-loopback address). */
  readonly requireAuth?: boolean;
  /** Largest accepted body in bytes. */
  readonly maxBodyBytes?: number;
  /** Origins allowed by CORS; none by default (closed). */
  readonly corsOrigins?: readonly string[];
  /** Mounts the built UI and anything else served at `/`. */
  readonly mountStatic?: (app: Hono) => void;
  readonly version?: string;
  readonly heartbeatMs?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export function createApp(deps: AppDeps) {
  const metrics = deps.metrics ?? createMetrics();
  const version = deps.version ?? KEEL_VERSION;
  const app = new Hono();

  app.onError((err, c) => toErrorResponse(err, c));
  app.notFound((c) => c.json(new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`).body(), 404));

  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    const route = c.req.routePath || 'unmatched';
    metrics.inc('keel_http_requests_total', { method: c.req.method, route, status: c.res.status });
    metrics.observe('keel_http_request_seconds', (performance.now() - t0) / 1000, { route });
  });
  app.use('*', secureHeaders());
  if (deps.corsOrigins?.length) app.use('/v1/*', cors({ origin: [...deps.corsOrigins] }));
  app.use('*', authMiddleware(deps.keys ?? new KeyRing([]), deps.requireAuth ?? false));
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', 'request body too large');
      },
    }),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok', version }));
  app.get('/metrics', async (c) => {
    metrics.gauge('keel_queue_depth', deps.queue.depth);
    metrics.gauge('keel_runs_active', deps.queue.running);
    c.header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(metrics.render());
  });
  const doc = buildOpenApi(deps.engines, version);
  app.get('/openapi.json', (c) => c.json(doc));
  app.get('/docs', (c) => c.html(docsPage()));

  app.get('/v1/samples/:kind', (c) => {
    const kind = c.req.param('kind') as RunKind;
    const sample = (RUN_KINDS as readonly string[]).includes(kind) ? deps.engines[kind]?.sample?.() : undefined;
    if (sample === undefined) throw new ApiError(404, 'not_found', `no sample for "${kind}"`);
    return c.json(sample as object);
  });
  if (deps.engines.portfolio)
    app.post('/v1/portfolio/universe', async (c) => c.json(await buildUniverseView(await readJsonBody(c))));
  app.route('/v1', engineRoutes(deps.engines, deps.queue));
  app.route(
    '/v1/runs',
    runsRoutes({ store: deps.store, queue: deps.queue, engines: deps.engines, ...(deps.heartbeatMs ? { heartbeatMs: deps.heartbeatMs } : {}) }),
  );
  deps.mountStatic?.(app);
  return app;
}

export type KeelApp = ReturnType<typeof createApp>;
