import { isInputError } from '@keel/core';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { RunEvent, RunKind, RunRecord, RunStore, RunSummary } from '../store/types.js';
import type { EngineRunner } from './engine.js';

export interface QueueSettings {
  /** Runs executing at once (one per core by default). */
  readonly concurrency: number;
  /** Runs allowed to wait; beyond this `submit` refuses with QueueFullError (HTTP 429). */
  readonly maxQueued: number;
  /** Per-run wall-clock limit in ms; the run ends `timed_out`. */
  readonly timeLimitMs: number;
  /** Minimum spacing of stored progress events per run, in ms (live listeners see all). */
  readonly progressEveryMs: number;
  /**
   * Extra slots only express runs (tiny requests, e.g. a 390-bin schedule) may use, so they
   * never wait behind long solves. Express runs take free regular slots first.
   */
  readonly expressSlots?: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = Object.freeze({
  concurrency: 2,
  maxQueued: 64,
  timeLimitMs: 300_000,
  progressEveryMs: 250,
  expressSlots: 1,
});

export class QueueFullError extends Error {
  constructor(readonly retryAfterSec: number) {
    super('the run queue is full');
    this.name = 'QueueFullError';
  }
}

interface Pending {
  readonly express: boolean;
  readonly id: string;
  readonly kind: RunKind;
  readonly input: unknown;
  readonly enqueuedAt: number;
  readonly resolve: (r: RunRecord) => void;
}

type Listener = (ev: RunEvent) => void;

/**
 * Bounded FIFO of runs over a runner. Every accepted run is created in the store first and
 * always reaches a terminal state there (succeeded, failed, timed_out), whatever the engine does.
 */
export class JobQueue {
  private readonly pending: Pending[] = [];
  private readonly expressPending: Pending[] = [];
  private active = 0;
  private activeNormal = 0;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly avgRunMs = { value: 1000 };
  private closed = false;
  private idle: (() => void) | null = null;

  readonly settings: QueueSettings;

  constructor(
    private readonly store: RunStore,
    private readonly runner: EngineRunner,
    settings: Partial<QueueSettings> = {},
    private readonly metrics?: MetricsRegistry,
  ) {
    this.settings = { ...DEFAULT_QUEUE_SETTINGS, ...settings };
  }

  get depth(): number {
    return this.pending.length + this.expressPending.length;
  }

  get running(): number {
    return this.active;
  }

  /** Accepts a run (or throws QueueFullError) and returns it with a promise of its terminal record. */
  async submit(
    id: string,
    kind: RunKind,
    input: unknown,
    meta: { inputHash: string; version: string; express?: boolean; /** What the store keeps as the run's input (the request as sent); default `input`. */ stored?: unknown },
  ): Promise<{ run: RunSummary; done: Promise<RunRecord> }> {
    if (this.closed) throw new QueueFullError(5);
    if (this.depth >= this.settings.maxQueued) {
      const waves = Math.ceil((this.depth + this.active) / this.settings.concurrency);
      throw new QueueFullError(Math.max(1, Math.ceil((waves * this.avgRunMs.value) / 1000)));
    }
    // Reserve the slot before the first await so concurrent submits cannot overfill the queue.
    let resolve!: (r: RunRecord) => void;
    const done = new Promise<RunRecord>((r) => (resolve = r));
    const express = meta.express ?? false;
    const item: Pending = { express, id, kind, input, enqueuedAt: Date.now(), resolve };
    const lane = express ? this.expressPending : this.pending;
    lane.push(item);
    let run: RunSummary;
    try {
      run = await this.store.create({ id, kind, input: meta.stored === undefined ? input : meta.stored, inputHash: meta.inputHash, version: meta.version });
    } catch (e) {
      lane.splice(lane.indexOf(item), 1);
      throw e;
    }
    this.metrics?.gauge('keel_queue_depth', this.depth);
    this.pump();
    return { run, done };
  }

