import {
  canTransition,
  RUN_STATES,
  StoreError,
  type ListRunsQuery,
  type NewRun,
  type RunEvent,
  type RunRecord,
  type RunState,
  type RunStore,
  type RunSummary,
  type TransitionPatch,
} from './types.js';

const summaryOf = (r: RunRecord): RunSummary => ({
  id: r.id,
  kind: r.kind,
  state: r.state,
  outcome: r.outcome,
  inputHash: r.inputHash,
  version: r.version,
  createdAt: r.createdAt,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
});

/** Structured clone keeps callers from mutating stored values, as a database would. */
const copy = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export function createMemoryRunStore(now: () => Date = () => new Date()): RunStore {
  const runs = new Map<string, RunRecord>();
  const events = new Map<string, RunEvent[]>();
  let closed = false;

  const live = () => {
    if (closed) throw new StoreError('closed', 'store is closed');
  };
  const push = (runId: string, type: RunEvent['type'], message: string, data?: unknown): RunEvent => {
    const list = events.get(runId) ?? [];
    const ev: RunEvent = { runId, seq: list.length + 1, at: now().toISOString(), type, message, ...(data === undefined ? {} : { data: copy(data) }) };
    list.push(ev);
    events.set(runId, list);
    return ev;
  };

  return {
    async create(run: NewRun) {
      live();
      if (runs.has(run.id)) throw new StoreError('duplicate', `run ${run.id} exists`);
      const rec: RunRecord = {
        id: run.id,
        kind: run.kind,
        state: 'queued',
        outcome: null,
        inputHash: run.inputHash,
        version: run.version,
        createdAt: now().toISOString(),
        startedAt: null,
        finishedAt: null,
        input: copy(run.input),
        output: null,
        error: null,
        timings: null,
      };
      runs.set(run.id, rec);
      push(run.id, 'state', 'queued', { state: 'queued' });
      return summaryOf(rec);
    },
    async transition(id: string, to: RunState, message: string, patch: TransitionPatch = {}) {
      live();
      const cur = runs.get(id);
      if (!cur) throw new StoreError('not_found', `run ${id} not found`);
      if (!canTransition(cur.state, to)) throw new StoreError('illegal_transition', `run ${id}: ${cur.state} → ${to}`);
      const t = now().toISOString();
      const next: RunRecord = {
        ...cur,
        state: to,
        startedAt: to === 'running' ? t : cur.startedAt,
        finishedAt: to === 'running' ? cur.finishedAt : t,
        outcome: patch.outcome ?? cur.outcome,
        output: patch.output === undefined ? cur.output : copy(patch.output),
        error: patch.error ?? cur.error,
        timings: patch.timings ?? cur.timings,
      };
      runs.set(id, next);
      push(id, 'state', message, { state: to, ...(patch.outcome ? { outcome: patch.outcome } : {}) });
      return summaryOf(next);
    },
    async appendEvent(id, type, message, data) {
      live();
      if (!runs.has(id)) throw new StoreError('not_found', `run ${id} not found`);
      return push(id, type, message, data);
    },
    async get(id) {
      live();
      const r = runs.get(id);
      return r && copy(r);
    },
    async list(q: ListRunsQuery = {}) {
      live();
      return [...runs.values()]
        .filter((r) => (!q.kind || r.kind === q.kind) && (!q.state || r.state === q.state) && (!q.before || r.createdAt < q.before))
        .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
        .slice(0, q.limit ?? 100)
        .map(summaryOf);
    },
    async events(id, afterSeq = 0) {
      live();
      return copy((events.get(id) ?? []).filter((e) => e.seq > afterSeq));
    },
    async recover() {
      live();
      let n = 0;
      for (const r of runs.values()) {
        if (r.state === 'queued' || r.state === 'running') {
          await this.transition(r.id, 'failed', 'server stopped before the run finished', {
            error: { code: 'interrupted', message: 'the server stopped before the run finished; submit it again' },
          });
          n++;
        }
      }
      return n;
    },
    async count() {
      live();
      const out = Object.fromEntries(RUN_STATES.map((s) => [s, 0])) as Record<RunState, number>;
      for (const r of runs.values()) out[r.state]++;
      return out;
    },
    async close() {
      closed = true;
    },
  };
}
