/**
 * The run store: every request an engine runs becomes a run with its input, output, status
 * transitions, structured log and timings. Implementations: DuckDB (embedded default, a file
 * under ./data/) and memory (tests). SQL is kept portable so PostgreSQL can sit behind the same
 * interface later.
 */

export const RUN_KINDS = ['allocation', 'portfolio', 'execution', 'rotation'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATES = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<RunState> = new Set(['succeeded', 'failed', 'timed_out', 'cancelled']);
export const isTerminal = (s: RunState): boolean => TERMINAL_STATES.has(s);

/** Which state may follow which; anything else is a bug the store refuses. */
const NEXT: Readonly<Record<RunState, readonly RunState[]>> = {
  queued: ['running', 'failed', 'cancelled'],
  running: ['succeeded', 'failed', 'timed_out', 'cancelled'],
  succeeded: [],
  failed: [],
  timed_out: [],
  cancelled: [],
};
export const canTransition = (from: RunState, to: RunState): boolean => NEXT[from].includes(to);

export const EVENT_TYPES = ['state', 'progress', 'log'] as const;
export type RunEventType = (typeof EVENT_TYPES)[number];

export interface RunEvent {
  readonly runId: string;
  readonly seq: number;
  readonly at: string; // ISO time
  readonly type: RunEventType;
  readonly message: string;
  readonly data?: unknown;
}

export interface RunError {
  readonly code: string;
  readonly message: string;
}

export interface RunTimings {
  readonly queueMs?: number;
  readonly runMs?: number;
}

export interface RunSummary {
  readonly id: string;
  readonly kind: RunKind;
  readonly state: RunState;
  /** The engine's own status (`optimal`, `infeasible`, `solved`, …) once it has answered. */
  readonly outcome: string | null;
  readonly inputHash: string;
  readonly version: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface RunRecord extends RunSummary {
  readonly input: unknown;
  readonly output: unknown;
  readonly error: RunError | null;
  readonly timings: RunTimings | null;
}

export interface NewRun {
  readonly id: string;
  readonly kind: RunKind;
  readonly inputHash: string;
  readonly version: string;
  readonly input: unknown;
}

export interface TransitionPatch {
  readonly outcome?: string;
  readonly output?: unknown;
  readonly error?: RunError;
  readonly timings?: RunTimings;
}

export interface ListRunsQuery {
  readonly kind?: RunKind;
  readonly state?: RunState;
  readonly limit?: number;
  /** Only runs created strictly before this ISO time (paging). */
  readonly before?: string;
}

export class StoreError extends Error {
  constructor(
    readonly code: 'not_found' | 'illegal_transition' | 'duplicate' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface RunStore {
  /** Inserts the run in state `queued` together with its first event, in one transaction. */
  create(run: NewRun): Promise<RunSummary>;
  /** Moves a run to `to` (refusing illegal transitions) and records the event, atomically. */
  transition(id: string, to: RunState, message: string, patch?: TransitionPatch): Promise<RunSummary>;
  appendEvent(id: string, type: Exclude<RunEventType, 'state'>, message: string, data?: unknown): Promise<RunEvent>;
  get(id: string): Promise<RunRecord | undefined>;
  list(query?: ListRunsQuery): Promise<RunSummary[]>;
  events(id: string, afterSeq?: number): Promise<RunEvent[]>;
  /**
   * Called once when a server starts: a run left `queued` or `running` by a process that died
   * is marked `failed` with a reason (never left half-written). Returns how many were closed.
   */
  recover(): Promise<number>;
  count(): Promise<Record<RunState, number>>;
  close(): Promise<void>;
}
