import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Highs, InitOptions } from 'highs';
import { createHighsEngine } from './engine.js';
import type { HighsCommand, HighsEngine } from './engine.js';

/**
 * Where HiGHS runs. HiGHS's `run()` is synchronous and can take seconds, so real solves go to a
 * worker thread (`HighsWorker`); the main-thread host exists for tiny models and tests. Both
 * speak the same command protocol to the same engine code (`engine.ts`).
 */
export interface HighsHost {
  readonly thread: 'main' | 'worker';
  /** Sends one command. `hardTimeoutMs` (solve only) kills a worker that overruns it. */
  call<T>(cmd: HighsCommand, options?: { hardTimeoutMs?: number; signal?: AbortSignal }): Promise<T>;
  /** Asks the running solve to stop at HiGHS's next interrupt check. */
  cancel(): void;
  /** Incremented when the host lost its HiGHS instance; sessions of an older epoch are gone. */
  readonly epoch: number;
}

export type HighsLossReason = 'timeout' | 'cancelled' | 'aborted' | 'crashed' | 'terminated';

/**
 * Thrown by a call whose worker was lost: terminated after overrunning its time limit or a
 * cancellation, HiGHS aborted inside WebAssembly (the instance is unusable afterwards, so the
 * worker is replaced), the thread crashed, or `terminate()` was called.
 */
export class HighsWorkerLostError extends Error {
  readonly reason: HighsLossReason;

  constructor(reason: HighsLossReason, message: string) {
    super(message);
    this.name = 'HighsWorkerLostError';
    this.reason = reason;
  }
}

// Not named `require`: the worker body below uses the eval context's own `require`, and a
// bundler (esbuild under tsx) renames every `require` in scope when a module-level one exists.
const requireHere = createRequire(import.meta.url);
type WasmModule = NonNullable<InitOptions['wasmModule']>;
// The base tsconfig has no DOM lib, so WebAssembly is reached through globalThis.
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } })
  .WebAssembly;
let wasmModule: Promise<WasmModule> | null = null;

/**
 * Compiles highs.wasm once per process; every instance (main or worker) reuses the module and
 * the code V8 generates for it.
 *
 * V8 normally runs wasm through its baseline compiler (Liftoff) and tiers hot functions up to
 * TurboFan later. HiGHS's solves are too short for that to pay: measured here, a 40×4
 * assignment MIP took 0.56–0.80 s per solve on Liftoff code even on the third solve, and
 * 0.08–0.11 s with TurboFan code (7–8×). So we switch Liftoff off before compiling: functions
 * are then compiled lazily by TurboFan on their first call (a one-off cost of a few seconds
 * the first time a process solves). The flag is process-wide and V8 reads it when a function
 * is compiled, so it stays off; set KEEL_HIGHS_LIFTOFF=1 to keep V8's default.
 */
function compiledHighs(): Promise<WasmModule> {
  if (wasmModule === null && process.env.KEEL_HIGHS_LIFTOFF !== '1') v8.setFlagsFromString('--no-liftoff');
  wasmModule ??= readFile(requireHere.resolve('highs/runtime')).then((bytes) => wasm.compile(bytes));
  return wasmModule;
}

/** KEEL_HIGHS_LOG=1 sends HiGHS's own log to stderr (debugging only). */
function highsLogging(): boolean {
  return process.env.KEEL_HIGHS_LOG === '1';
}

