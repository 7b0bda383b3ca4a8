import { api, describeError, KeelApiError, requestJson, type FieldIssue, type RunEvent, type RunKind, type RunRecord } from './api.js';

export const TASK_PHASES = ['idle', 'submitting', 'running', 'done', 'invalid', 'failed'] as const;
export type TaskPhase = (typeof TASK_PHASES)[number];

/**
 * One engine run as the UI follows it: submit asynchronously, stream the run's events over
 * SSE for progress, then read the stored record. A 400 lands in `issues` (field-level), never
 * in `record`. Also opens a past run by id.
 */
export class RunTask<R = unknown> {
  phase = $state<TaskPhase>('idle');
  runId = $state<string | undefined>(undefined);
  events = $state.raw<RunEvent[]>([]);
  progress = $state<{ message: string; fraction?: number } | undefined>(undefined);
  issues = $state.raw<FieldIssue[]>([]);
  error = $state<string | undefined>(undefined);
  record = $state.raw<RunRecord | undefined>(undefined);
  startedAt = $state<number | undefined>(undefined);
  elapsedMs = $state<number | undefined>(undefined);
  #abort: AbortController | undefined;

  get result(): R | undefined {
    return this.record?.state === 'succeeded' ? (this.record.output as R) : undefined;
  }
  get busy(): boolean {
    return this.phase === 'submitting' || this.phase === 'running';
  }

  constructor(readonly kind: RunKind) {}

  reset(): void {
    this.#abort?.abort();
    this.phase = 'idle';
    this.runId = undefined;
    this.events = [];
    this.progress = undefined;
    this.issues = [];
    this.error = undefined;
    this.record = undefined;
  }

  /**
   * Submits `body` to the engine's route (or `path`, a variant route under /v1 such as
   * `/rotation/replay`) in the background and follows it to the end.
   */
  async start(body: unknown, path?: string): Promise<RunRecord | undefined> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.phase = 'submitting';
    this.issues = [];
    this.error = undefined;
    this.events = [];
    // The result on show is always the current request's: the previous one stays in the run store.
    this.record = undefined;
    this.runId = undefined;
    this.progress = { message: 'validating' };
    this.startedAt = performance.now();
    this.elapsedMs = undefined;
    try {
      const answer = path
        ? await requestJson<{ runId: string }>('POST', `/v1${path}?async=true`, body, abort.signal)
        : await api.run(this.kind, body, { async: true, signal: abort.signal });
      this.runId = answer.runId;
      this.phase = 'running';
      this.progress = { message: 'queued' };
      const events: RunEvent[] = [];
      const record = await api.follow(
        answer.runId,
        (ev) => {
          events.push(ev);
          this.events = events.slice();
          const d = ev.data as { fraction?: unknown } | undefined;
          this.progress = { message: ev.message, ...(typeof d?.fraction === 'number' ? { fraction: d.fraction } : {}) };
        },
        abort.signal,
      );
      if (abort.signal.aborted) return undefined;
      this.record = record;
      this.elapsedMs = performance.now() - this.startedAt;
      this.phase = record.state === 'succeeded' ? 'done' : 'failed';
      if (record.state !== 'succeeded') this.error = record.error?.message ?? `run ${record.state}`;
      return record;
    } catch (e) {
      if (abort.signal.aborted) return undefined;
      if (e instanceof KeelApiError && e.status === 400 && e.issues.length) {
        this.issues = [...e.issues];
        this.phase = 'invalid';
        this.error = `The server refused the request: ${e.issues.length} field issue${e.issues.length > 1 ? 's' : ''}`;
      } else {
        this.phase = 'failed';
        this.error = describeError(e);
      }
      return undefined;
    } finally {
      this.progress = undefined;
    }
  }

  /** Shows a stored run (from the runs list or a shared link). */
  async open(id: string): Promise<RunRecord | undefined> {
    this.#abort?.abort();
    this.phase = 'submitting';
    this.error = undefined;
    this.issues = [];
    try {
      const { run, log } = await api.getRun(id);
      if (run.kind !== this.kind) throw new Error(`run ${id} is a ${run.kind} run, not ${this.kind}`);
      this.runId = id;
      this.events = log;
      this.record = run;
      this.phase = run.state === 'succeeded' ? 'done' : 'failed';
      if (run.state !== 'succeeded') this.error = run.error?.message ?? `run ${run.state}`;
      return run;
    } catch (e) {
      this.phase = 'failed';
      this.error = describeError(e);
      return undefined;
    }
  }

  /** Shows a record already fetched. */
  adopt(run: RunRecord, log: RunEvent[]): void {
    this.#abort?.abort();
    this.runId = run.id;
    this.events = log;
    this.record = run;
    this.issues = [];
    this.phase = run.state === 'succeeded' ? 'done' : 'failed';
    this.error = run.state === 'succeeded' ? undefined : (run.error?.message ?? `run ${run.state}`);
  }

  cancel(): void {
    this.#abort?.abort();
    this.phase = 'idle';
    this.progress = undefined;
  }
}
