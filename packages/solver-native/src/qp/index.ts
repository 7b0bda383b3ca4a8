/**
 * The QP solver's public face (`@keel/solver-native/qp`): one algorithm (OSQP's ADMM), two
 * backends — Rust through N-API (`native`) and TypeScript (`ts`) — chosen per call: the
 * `backend` option, else `KEEL_BACKEND`, else native when the addon loads. Problems and
 * settings are validated here, before either backend sees them, so both reject bad input with
 * the same `InputError`. Every result says which backend produced it (`info.backend`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, type InputIssue } from '../errors/index.js';
import { chooseBackend, nativeStatus, type NativeStatus } from '../native/index.js';
import { NativeQpWorkspace } from '../native/qp-workspace.js';
import { validateQpProblem } from './problem.js';
import { resolveQpSettings } from './settings.js';
import { createTsQpWorkspace } from './ts/index.js';
import type { QpBackend, QpProblem, QpResult, QpSettings, QpWorkspace } from './types.js';

export * from './types.js';
export { cloneQpProblem, parseQpProblem, qpProblemToJson, QP_INFINITY_THRESHOLD, validateQpProblem } from './problem.js';
export { resolveQpSettings, UPDATABLE_QP_SETTINGS } from './settings.js';
export { ColumnFixing, type ExpandedSolution, type QpPattern, type ReducedQp } from './fix-columns.js';
export { fromNativeError } from '../native/qp-workspace.js';

export interface QpSolveOptions {
  /** Force a backend; default: `KEEL_BACKEND`, else native when it loads, else ts. */
  readonly backend?: QpBackend;
}

/** Validates, picks the backend and sets up a workspace (scaling, ordering, factorisation). */
export function createQpWorkspace(problem: QpProblem, settings?: Partial<QpSettings>, opts: QpSolveOptions = {}): QpWorkspace {
  validateQpProblem(problem);
  const resolved = resolveQpSettings(settings);
  return chooseBackend(opts.backend) === 'native' ? new NativeQpWorkspace(problem, resolved) : createTsQpWorkspace(problem, resolved);
}

/** Setup, solve, dispose, on the calling thread. */
export function solveQp(problem: QpProblem, settings?: Partial<QpSettings>, opts: QpSolveOptions = {}): QpResult {
  const ws = createQpWorkspace(problem, settings, opts);
  try {
    return ws.solve();
  } finally {
    ws.dispose();
  }
}

/** What `solve-worker` posts back. */
export type QpWorkerReply =
  | { readonly ok: true; readonly result: QpResult }
  | { readonly ok: false; readonly name: string; readonly message: string; readonly issues?: readonly InputIssue[] };

export interface QpWorkerRequest {
  readonly problem: QpProblem;
  readonly settings: QpSettings;
  readonly backend: QpBackend;
}

/**
 * A worker running `solve-worker`: the compiled `.js` next to this module, or — when running
 * from sources (tests) — the `.ts` file after registering tsx's loader inside the worker.
 */
function startWorker(request: QpWorkerRequest): Worker {
  const js = new URL('./solve-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData: request });
  // Node 20 does not apply loader hooks registered inside a worker to its own imports, but
  // tsx's `tsImport` (ESM build of tsx/esm/api) compiles the entry on its own.
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./solve-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((t) => t.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return new Worker(boot, { eval: true, workerData: request });
}

/**
 * Like `solveQp`, but off the main thread (a worker_threads worker; the native addon loads
 * there too), so a long solve never blocks the event loop. Input errors reject before the
 * worker starts.
 */
export async function solveQpAsync(problem: QpProblem, settings?: Partial<QpSettings>, opts: QpSolveOptions = {}): Promise<QpResult> {
  validateQpProblem(problem);
  const request: QpWorkerRequest = { problem, settings: resolveQpSettings(settings), backend: chooseBackend(opts.backend) };
  const worker = startWorker(request);
  try {
    const reply = await new Promise<QpWorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`QP worker exited with code ${code} before replying`)));
    });
    if (reply.ok) return reply.result;
    if (reply.issues) throw new InputError(reply.issues);
    const err = new Error(reply.message);
    err.name = reply.name;
    throw err;
  } finally {
    void worker.terminate();
  }
}

export interface QpBackendsInfo {
  readonly native: NativeStatus;
  readonly ts: NativeStatus;
  /** What a call without a `backend` option would use now (honours KEEL_BACKEND). */
  readonly default: QpBackend;
}

export function qpBackends(): QpBackendsInfo {
  const native = nativeStatus();
  let preferred: QpBackend;
  try {
    preferred = chooseBackend();
  } catch {
    preferred = 'native'; // forced by KEEL_BACKEND=native but unavailable: calls will throw
  }
  return { native, ts: { available: true, reason: 'portable TypeScript implementation' }, default: preferred };
}
