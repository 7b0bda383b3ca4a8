import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import {
  canTransition,
  RUN_STATES,
  StoreError,
  type ListRunsQuery,
  type NewRun,
  type RunEvent,
  type RunKind,
  type RunRecord,
  type RunState,
  type RunStore,
  type RunSummary,
  type TransitionPatch,
} from './types.js';

/*
 * Portable SQL only: TEXT columns, ISO-8601 time strings (they sort as text), JSON kept as
 * TEXT, positional $n parameters, explicit transactions. The same statements run on
 * PostgreSQL.
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS keel_runs (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     state TEXT NOT NULL,
     outcome TEXT,
     input_hash TEXT NOT NULL,
     version TEXT NOT NULL,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT,
     input TEXT NOT NULL,
     output TEXT,
     error TEXT,
     timings TEXT)`,
  `CREATE TABLE IF NOT EXISTS keel_run_events (
     run_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     event_at TEXT NOT NULL,
     type TEXT NOT NULL,
     message TEXT NOT NULL,
     data TEXT,
     PRIMARY KEY (run_id, seq))`,
];

const SUMMARY_COLS = 'id, kind, state, outcome, input_hash, version, created_at, started_at, finished_at';

type Row = Record<string, DuckDBValue>;
const str = (v: DuckDBValue): string | null => (v === null || v === undefined ? null : String(v));
const json = (v: DuckDBValue): unknown => (v === null || v === undefined ? null : JSON.parse(String(v)));

const toSummary = (r: Row): RunSummary => ({
  id: String(r.id),
  kind: String(r.kind) as RunKind,
  state: String(r.state) as RunState,
  outcome: str(r.outcome ?? null),
  inputHash: String(r.input_hash),
  version: String(r.version),
  createdAt: String(r.created_at),
  startedAt: str(r.started_at ?? null),
  finishedAt: str(r.finished_at ?? null),
});

export interface DuckDbStoreOptions {
  /** File path; ':memory:' for a throwaway store. */
  readonly path: string;
  readonly readOnly?: boolean;
  readonly now?: () => Date;
}

