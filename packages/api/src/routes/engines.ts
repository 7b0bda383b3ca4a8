import { createHash, randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { KEEL_VERSION } from '@keel/core';
import { readJsonBody } from '../body.js';
import { ApiError } from '../errors.js';
import type { Engine, EngineRegistry } from '../jobs/engine.js';
import type { JobQueue } from '../jobs/queue.js';
import type { RunKind } from '../store/types.js';

import { ENGINE_PATHS } from '../paths.js';

export { ENGINE_PATHS };

/** SHA-256 of canonical JSON (object keys sorted; arrays pass through untouched), the run's input hash. */
export function hashInput(v: unknown): string {
  const sorted = (_k: string, x: unknown): unknown =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
      : x;
  return createHash('sha256').update(JSON.stringify(v, sorted)).digest('hex');
}

/**
 * POST one engine: validate fully in the request (400 names each field), then queue. Small
 * requests wait for their result (200, with the run id); large ones, or `?async=true`, get 202
 * and a run id to follow. Engine outcomes such as infeasible are 200s with a status.
 */
export function engineRoutes(engines: EngineRegistry, queue: JobQueue) {
  const app = new Hono();
  for (const [kind, path] of Object.entries(ENGINE_PATHS) as [RunKind, string][]) {
    const engine = engines[kind] as Engine<unknown> | undefined;
    if (!engine) continue;
    const handle = (parse: (body: unknown) => unknown) => async (c: Context) => {
      const body = await readJsonBody(c);
      const input = await parse(body);
      const asyncFlag = c.req.query('async');
      if (asyncFlag !== undefined && asyncFlag !== 'true' && asyncFlag !== 'false')
        throw new ApiError(400, 'invalid_input', 'invalid query', [{ path: 'query.async', message: 'must be true or false' }]);
      const runAsync = asyncFlag === 'true' || (asyncFlag !== 'false' && engine.size(input) > engine.asyncAbove);
      const id = randomUUID();
      // Tiny requests (a hundredth of the async threshold) take the express lane.
      const express = !runAsync && engine.size(input) * 100 <= engine.asyncAbove;
      const { run, done } = await queue.submit(id, kind, input, { inputHash: hashInput(body), version: KEEL_VERSION, express, stored: body });
      const links = { self: `/v1/runs/${id}`, events: `/v1/runs/${id}/events` };
      if (runAsync) {
        c.header('Location', links.self);
        return c.json({ runId: id, state: run.state, links }, 202);
      }
      const rec = await done;
      if (rec.state === 'succeeded') return c.json({ runId: id, state: rec.state, outcome: rec.outcome, result: rec.output, links }, 200);
      // A run that failed or timed out is still a run: report it with its state, not as a 5xx.
      return c.json({ runId: id, state: rec.state, error: rec.error, links }, 200);
    };
    app.post(path, handle((b) => engine.parse(b)));
    for (const [variant, parse] of Object.entries(engine.variants ?? {})) app.post(variant, handle(parse));
  }
  return app;
}
