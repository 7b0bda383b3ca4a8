import { Hono } from 'hono';
import { KEEL_VERSION } from '@keel/core';

/** Engines, solvers and stores are injected so tests can swap them; defaults come later. */
export interface AppDeps {
  readonly version?: string;
}

export function createApp(deps: AppDeps = {}) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok', version: deps.version ?? KEEL_VERSION }));
  return app;
}
