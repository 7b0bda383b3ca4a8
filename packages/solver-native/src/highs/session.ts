import type { OptionValue } from 'highs';
import { InputError } from '../errors/index.js';
import type { ColumnBlock } from '../model/builder.js';
import type { ModelSolveResult, OptimizationModel, RowBlock } from '../model/types.js';
import { checkModel } from '../model/check.js';
import type { HighsRunOutput } from './engine.js';
import { HighsWorkerLostError, sharedHighsWorker } from './host.js';
import type { HighsHost } from './host.js';
import { toHighsExtend, toHighsPayload } from './payload.js';
import { HIGHS_SOLUTION_FEASIBLE, mapHighsStatus } from './status.js';

export interface HighsSettings {
  /** Wall-clock limit of one solve in seconds; 0 means none. */
  readonly timeLimitSec: number;
  /** Stop when |primal − dual bound| / |primal| ≤ this (HiGHS mip_rel_gap). */
  readonly mipRelGap: number;
  /** Stop when |primal − dual bound| ≤ this, in objective units (HiGHS mip_abs_gap). */
  readonly mipAbsGap: number;
  readonly presolve: boolean;
  readonly randomSeed: number;
  /**
   * Primal start for the MIP: a full column vector, or some columns (`indices`, e.g. just the
   * integer ones) that HiGHS completes with a sub-MIP. HiGHS checks a start, never trusts it.
   */
  readonly start?: Float64Array | { readonly indices: Int32Array; readonly values: Float64Array };
  /** Drop the previous run's solution and basis before this run (see HighsRunSettings.fresh). */
  readonly fresh?: boolean;
  /** Further native HiGHS options. `threads` is refused: more than one aborts the wasm build. */
  readonly extra?: Readonly<Record<string, OptionValue>>;
}

export const DEFAULT_HIGHS_SETTINGS: HighsSettings = Object.freeze({
  timeLimitSec: 0,
  mipRelGap: 1e-6,
  mipAbsGap: 1e-9,
  presolve: true,
  randomSeed: 0,
});

/** A model kept alive inside HiGHS so it can be extended and re-solved (constraint generation). */
export interface HighsSession {
  readonly thread: 'main' | 'worker';
  readonly nCols: number;
  readonly nRows: number;
  /** Appends columns (no entries in existing rows) and then rows over all columns. */
  extend(cols: ColumnBlock | null, rows: RowBlock | null): Promise<void>;
  /** Replaces the whole linear objective. */
  setObjective(cost: Float64Array, offset?: number): Promise<void>;
  /** New bounds for some columns (`indices` strictly increasing), e.g. to fix a neighbourhood. */
  setColBounds(indices: Int32Array, lower: Float64Array, upper: Float64Array): Promise<void>;
  solve(settings?: Partial<HighsSettings>, signal?: AbortSignal): Promise<ModelSolveResult>;
  /**
   * The HiGHS instance behind this session is gone (a solve overran its limit or was cancelled
   * and the worker was replaced, or HiGHS aborted): every further call throws. A solve that
   * loses it returns status `interrupted`/`time_limit`/`error` without a solution; callers that
   * go on after such a result check this first.
   */
  readonly lost: boolean;
  /** Frees the HiGHS model (always call it: wasm memory is not garbage collected). */
  close(): Promise<void>;
}

let nextSession = 1;

/** Opens a session on `host` (default: the shared worker thread). */
export async function openHighsSession(
  model: OptimizationModel,
  options: { host?: HighsHost } = {},
): Promise<HighsSession> {
  checkModel(model);
  const host = options.host ?? sharedHighsWorker();
  const id = nextSession++;
  await host.call({ op: 'open', session: id, model: toHighsPayload(model) });
  return new Session(host, id, host.epoch, model.nCols, model.nRows, hasQ(model));
}

/** One-shot solve: open, solve, close. */
export async function solveWithHighs(
  model: OptimizationModel,
  settings: Partial<HighsSettings> = {},
  options: { host?: HighsHost; signal?: AbortSignal } = {},
): Promise<ModelSolveResult> {
  const session = await openHighsSession(model, options);
  try {
    return await session.solve(settings, options.signal);
  } finally {
    await session.close();
  }
}