function logLine(line: string): void {
  process.stderr.write(`[highs] ${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// Main thread

let mainEngine: Promise<HighsEngine> | null = null;
const mainCancel = new Int32Array(new SharedArrayBuffer(4));

async function loadMainEngine(): Promise<HighsEngine> {
  const [{ default: loadHighs }, module] = await Promise.all([import('highs'), compiledHighs()]);
  const log = highsLogging();
  const highs: Highs = await loadHighs({ wasmModule: module, ...(log ? { print: logLine, printErr: logLine } : {}) });
  return createHighsEngine(highs, mainCancel, log);
}

class MainThreadHost implements HighsHost {
  readonly thread = 'main' as const;

  epochValue = 0;

  get epoch(): number {
    return this.epochValue;
  }

  async call<T>(cmd: HighsCommand): Promise<T> {
    mainEngine ??= loadMainEngine();
    const engine = await mainEngine;
    try {
      return engine.handle(cmd) as T;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!/Aborted\(|RuntimeError|unreachable/.test(message)) throw e;
      // The instance is unusable after an abort: the next call loads a fresh one.
      mainEngine = null;
      this.epochValue++;
      throw new HighsWorkerLostError('aborted', `HiGHS aborted: ${message}`);
    }
  }

  cancel(): void {
    // A synchronous solve on this thread cannot observe anything this thread does while it
    // runs: cancellation only works in a worker.
  }
}

export const mainThreadHighs: HighsHost = new MainThreadHost();

// ---------------------------------------------------------------------------------------------
// Worker thread

/** Body of the worker; serialised with toString, so self-contained (CommonJS eval context). */
function workerMain(makeEngine: typeof createHighsEngine): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wt = require('node:worker_threads') as typeof import('node:worker_threads');
  const port = wt.parentPort!;
  const data = wt.workerData as { highsPath: string; wasmModule: WasmModule; cancel: Int32Array; log: boolean };
  const load = require(data.highsPath) as (o: object) => Promise<Highs>;
  const print = (line: string) => process.stderr.write(`[highs worker] ${line}\n`);
  load({ wasmModule: data.wasmModule, ...(data.log ? { print, printErr: print } : {}) }).then(
    (highs) => {
      const engine = makeEngine(highs, data.cancel, data.log);
      port.on('message', (msg: { id: number; cmd: HighsCommand }) => {
        try {
          const value = engine.handle(msg.cmd);
          const transfer = new Set<ArrayBuffer>();
          for (const v of Object.values(value)) {
            if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) transfer.add(v.buffer);
          }
          port.postMessage({ id: msg.id, ok: true, value }, [...transfer]);
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          // Emscripten's abort() leaves the instance unusable: the host replaces the worker.
          port.postMessage({ id: msg.id, ok: false, error, fatal: /Aborted\(|RuntimeError|unreachable/.test(error) });
        }
      });
      port.postMessage({ ready: true });
    },
    (e: unknown) => port.postMessage({ fatal: String(e) }),
  );
}

// `__name` is the helper esbuild's keep-names transform (tsx) inserts into function bodies; the
// eval context has no such global, so the source defines a no-op one first.
const WORKER_SOURCE =
  'var __name = (f) => f;\n' + `(${workerMain.toString()})(${createHighsEngine.toString()});`;

export interface HighsWorkerOptions {
  /** Replace the worker once its wasm memory exceeds this and no session is open (bytes). */
  readonly recycleBytes?: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** Armed when the command reaches the head of the worker's queue (it runs one at a time). */
  hardTimeoutMs?: number;
  cancelRequested?: boolean;
  timer?: NodeJS.Timeout;
}

/** Grace given to HiGHS to stop at an interrupt check after a cancellation (ms). */
const CANCEL_GRACE_MS = 2000;

/**
 * One HiGHS instance in a worker thread. HiGHS's wasm memory only grows (to at most 2 GiB), so
 * the worker is replaced after large models once its sessions are closed. Commands run one at a
 * time in order; a solve's time-limit watchdog and a cancellation's grace period start when the
 * solve reaches the head of that queue, so queued solves never count their waiting time.
 */
export class HighsWorker implements HighsHost {
  readonly thread = 'worker' as const;
  private worker: Worker | null = null;
  private ready: Promise<Worker> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly recycleBytes: number;
  private memoryBytes = 0;
  private openSessions = 0;
  epoch = 0;

  constructor(options: HighsWorkerOptions = {}) {
    this.recycleBytes = options.recycleBytes ?? 768 * 2 ** 20;
  }

  /** Wasm memory of the current instance after its last command (bytes). */
  get lastMemoryBytes(): number {
    return this.memoryBytes;
  }

  /** Cancels the solve at the head of the queue (the one running). */
  cancel(): void {
    const head = this.pending.keys().next();
    if (!head.done) this.requestCancel(head.value);
  }

  async call<T>(cmd: HighsCommand, options: { hardTimeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
    const worker = await this.start();
    const id = this.nextId++;
    worker.ref();
    const result = new Promise<T>((resolve, reject) => {
      const p: Pending = { resolve: resolve as (v: unknown) => void, reject };
      if (options.hardTimeoutMs !== undefined && Number.isFinite(options.hardTimeoutMs)) p.hardTimeoutMs = options.hardTimeoutMs;
      this.pending.set(id, p);
    });
    const onAbort = () => this.requestCancel(id);
    if (options.signal) {
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
    worker.postMessage({ id, cmd: cmd.op === 'solve' ? { ...cmd, token: id } : cmd });
    this.armHead();
    try {
      const value = await result;
      const mem = value as { memoryBytes?: number; openSessions?: number };
      if (typeof mem.memoryBytes === 'number') this.memoryBytes = mem.memoryBytes;
      if (typeof mem.openSessions === 'number') this.openSessions = mem.openSessions;
      if (cmd.op === 'close' && this.openSessions === 0 && this.memoryBytes > this.recycleBytes) {
        await this.terminate();
      }
      return value;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (this.pending.size === 0) this.worker?.unref();
    }
  }

  /** Ends the worker; open sessions on it are lost. */
  async terminate(): Promise<void> {
    const w = this.lose('terminated', 'HiGHS worker terminated');
    if (w) await w.terminate();
  }

  private requestCancel(id: number): void {
    const p = this.pending.get(id);
    if (!p || p.cancelRequested) return;
    p.cancelRequested = true;
    // HiGHS's interrupt callbacks compare the flag with their solve's token.
    Atomics.store(this.cancelFlag, 0, id);
    this.armHead();
  }

  /** Starts the watchdog of the command now running (the oldest pending one). */
  private armHead(): void {
    const head = this.pending.entries().next();
    if (head.done) return;
    const [id, p] = head.value;
    if (p.timer) return;
    const ms = p.cancelRequested ? CANCEL_GRACE_MS : p.hardTimeoutMs;
    if (ms === undefined) return;
    const reason: HighsLossReason = p.cancelRequested ? 'cancelled' : 'timeout';
    p.timer = setTimeout(() => {
      if (this.pending.has(id)) this.kill(reason, p.cancelRequested ? 'cancelled' : `HiGHS ignored its time limit for ${ms} ms`);
    }, ms);
    p.timer.unref();
  }

  private kill(reason: HighsLossReason, message: string): void {
    void this.lose(reason, message)?.terminate();
  }

  /** Forgets the current instance: every pending call fails with `reason`. */
  private lose(reason: HighsLossReason, message: string): Worker | null {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    this.memoryBytes = 0;
    this.openSessions = 0;
    this.epoch++;
    for (const [, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new HighsWorkerLostError(reason, message));
    }
    this.pending.clear();
    return w;
  }

  private start(): Promise<Worker> {
    if (this.ready) return this.ready;
    const epoch = this.epoch;
    this.ready = compiledHighs().then(
      (module) =>
        new Promise<Worker>((resolve, reject) => {
          const w = new Worker(WORKER_SOURCE, {
            eval: true,
            workerData: {
              highsPath: requireHere.resolve('highs'),
              wasmModule: module,
              cancel: this.cancelFlag,
              log: highsLogging(),
            },
          });
          w.on(
            'message',
            (msg: { id?: number; ok?: boolean; value?: unknown; error?: string; fatal?: boolean | string; ready?: boolean }) => {
              if (msg.ready) {
                this.worker = w;
                resolve(w);
                return;
              }
              if (msg.id === undefined) {
                if (typeof msg.fatal === 'string') reject(new Error(`HiGHS failed to load in the worker: ${msg.fatal}`));
                return;
              }
              const p = this.pending.get(msg.id);
              if (!p) return;
              if (msg.fatal === true) {
                this.kill('aborted', `HiGHS aborted: ${msg.error ?? 'unknown'}`);
                return;
              }
              this.pending.delete(msg.id);
              if (p.timer) clearTimeout(p.timer);
              if (msg.ok) p.resolve(msg.value);
              else p.reject(new Error(msg.error ?? 'HiGHS error'));
              this.armHead();
            },
          );
          w.on('error', (e) => {
            reject(e);
            if (this.epoch === epoch && this.worker === w) this.kill('crashed', `HiGHS worker crashed: ${e.message}`);
          });
          w.on('exit', () => {
            if (this.worker === w && this.epoch === epoch) this.kill('crashed', 'HiGHS worker exited');
          });
        }),
    );
    this.ready.catch(() => {
      this.ready = null;
    });
    return this.ready;
  }
}

let shared: HighsWorker | null = null;

/** The process-wide HiGHS worker used by default. */
export function sharedHighsWorker(): HighsWorker {
  shared ??= new HighsWorker();
  return shared;
}