  /** Live events of one run (after what the store already holds). Returns an unsubscribe. */
  subscribe(runId: string, fn: Listener): () => void {
    const set = this.listeners.get(runId) ?? new Set();
    set.add(fn);
    this.listeners.set(runId, set);
    return () => {
      set.delete(fn);
      if (!set.size) this.listeners.delete(runId);
    };
  }

  /** Stops accepting runs and waits for the active and queued ones to finish. */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.active === 0 && this.depth === 0) return;
    await new Promise<void>((r) => (this.idle = r));
  }

  private emit(ev: RunEvent): void {
    for (const fn of this.listeners.get(ev.runId) ?? []) fn(ev);
  }

  private pump(): void {
    const { concurrency } = this.settings;
    const total = concurrency + (this.settings.expressSlots ?? 0);
    for (;;) {
      let item: Pending | undefined;
      if (this.expressPending.length && this.active < total) item = this.expressPending.shift();
      else if (this.pending.length && this.activeNormal < concurrency && this.active < concurrency) item = this.pending.shift();
      if (!item) break;
      this.active++;
      if (!item.express) this.activeNormal++;
      this.metrics?.gauge('keel_queue_depth', this.depth);
      this.metrics?.gauge('keel_runs_active', this.active);
      const express = item.express;
      void this.execute(item).finally(() => {
        this.active--;
        if (!express) this.activeNormal--;
        this.metrics?.gauge('keel_runs_active', this.active);
        this.pump();
        if (this.idle && this.active === 0 && this.depth === 0) this.idle();
      });
    }
  }

  private async transition(...args: Parameters<RunStore['transition']>): Promise<void> {
    await this.store.transition(...args);
    const [ev] = (await this.store.events(args[0])).slice(-1);
    if (ev) this.emit(ev);
  }

  private async execute(item: Pending): Promise<void> {
    const { id, kind } = item;
    const queueMs = Date.now() - item.enqueuedAt;
    const started = performance.now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error('time limit')), this.settings.timeLimitMs);
    let lastStored = 0;
    const storeChain: Promise<unknown>[] = [];
    try {
      await this.transition(id, 'running', 'running');
      const outcome = await this.runner.run(kind, item.input, {
        runId: id,
        signal: abort.signal,
        progress: (message, data) => {
          const now = Date.now();
          const live: RunEvent = { runId: id, seq: 0, at: new Date(now).toISOString(), type: 'progress', message, ...(data === undefined ? {} : { data }) };
          this.emit(live);
          if (now - lastStored >= this.settings.progressEveryMs) {
            lastStored = now;
            storeChain.push(this.store.appendEvent(id, 'progress', message, data).catch(() => undefined));
          }
        },
      });
      await Promise.all(storeChain);
      if (abort.signal.aborted) throw abort.signal.reason;
      const runMs = performance.now() - started;
      this.avgRunMs.value = 0.8 * this.avgRunMs.value + 0.2 * runMs;
      await this.transition(id, 'succeeded', `finished: ${outcome.outcome}`, {
        outcome: outcome.outcome,
        output: outcome.output,
        timings: { queueMs, runMs },
      });
      this.metrics?.observe('keel_solve_seconds', runMs / 1000, { kind, outcome: outcome.outcome });
    } catch (e) {
      await Promise.all(storeChain);
      const runMs = performance.now() - started;
      const timedOut = abort.signal.aborted;
      const state = timedOut ? 'timed_out' : 'failed';
      const error = timedOut
        ? { code: 'time_limit', message: `the run exceeded the ${this.settings.timeLimitMs / 1000} s limit` }
        : isInputError(e)
          ? { code: 'invalid_input', message: e.message }
          : { code: 'internal', message: 'the engine failed; see the server log' };
      if (!timedOut && !isInputError(e)) console.error(`[keel] run ${id} (${kind}) failed:`, e);
      await this.transition(id, state, error.message, { error, timings: { queueMs, runMs } }).catch((err) =>
        console.error(`[keel] could not record the end of run ${id}:`, err),
      );
      this.metrics?.inc('keel_runs_failed_total', { kind, state });
    } finally {
      clearTimeout(timer);
      const rec = await this.store.get(id).catch(() => undefined);
      if (rec) item.resolve(rec);
    }
  }
}