function hasQ(model: OptimizationModel): boolean {
  return model.Q !== undefined && model.Q.values.length > 0;
}

class Session implements HighsSession {
  private closed = false;
  private instanceLost = false;

  constructor(
    private readonly host: HighsHost,
    private readonly id: number,
    private readonly epoch: number,
    public nCols: number,
    public nRows: number,
    private readonly quadratic: boolean,
  ) {}

  get thread(): 'main' | 'worker' {
    return this.host.thread;
  }

  get lost(): boolean {
    return this.instanceLost || this.host.epoch !== this.epoch;
  }

  async extend(cols: ColumnBlock | null, rows: RowBlock | null): Promise<void> {
    this.alive();
    const addCols = cols?.nCols ?? 0;
    if (rows && rows.nRows > 0 && rows.nCols !== this.nCols + addCols) {
      throw new InputError({
        path: 'rows.nCols',
        message: `rows span ${rows.nCols} columns but the session will have ${this.nCols + addCols}`,
      });
    }
    if (this.quadratic && addCols > 0) {
      // HiGHS keeps the Hessian's dimension; adding columns to a QP would need a new Hessian.
      throw new InputError({ path: 'cols', message: 'cannot add columns to a quadratic model; rebuild it' });
    }
    await this.host.call({ op: 'extend', session: this.id, delta: toHighsExtend(cols, rows) });
    this.nCols += addCols;
    this.nRows += rows?.nRows ?? 0;
  }

  async setObjective(cost: Float64Array, offset = 0): Promise<void> {
    this.alive();
    await this.host.call({ op: 'setObjective', session: this.id, cost, offset });
  }

  async setColBounds(indices: Int32Array, lower: Float64Array, upper: Float64Array): Promise<void> {
    this.alive();
    const issues: { path: string; message: string }[] = [];
    if (lower.length !== indices.length || upper.length !== indices.length) {
      issues.push({ path: 'bounds', message: `${indices.length} indices, ${lower.length} lower, ${upper.length} upper` });
    }
    for (let k = 0; k < indices.length && issues.length === 0; k++) {
      const j = indices[k]!;
      if (j < 0 || j >= this.nCols || (k > 0 && j <= indices[k - 1]!)) issues.push({ path: `bounds.indices[${k}]`, message: `column ${j} out of range or not ascending` });
      else if (!(lower[k]! <= upper[k]!)) issues.push({ path: `bounds[${k}]`, message: `lower ${lower[k]} > upper ${upper[k]}` });
    }
    if (issues.length) throw new InputError(issues);
    await this.host.call({ op: 'setColBounds', session: this.id, indices, lower, upper });
  }

  async solve(settings: Partial<HighsSettings> = {}, signal?: AbortSignal): Promise<ModelSolveResult> {
    this.alive();
    const s = { ...DEFAULT_HIGHS_SETTINGS, ...settings };
    validateSettings(s, this.nCols);
    // A worker that overruns its limit by this much is terminated (its result is lost).
    const hardTimeoutMs = s.timeLimitSec > 0 ? s.timeLimitSec * 1000 * 1.25 + 3000 : undefined;
    const t0 = performance.now();
    try {
      const out = await this.host.call<HighsRunOutput>(
        {
          op: 'solve',
          session: this.id,
          token: 0, // the worker host sets its own
          settings: {
            timeLimitSec: s.timeLimitSec,
            mipRelGap: s.mipRelGap,
            mipAbsGap: s.mipAbsGap,
            presolve: s.presolve,
            randomSeed: s.randomSeed,
            cancellable: this.host.thread === 'worker',
            ...(s.start ? { start: s.start } : {}),
            ...(s.fresh ? { fresh: true } : {}),
            ...(s.extra ? { extra: s.extra } : {}),
          },
        },
        { ...(hardTimeoutMs !== undefined ? { hardTimeoutMs } : {}), ...(signal ? { signal } : {}) },
      );
      return this.toResult(out);
    } catch (e) {
      if (!(e instanceof HighsWorkerLostError)) throw e;
      this.closed = true;
      this.instanceLost = true;
      const status = e.reason === 'cancelled' || signal?.aborted ? 'interrupted' : e.reason === 'timeout' ? 'time_limit' : 'error';
      return lostResult(status, e.message, performance.now() - t0, this.host.thread);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.host.epoch !== this.epoch) return; // the instance holding it is gone already
    await this.host.call({ op: 'close', session: this.id });
  }

