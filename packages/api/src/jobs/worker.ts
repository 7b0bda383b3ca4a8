import type { MessagePort } from 'node:worker_threads';
import { isInputError, type InputIssue } from '@keel/core';
import { defaultEngines } from '../engines/index.js';
import type { EngineOutcome } from './engine.js';
import type { RunKind } from '../store/types.js';

export interface WorkerTask {
  readonly runId: string;
  readonly kind: RunKind;
  readonly input: unknown;
  readonly port: MessagePort;
}

export type WorkerReply =
  | { readonly ok: true; readonly outcome: EngineOutcome }
  | { readonly ok: false; readonly error: { readonly name: string; readonly message: string; readonly issues?: readonly InputIssue[] } };

/** One engine run inside a pool thread; errors come back as data (classes don't cross threads). */
export default async function runTask(task: WorkerTask): Promise<WorkerReply> {
  const engine = defaultEngines()[task.kind];
  try {
    if (!engine) throw new Error(`no engine for ${task.kind}`);
    const outcome = await engine.run(task.input as never, {
      runId: task.runId,
      signal: new AbortController().signal,
      progress: (message, data) => task.port.postMessage({ message, ...(data === undefined ? {} : { data }) }),
    });
    return { ok: true, outcome };
  } catch (e) {
    const err = e as Error;
    return { ok: false, error: { name: err?.name ?? 'Error', message: err?.message ?? String(e), ...(isInputError(e) ? { issues: e.issues } : {}) } };
  } finally {
    task.port.close();
  }
}
