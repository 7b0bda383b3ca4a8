import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ApiError } from '../errors.js';
import type { EngineRegistry } from '../jobs/engine.js';
import type { JobQueue } from '../jobs/queue.js';
import { isTerminal, RUN_KINDS, RUN_STATES, type RunEvent, type RunKind, type RunState, type RunStore } from '../store/types.js';

export interface RunsDeps {
  readonly store: RunStore;
  readonly queue: JobQueue;
  readonly engines: EngineRegistry;
  /** How often an idle event stream sends a comment line, in ms. */
  readonly heartbeatMs?: number;
}

const oneOf = <T extends string>(name: string, v: string | undefined, all: readonly T[]): T | undefined => {
  if (v === undefined) return undefined;
  if ((all as readonly string[]).includes(v)) return v as T;
  throw new ApiError(400, 'invalid_input', 'invalid query', [{ path: `query.${name}`, message: `must be one of ${all.join(', ')}` }]);
};

export function runsRoutes(deps: RunsDeps) {
  const { store, queue } = deps;
  const app = new Hono();

  app.get('/', async (c) => {
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new ApiError(400, 'invalid_input', 'invalid query', [{ path: 'query.limit', message: 'must be an integer from 1 to 1000' }]);
    const before = c.req.query('before');
    const runs = await store.list({
      limit,
      ...(before ? { before } : {}),
      ...optional('kind', oneOf<RunKind>('kind', c.req.query('kind'), RUN_KINDS)),
      ...optional('state', oneOf<RunState>('state', c.req.query('state'), RUN_STATES)),
    });
    return c.json({ runs });
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const run = await store.get(id);
    if (!run) throw new ApiError(404, 'not_found', `run ${id} not found`);
    const log = await store.events(id);
    return c.json({ run, log });
  });

  app.get('/:id/orders.csv', async (c) => {
    const id = c.req.param('id');
    const run = await store.get(id);
    if (!run) throw new ApiError(404, 'not_found', `run ${id} not found`);
    if (run.state !== 'succeeded') throw new ApiError(409, 'not_ready', `run ${id} is ${run.state}; orders exist once it has succeeded`);
    const csv = deps.engines[run.kind]?.ordersCsv?.(run.output as never);
    if (csv === undefined) throw new ApiError(404, 'not_found', `a ${run.kind} run has no orders`);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="orders-${id}.csv"`);
    return c.body(csv);
  });

  app.get('/:id/scenario-values', async (c) => {
    const id = c.req.param('id');
    const run = await store.get(id);
    if (!run) throw new ApiError(404, 'not_found', `run ${id} not found`);
    const hook = deps.engines[run.kind]?.scenarioValues;
    if (!hook) throw new ApiError(404, 'not_found', `a ${run.kind} run has no per-scenario values`);
    if (run.state !== 'succeeded') throw new ApiError(409, 'not_ready', `run ${id} is ${run.state}`);
    return c.json(await hook(run.input, run.output, c.req.query()));
  });

  app.get('/:id/events', async (c) => {
    const id = c.req.param('id');
    const first = await store.get(id);
    if (!first) throw new ApiError(404, 'not_found', `run ${id} not found`);
    return streamSSE(c, async (stream) => {
      // Subscribe before reading the stored history so nothing falls between the two.
      const live: RunEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = queue.subscribe(id, (ev) => {
        live.push(ev);
        wake?.();
      });
      stream.onAbort(unsubscribe);
      try {
        let lastSeq = 0;
        let done = false;
        const send = async (ev: RunEvent) => {
          if (ev.seq > 0) {
            if (ev.seq <= lastSeq) return;
            lastSeq = ev.seq;
          }
          await stream.writeSSE({ ...(ev.seq > 0 ? { id: String(ev.seq) } : {}), event: ev.type, data: JSON.stringify(ev) });
          if (ev.type === 'state' && isTerminal((ev.data as { state: RunState }).state)) done = true;
        };
        for (const ev of await store.events(id)) await send(ev);
        while (!done && !stream.aborted) {
          while (live.length && !done) await send(live.shift()!);
          if (done) break;
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, deps.heartbeatMs ?? 15_000);
          });
          wake = null;
          if (!live.length && !stream.aborted) {
            // A quiet stream: check the store (the run may have ended before we subscribed).
            const rec = await store.get(id);
            if (rec && isTerminal(rec.state)) for (const ev of await store.events(id, lastSeq)) await send(ev);
            if (!done) await stream.write(': keep-alive\n\n');
          }
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return app;
}

function optional<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}