  private alive(): void {
    if (this.closed) throw new Error('HiGHS session is closed');
    if (this.host.epoch !== this.epoch) {
      this.closed = true;
      throw new HighsWorkerLostError('terminated', 'HiGHS session lost: its HiGHS instance was replaced');
    }
  }

  private toResult(o: HighsRunOutput): ModelSolveResult {
    const mapped = mapHighsStatus(o.modelStatus);
    let status = mapped.status;
    if (o.cancelled && status !== 'optimal') status = 'interrupted';
    const empty = mapped.name === 'empty';
    const hasSolution = o.primalStatus === HIGHS_SOLUTION_FEASIBLE || (empty && status === 'optimal');
    const duals = !o.isMip && o.dualStatus === HIGHS_SOLUTION_FEASIBLE;
    const objective = hasSolution ? o.objective : NaN;
    return {
      status,
      hasSolution,
      x: hasSolution ? o.x : new Float64Array(0),
      objective,
      rowActivity: hasSolution ? o.rowActivity : new Float64Array(0),
      ...(duals ? { rowDual: o.rowDual, colDual: o.colDual } : {}),
      info: {
        solver: 'highs',
        solverStatus: mapped.name,
        mipGap: o.isMip ? (hasSolution ? o.mipGap : Infinity) : 0,
        objectiveBound: o.isMip ? o.mipDualBound : objective,
        nodes: o.nodes,
        iterations: Number.isFinite(o.iterations) ? o.iterations : 0,
        timeMs: o.runTimeMs,
        memoryBytes: o.memoryBytes,
        thread: this.host.thread,
      },
    };
  }
}

function lostResult(status: 'interrupted' | 'time_limit' | 'error', why: string, timeMs: number, thread: 'main' | 'worker'): ModelSolveResult {
  return {
    status,
    hasSolution: false,
    x: new Float64Array(0),
    objective: NaN,
    rowActivity: new Float64Array(0),
    info: {
      solver: 'highs',
      solverStatus: `instance_lost: ${why}`,
      mipGap: Infinity,
      objectiveBound: NaN,
      nodes: 0,
      iterations: 0,
      timeMs,
      memoryBytes: 0,
      thread,
    },
  };
}

function validateSettings(s: HighsSettings, nCols: number): void {
  const issues: { path: string; message: string }[] = [];
  if (!(s.timeLimitSec >= 0)) issues.push({ path: 'settings.timeLimitSec', message: 'must be ≥ 0' });
  if (!(s.mipRelGap >= 0)) issues.push({ path: 'settings.mipRelGap', message: 'must be ≥ 0' });
  if (!(s.mipAbsGap >= 0)) issues.push({ path: 'settings.mipAbsGap', message: 'must be ≥ 0' });
  if (!Number.isInteger(s.randomSeed) || s.randomSeed < 0) {
    issues.push({ path: 'settings.randomSeed', message: 'must be a non-negative integer' });
  }
  if (s.start instanceof Float64Array) {
    if (s.start.length !== nCols) issues.push({ path: 'settings.start', message: `has ${s.start.length} values for ${nCols} columns` });
  } else if (s.start) {
    const { indices, values } = s.start;
    if (indices.length !== values.length) {
      issues.push({ path: 'settings.start', message: `${indices.length} indices but ${values.length} values` });
    }
    for (let k = 0; k < indices.length; k++) {
      const j = indices[k]!;
      if (j < 0 || j >= nCols || (k > 0 && j <= indices[k - 1]!)) {
        issues.push({ path: `settings.start.indices[${k}]`, message: `column ${j} out of range or not ascending` });
        break;
      }
    }
  }
  if (s.extra && 'threads' in s.extra) {
    issues.push({ path: 'settings.extra.threads', message: 'the wasm build of HiGHS must run with one thread' });
  }
  if (issues.length > 0) throw new InputError(issues);
}
