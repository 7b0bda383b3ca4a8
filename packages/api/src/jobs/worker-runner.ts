import { MessageChannel } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { InputError } from '@keel/core';
import type { EngineContext, EngineOutcome, EngineRunner } from './engine.js';
import type { WorkerReply, WorkerTask } from './worker.js';
import type { RunKind } from '../store/types.js';

export interface WorkerRunnerOptions {
  /** Worker threads (the queue's regular slots plus its express slot by default). */
  readonly threads?: number;
  /** Compiled worker module; defaults to the sibling `worker.js` of this file's build. */
  readonly filename?: string;
  /** Per-worker heap cap in MiB, so one huge run cannot take the server down. */
  readonly maxHeapMb?: number;
}

/**
 * Runs engines in a worker_threads pool, off the event loop. Aborting a run (time limit)
 * terminates its worker; progress flows back over a MessagePort.
 */
export function workerRunner(opts: WorkerRunnerOptions = {}): EngineRunner {
  const filename = opts.filename ?? fileURLToPath(new URL('./worker.js', import.meta.url));
  if (!existsSync(filename)) throw new Error(`worker module not found: ${filename} (build @keel/api first)`);
  const threads = opts.threads ?? 3;
  const pool = new Piscina({
    filename,
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
    resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 4096 },
  });
  return {
    async run(kind: RunKind, input: unknown, ctx: EngineContext): Promise<EngineOutcome> {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (m: { message: string; data?: unknown }) => ctx.progress(m.message, m.data));
      try {
        const task: WorkerTask = { runId: ctx.runId, kind, input, port: port2 };
        const reply = (await pool.run(task, { transferList: [port2], signal: ctx.signal })) as WorkerReply;
        if (reply.ok) return reply.outcome;
        if (reply.error.issues) throw new InputError(reply.error.issues);
        throw new Error(`${reply.error.name}: ${reply.error.message}`);
      } finally {
        port1.close();
      }
    },
    async close() {
      await pool.destroy();
    },
  };
}
