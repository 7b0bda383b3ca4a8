import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, type InputIssue } from '../errors/index.js';
import { evaluateScenariosDense, evaluateScenariosStructured } from './index.js';
import type { DenseScenarioSpec, KernelBackend, KernelOptions, ScenarioValuesResult, StructuredScenarioSpec } from './types.js';
import { validateDenseSpec, validateStructuredSpec } from './validate.js';

/**
 * Async kernels: large evaluations run on a worker thread so the event loop stays free.
 *
 * Zero-copy when the arrays live in `SharedArrayBuffer`s (the worker reads them and writes
 * `out` in place); other arrays are copied into shared memory first (one pass over each; for
 * the dense S × N matrix that copy costs about as much as a native product, so allocate it
 * shared when it is big). Validation runs on the calling thread before anything is posted.
 */
export interface AsyncKernelOptions extends KernelOptions {
  /** Default: off the main thread when the work exceeds ~10⁶ multiply-adds; `false` runs inline. */
  readonly offThread?: boolean;
}

/** Work (multiply-adds) above which `offThread` defaults to true. */
export const OFF_THREAD_MIN_WORK = 1e6;

export type WorkerRequest =
  | { id: number; kind: 'dense'; spec: DenseScenarioSpec; out: Float64Array; backend?: KernelBackend }
  | { id: number; kind: 'structured'; spec: StructuredScenarioSpec; out: Float64Array; backend?: KernelBackend };
export type WorkerReply =
  | { id: number; ok: true; backend: KernelBackend }
  | { id: number; ok: false; issues: InputIssue[] }
  | { id: number; ok: false; message: string };

const isShared = (a: ArrayBufferView) => typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;

function shared<T extends Float64Array | Int32Array>(a: T): T;
function shared<T extends Float64Array | Int32Array>(a: T | undefined): T | undefined;
function shared<T extends Float64Array | Int32Array>(a: T | undefined): T | undefined {
  if (!a || isShared(a)) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const copy = new Ctor(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();

/** From the built package the worker is a .js file; from sources (tests) it is .ts, run via tsx. */
function startWorker(): Worker {
  const js = fileURLToPath(new URL('./kernel-worker.js', import.meta.url));
  let w: Worker;
  if (existsSync(js)) {
    w = new Worker(js);
  } else {
    const ts = new URL('./kernel-worker.ts', import.meta.url).href;
    const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
    const boot = `(async () => { const { register } = await import(${JSON.stringify(tsxApi)}); register(); await import(${JSON.stringify(ts)}); })()`;
    w = new Worker(boot, { eval: true });
  }
  w.on('message', (m: WorkerReply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    p?.resolve(m);
  });
  const fail = (e: Error) => {
    if (worker === w) worker = null;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`kernel worker exited (code ${code})`)));
  w.unref();
  return w;
}

function post(req: Omit<WorkerRequest, 'id'>): Promise<WorkerReply> {
  worker ??= startWorker();
  const w = worker;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref(); // keep the process alive while a call is in flight
    w.postMessage({ ...req, id });
  });
}

async function runOffThread(
  kind: 'dense' | 'structured',
  spec: DenseScenarioSpec | StructuredScenarioSpec,
  opts: AsyncKernelOptions,
): Promise<ScenarioValuesResult> {
  const size = spec.holders * spec.scenarios;
  const callerOut = opts.out;
  const out = callerOut && isShared(callerOut) ? callerOut : new Float64Array(new SharedArrayBuffer(size * 8));
  const reply = await post({ kind, spec, out, backend: opts.backend } as Omit<WorkerRequest, 'id'>);
  if (!reply.ok) {
    if ('issues' in reply) {
      if (callerOut && callerOut !== out) callerOut.fill(Number.NaN); // as the sync path leaves it
      throw new InputError(reply.issues);
    }
    throw new Error(reply.message);
  }
  if (callerOut && callerOut !== out) callerOut.set(out);
  return { values: callerOut ?? out, holders: spec.holders, scenarios: spec.scenarios, backend: reply.backend };
}

/** `evaluateScenariosDense` on a worker thread for large inputs. */
export async function evaluateScenariosDenseAsync(spec: DenseScenarioSpec, opts: AsyncKernelOptions = {}): Promise<ScenarioValuesResult> {
  validateDenseSpec(spec, opts.out);
  const work = spec.holders * spec.scenarios * spec.items;
  if (!(opts.offThread ?? work >= OFF_THREAD_MIN_WORK)) return evaluateScenariosDense(spec, opts);
  const s: DenseScenarioSpec = { ...spec, holderWeights: shared(spec.holderWeights), scenarioValues: shared(spec.scenarioValues), itemBase: shared(spec.itemBase) };
  return runOffThread('dense', s, opts);
}

/** `evaluateScenariosStructured` on a worker thread for large inputs. */
export async function evaluateScenariosStructuredAsync(spec: StructuredScenarioSpec, opts: AsyncKernelOptions = {}): Promise<ScenarioValuesResult> {
  validateStructuredSpec(spec, opts.out);
  const work = spec.holders * (spec.scenarios * spec.factors + spec.items);
  if (!(opts.offThread ?? work >= OFF_THREAD_MIN_WORK)) return evaluateScenariosStructured(spec, opts);
  const e = spec.exposure;
  const exposure =
    e.kind === 'dense'
      ? { kind: e.kind, first: shared(e.first), second: shared(e.second) }
      : { kind: e.kind, rowPtr: shared(e.rowPtr), bucket: shared(e.bucket), first: shared(e.first), second: shared(e.second) };
  const s: StructuredScenarioSpec = { ...spec, holderWeights: shared(spec.holderWeights), shocks: shared(spec.shocks), itemBase: shared(spec.itemBase), exposure };
  return runOffThread('structured', s, opts);
}