/** Opens (creating on first start) the embedded run store. */
export async function openDuckDbRunStore(opts: DuckDbStoreOptions): Promise<RunStore> {
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const instance = await DuckDBInstance.create(opts.path, opts.readOnly ? { access_mode: 'READ_ONLY' } : {});
  const conn: DuckDBConnection = await instance.connect();
  const now = opts.now ?? (() => new Date());
  if (!opts.readOnly) for (const s of SCHEMA) await conn.run(s);

  // One connection, one statement or transaction at a time.
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new StoreError('closed', 'store is closed'));
    const p = chain.then(fn, fn);
    chain = p.catch(() => undefined);
    return p;
  };
  const rows = async (sql: string, params: DuckDBValue[] = []): Promise<Row[]> =>
    (await conn.runAndReadAll(sql, params)).getRowObjects();
  const tx = async <T>(fn: () => Promise<T>): Promise<T> => {
    await conn.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await conn.run('COMMIT');
      return out;
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
  };
  const insertEvent = async (runId: string, type: RunEvent['type'], message: string, data?: unknown): Promise<RunEvent> => {
    const [r] = await rows('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM keel_run_events WHERE run_id = $1', [runId]);
    const seq = Number(r?.next ?? 1);
    const at = now().toISOString();
    await conn.run('INSERT INTO keel_run_events (run_id, seq, event_at, type, message, data) VALUES ($1, $2, $3, $4, $5, $6)', [
      runId,
      seq,
      at,
      type,
      message,
      data === undefined ? null : JSON.stringify(data),
    ]);
    return { runId, seq, at, type, message, ...(data === undefined ? {} : { data }) };
  };
  const summary = async (id: string): Promise<RunSummary | undefined> => {
    const [r] = await rows(`SELECT ${SUMMARY_COLS} FROM keel_runs WHERE id = $1`, [id]);
    return r && toSummary(r);
  };

  const transitionUnlocked = async (id: string, to: RunState, message: string, patch: TransitionPatch = {}) =>
    tx(async () => {
      const cur = await summary(id);
      if (!cur) throw new StoreError('not_found', `run ${id} not found`);
      if (!canTransition(cur.state, to)) throw new StoreError('illegal_transition', `run ${id}: ${cur.state} → ${to}`);
      const t = now().toISOString();
      await conn.run(
        `UPDATE keel_runs SET state = $2,
           started_at = CASE WHEN $2 = 'running' THEN $3 ELSE started_at END,
           finished_at = CASE WHEN $2 = 'running' THEN finished_at ELSE $3 END,
           outcome = COALESCE($4, outcome), output = COALESCE($5, output),
           error = COALESCE($6, error), timings = COALESCE($7, timings)
         WHERE id = $1`,
        [
          id,
          to,
          t,
          patch.outcome ?? null,
          patch.output === undefined ? null : JSON.stringify(patch.output),
          patch.error ? JSON.stringify(patch.error) : null,
          patch.timings ? JSON.stringify(patch.timings) : null,
        ],
      );
      await insertEvent(id, 'state', message, { state: to, ...(patch.outcome ? { outcome: patch.outcome } : {}) });
      return (await summary(id))!;
    });

  const store: RunStore = {
    create: (run: NewRun) =>
      serial(() =>
        tx(async () => {
          if (await summary(run.id)) throw new StoreError('duplicate', `run ${run.id} exists`);
          await conn.run(
            `INSERT INTO keel_runs (id, kind, state, outcome, input_hash, version, created_at, input)
             VALUES ($1, $2, 'queued', NULL, $3, $4, $5, $6)`,
            [run.id, run.kind, run.inputHash, run.version, now().toISOString(), JSON.stringify(run.input ?? null)],
          );
          await insertEvent(run.id, 'state', 'queued', { state: 'queued' });
          return (await summary(run.id))!;
        }),
      ),
    transition: (id, to, message, patch) => serial(() => transitionUnlocked(id, to, message, patch)),
    appendEvent: (id, type, message, data) =>
      serial(() =>
        tx(async () => {
          if (!(await summary(id))) throw new StoreError('not_found', `run ${id} not found`);
          return insertEvent(id, type, message, data);
        }),
      ),
    get: (id) =>
      serial(async () => {
        const [r] = await rows(`SELECT ${SUMMARY_COLS}, input, output, error, timings FROM keel_runs WHERE id = $1`, [id]);
        if (!r) return undefined;
        const rec: RunRecord = {
          ...toSummary(r),
          input: json(r.input ?? null),
          output: json(r.output ?? null),
          error: json(r.error ?? null) as RunRecord['error'],
          timings: json(r.timings ?? null) as RunRecord['timings'],
        };
        return rec;
      }),
    list: (q: ListRunsQuery = {}) =>
      serial(async () => {
        const where: string[] = [];
        const params: DuckDBValue[] = [];
        if (q.kind) where.push(`kind = $${params.push(q.kind)}`);
        if (q.state) where.push(`state = $${params.push(q.state)}`);
        if (q.before) where.push(`created_at < $${params.push(q.before)}`);
        const limit = Math.max(1, Math.min(1000, Math.floor(q.limit ?? 100)));
        const sql = `SELECT ${SUMMARY_COLS} FROM keel_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                     ORDER BY created_at DESC, id DESC LIMIT ${limit}`;
        return (await rows(sql, params)).map(toSummary);
      }),
    events: (id, afterSeq = 0) =>
      serial(async () =>
        (await rows('SELECT run_id, seq, event_at, type, message, data FROM keel_run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq', [id, afterSeq])).map(
          (r): RunEvent => {
            const data = json(r.data ?? null);
            return {
              runId: String(r.run_id),
              seq: Number(r.seq),
              at: String(r.event_at),
              type: String(r.type) as RunEvent['type'],
              message: String(r.message),
              ...(data === null ? {} : { data }),
            };
          },
        ),
      ),
    recover: () =>
      serial(async () => {
        const open = await rows(`SELECT id FROM keel_runs WHERE state IN ('queued', 'running') ORDER BY created_at`);
        for (const r of open)
          await transitionUnlocked(String(r.id), 'failed', 'server stopped before the run finished', {
            error: { code: 'interrupted', message: 'the server stopped before the run finished; submit it again' },
          });
        return open.length;
      }),
    count: () =>
      serial(async () => {
        const out = Object.fromEntries(RUN_STATES.map((s) => [s, 0])) as Record<RunState, number>;
        for (const r of await rows('SELECT state, COUNT(*) AS n FROM keel_runs GROUP BY state')) out[String(r.state) as RunState] = Number(r.n);
        return out;
      }),
    close: () =>
      serial(async () => {
        closed = true;
        if (!opts.readOnly) await conn.run('CHECKPOINT').catch(() => undefined);
        conn.closeSync();
        instance.closeSync();
      }),
  };
  return store;
}
