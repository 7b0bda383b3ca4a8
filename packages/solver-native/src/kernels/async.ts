import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, type InputIssue } from '../errors/index.js';
import { evaluateScenariosDense, evaluateScenariosStructured } from './index.js';
import { resolveKernels } from './native-backend.js';
import { tsKernels } from './ts-backend.js';
import type { DenseScenarioSpec, KernelBackend, KernelOptions, ScenarioValuesResult, StructuredScenarioSpec } from './types.js';
import { checkDenseResult, validateDenseSpec, validateStructuredSpec } from './validate.js';

/**
 * Async kernels: large evaluations run on worker threads so the event loop stays free. The
 * native backend runs on one worker (it threads by itself); the TS fallback splits the
 * scenarios over one worker per core (at most 2), with exactly the bits of a single call.
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
  | { id: number; kind: 'dense'; spec: DenseScenarioSpec; out: Float64Array; backend?: KernelBackend; part?: boolean }
  | { id: number; kind: 'structured'; spec: StructuredScenarioSpec; out: Float64Array; backend?: KernelBackend; part?: boolean };
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

/**
 * Workers, started lazily: one per core (at most 2) so the single-threaded TS fallback can
 * split scenarios across them; native calls use one (the addon threads by itself).
 */
const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism()));
const workers: (Worker | null)[] = Array.from({ length: POOL_SIZE }, () => null);
let nextId = 1;
const pending = new Map<number, { worker: Worker; resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();

/** From the built package the worker is a .js file; from sources (tests) it is .ts, run via tsx. */
function startWorker(slot: number): Worker {
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
  const busy = () => [...pending.values()].some((p) => p.worker === w);
  w.on('message', (m: WorkerReply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (!busy()) w.unref();
    p?.resolve(m);
  });
  const fail = (e: Error) => {
    if (workers[slot] === w) workers[slot] = null;
    for (const [id, p] of pending) {
      if (p.worker !== w) continue;
      pending.delete(id);
      p.reject(e);
    }
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`kernel worker exited (code ${code})`)));
  w.unref();
  return w;
}

function post(slot: number, req: Omit<WorkerRequest, 'id'>): Promise<WorkerReply> {
  const w = (workers[slot] ??= startWorker(slot));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { worker: w, resolve, reject });
    w.ref(); // keep the process alive while a call is in flight
    w.postMessage({ ...req, id });
  });
}

function unwrap(reply: WorkerReply, callerOut: Float64Array | undefined, out: Float64Array): KernelBackend {
  if (reply.ok) return reply.backend;
  if ('issues' in reply) {
    if (callerOut && callerOut !== out) callerOut.fill(Number.NaN); // as the sync path leaves it
    throw new InputError(reply.issues);
  }
  throw new Error(reply.message);
}

/** The spec restricted to scenarios s0..s1 (row ranges of the scenario-major arrays: no copy). */
function scenarioSlice<T extends DenseScenarioSpec | StructuredScenarioSpec>(kind: 'dense' | 'structured', spec: T, s0: number, s1: number): T {
  if (kind === 'dense') {
    const d = spec as DenseScenarioSpec;
    return { ...d, scenarios: s1 - s0, scenarioValues: d.scenarioValues.subarray(s0 * d.items, s1 * d.items) } as T;
  }
  const st = spec as StructuredScenarioSpec;
  return { ...st, scenarios: s1 - s0, shocks: st.shocks.subarray(s0 * st.factors, s1 * st.factors) } as T;
}

async function runOffThread(
  kind: 'dense' | 'structured',
  spec: DenseScenarioSpec | StructuredScenarioSpec,
  opts: AsyncKernelOptions,
): Promise<ScenarioValuesResult> {
  const { holders: K, scenarios: S } = spec;
  const callerOut = opts.out;
  const out = callerOut && isShared(callerOut) ? callerOut : new Float64Array(new SharedArrayBuffer(K * S * 8));
  const backend = resolveKernels(opts.backend, tsKernels).backend;
  const parts = backend === 'ts' ? Math.min(POOL_SIZE, S) : 1;
  if (parts === 1) {
    const reply = await post(0, { kind, spec, out, backend } as Omit<WorkerRequest, 'id'>);
    unwrap(reply, callerOut, out);
  } else {
    // The TS kernels compute each output from its own scenario row alone, so scenario ranges on
    // separate workers give exactly the bits of one call; the dense result check runs here, on
    // the whole matrix, so an error names the entry by its index in the caller's array.
    const bounds = Array.from({ length: parts + 1 }, (_, p) => Math.round((p * S) / parts));
    const pieces = bounds.slice(0, -1).map((s0, p) => ({ s0, s1: bounds[p + 1]!, out: new Float64Array(new SharedArrayBuffer(K * (bounds[p + 1]! - s0) * 8)) }));
    const replies = await Promise.all(
      pieces.map((pc, p) => post(p, { kind, spec: scenarioSlice(kind, spec, pc.s0, pc.s1), out: pc.out, backend, part: true } as Omit<WorkerRequest, 'id'>)),
    );
    for (const r of replies) unwrap(r, callerOut, out);
    for (const pc of pieces) {
      const w = pc.s1 - pc.s0;
      for (let k = 0; k < K; k++) out.set(pc.out.subarray(k * w, (k + 1) * w), k * S + pc.s0);
    }
    if (kind === 'dense') {
      try {
        checkDenseResult(spec as DenseScenarioSpec, out, tsKernels.firstNonFinite);
      } catch (e) {
        if (callerOut && callerOut !== out) callerOut.fill(Number.NaN);
        throw e;
      }
    }
  }
  if (callerOut && callerOut !== out) callerOut.set(out);
  return { values: callerOut ?? out, holders: K, scenarios: S, backend };
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
