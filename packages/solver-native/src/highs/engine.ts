/**
 * The part of the HiGHS wrapper that touches the WebAssembly module. It runs either on the
 * main thread or inside a worker; for the worker it is serialised with `Function#toString`,
 * so `createHighsEngine` must stay self-contained: no imports (type imports are erased), no
 * references to module-level values, only its arguments and globals.
 */
import type { Highs, Model, OptionValue } from 'highs';

/** Model in HiGHS's own layout (prepared on the calling thread by `toHighsPayload`). */
export interface HighsModelPayload {
  readonly numCols: number;
  readonly numRows: number;
  readonly maximize: boolean;
  readonly offset: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  readonly starts: Int32Array; // CSC
  readonly indices: Int32Array;
  readonly values: Float64Array;
  /** Present only when some column is integer (HiGHS treats the model as a MIP then). */
  readonly integrality?: Int32Array;
  /** Lower triangle of Q in CSC (HiGHS's "triangular" format). */
  readonly hessian?: { starts: Int32Array; indices: Int32Array; values: Float64Array };
}

export interface HighsExtendPayload {
  readonly cols?: { cost: Float64Array; lower: Float64Array; upper: Float64Array; integer: Uint8Array };
  /** CSR rows over all columns (after the new columns are added). */
  readonly rows?: {
    lower: Float64Array;
    upper: Float64Array;
    numCols: number;
    starts: Int32Array;
    indices: Int32Array;
    values: Float64Array;
  };
}

export interface HighsRunSettings {
  readonly timeLimitSec: number; // ≤ 0: none
  readonly mipRelGap: number;
  readonly mipAbsGap: number;
  readonly presolve: boolean;
  readonly randomSeed: number;
  /** Poll the shared cancel flag from HiGHS's interrupt callbacks. */
  readonly cancellable: boolean;
  /**
   * A primal start handed to HiGHS before the run: every column, or only some (`indices`), in
   * which case HiGHS fixes those and completes the rest with a sub-MIP.
   */
  readonly start?: Float64Array | { readonly indices: Int32Array; readonly values: Float64Array };
  /**
   * Forget the previous run's solution and basis first. HiGHS otherwise offers the last point
   * (e.g. an LP relaxation's) to the next MIP as a user solution and spends time repairing it.
   */
  readonly fresh?: boolean;
  /** Further HiGHS options by their native names (threads stays 1: `threads: 2` aborts). */
  readonly extra?: Readonly<Record<string, OptionValue>>;
}

export interface HighsRunOutput {
  readonly modelStatus: number;
  readonly primalStatus: number;
  readonly dualStatus: number;
  readonly isMip: boolean;
  readonly x: Float64Array;
  readonly rowActivity: Float64Array;
  readonly colDual: Float64Array;
  readonly rowDual: Float64Array;
  readonly objective: number;
  readonly mipGap: number;
  readonly mipDualBound: number;
  readonly nodes: number;
  readonly iterations: number;
  readonly runTimeMs: number;
  readonly memoryBytes: number;
  readonly cancelled: boolean;
}

export type HighsCommand =
  | { readonly op: 'open'; readonly session: number; readonly model: HighsModelPayload }
  | { readonly op: 'extend'; readonly session: number; readonly delta: HighsExtendPayload }
  | { readonly op: 'setObjective'; readonly session: number; readonly cost: Float64Array; readonly offset: number }
  | { readonly op: 'solve'; readonly session: number; readonly settings: HighsRunSettings; readonly token: number }
  | {
      readonly op: 'setColBounds';
      readonly session: number;
      readonly indices: Int32Array;
      readonly lower: Float64Array;
      readonly upper: Float64Array;
    }
  | { readonly op: 'close'; readonly session: number }
  | { readonly op: 'memory' };

export interface HighsEngine {
  handle(cmd: HighsCommand): HighsRunOutput | { memoryBytes: number; openSessions: number };
}

export function createHighsEngine(highs: Highs, cancelFlag: Int32Array, logging = false): HighsEngine {
  const sessions = new Map<number, { model: Model; isMip: boolean }>();
  const C = highs.constants;

  const get = (id: number) => {
    const s = sessions.get(id);
    if (!s) throw new Error(`HiGHS session ${id} is not open`);
    return s;
  };
  const info = (m: Model, name: string): number => {
    try {
      const v = m.info.get(name);
      return typeof v === 'bigint' ? Number(v) : v;
    } catch {
      return NaN;
    }
  };
  const memory = () => ({ memoryBytes: highs.memoryBytes, openSessions: sessions.size });

  function open(id: number, p: HighsModelPayload) {
    if (sessions.has(id)) throw new Error(`HiGHS session ${id} already open`);
    const model = highs.createModel();
    try {
      model.options.set({ output_flag: logging });
      model.passModel({
        numCols: p.numCols,
        numRows: p.numRows,
        sense: p.maximize ? C.objectiveSense.maximize : C.objectiveSense.minimize,
        offset: p.offset,
        colCost: p.colCost,
        colLower: p.colLower,
        colUpper: p.colUpper,
        rowLower: p.rowLower,
        rowUpper: p.rowUpper,
        matrix: {
          format: 'csc',
          numRows: p.numRows,
          numCols: p.numCols,
          starts: p.starts,
          indices: p.indices,
          values: p.values,
        },
        ...(p.integrality ? { integrality: p.integrality } : {}),
        ...(p.hessian
          ? { hessian: { format: 'triangular' as const, dimension: p.numCols, ...p.hessian } }
          : {}),
      });
    } catch (e) {
      model.dispose();
      throw e;
    }
    sessions.set(id, { model, isMip: p.integrality !== undefined });
    return memory();
  }

  function extend(id: number, d: HighsExtendPayload) {
    const s = get(id);
    const m = s.model;
    if (d.cols && d.cols.cost.length > 0) {
      const n0 = m.getDimensions().numCols;
      const k = d.cols.cost.length;
      m.addVars(d.cols.lower, d.cols.upper);
      const sel = { kind: 'range' as const, from: n0, to: n0 + k - 1 };
      m.changeColsCost(sel, d.cols.cost);
      let anyInt = false;
      const types = new Int32Array(k);
      for (let j = 0; j < k; j++) {
        if (d.cols.integer[j]) {
          types[j] = C.variableType.integer;
          anyInt = true;
        }
      }
      if (anyInt) {
        m.changeColsIntegrality(sel, types);
        s.isMip = true;
      }
    }
    if (d.rows && d.rows.lower.length > 0) {
      m.addRows({
        lower: d.rows.lower,
        upper: d.rows.upper,
        matrix: {
          format: 'csr',
          numRows: d.rows.lower.length,
          numCols: d.rows.numCols,
          starts: d.rows.starts,
          indices: d.rows.indices,
          values: d.rows.values,
        },
      });
    }
    return memory();
  }

  function setObjective(id: number, cost: Float64Array, offset: number) {
    const m = get(id).model;
    const n = m.getDimensions().numCols;
    if (cost.length !== n) throw new Error(`objective has ${cost.length} coefficients for ${n} columns`);
    if (n > 0) m.changeColsCost({ kind: 'range', from: 0, to: n - 1 }, cost);
    m.changeObjectiveOffset(offset);
    return memory();
  }

  function solve(id: number, st: HighsRunSettings, token: number): HighsRunOutput {
    const s = get(id);
    const m = s.model;
    // The shared flag holds the token of the solve to cancel (0: none); a solve cancelled while
    // it waited in the queue returns at once.
    const cancelledNow = () => token !== 0 && Atomics.load(cancelFlag, 0) === token;
    // Options persist on a model: start every run from the defaults so one run's extras
    // (e.g. solve_relaxation) never leak into the next.
    m.options.reset();
    m.options.set({
      output_flag: logging,
      time_limit: st.timeLimitSec > 0 ? st.timeLimitSec : 1e30,
      mip_rel_gap: st.mipRelGap,
      mip_abs_gap: st.mipAbsGap,
      presolve: st.presolve ? 'on' : 'off',
      random_seed: st.randomSeed,
      ...(st.extra ?? {}),
    });
    // Each run gets the whole time limit: HiGHS counts time_limit over cumulative run time.
    m.zeroAllClocks();
    if (st.fresh) m.clearSolver();
    if (st.start) m.setSolution(st.start instanceof Float64Array ? { colValue: st.start } : st.start);
    let cancelled = false;
    const stop = (ev: { interrupt(): void }): undefined => {
      if (cancelledNow()) {
        cancelled = true;
        ev.interrupt();
      }
      return undefined;
    };
    const t0 = performance.now();
    if (cancelledNow()) {
      const none = new Float64Array(0);
      return {
        modelStatus: C.modelStatus.interrupted,
        primalStatus: 0,
        dualStatus: 0,
        isMip: s.isMip,
        x: none,
        rowActivity: none,
        colDual: none,
        rowDual: none,
        objective: NaN,
        mipGap: Infinity,
        mipDualBound: NaN,
        nodes: 0,
        iterations: 0,
        runTimeMs: 0,
        memoryBytes: highs.memoryBytes,
        cancelled: true,
      };
    }
    if (st.cancellable) {
      m.run({
        [C.callbackType.mipInterrupt]: stop,
        [C.callbackType.simplexInterrupt]: stop,
        [C.callbackType.ipmInterrupt]: stop,
      });
    } else {
      m.run();
    }
    const runTimeMs = performance.now() - t0;
    const modelStatus = m.getModelStatus();
    const primalStatus = info(m, 'primal_solution_status');
    const dualStatus = info(m, 'dual_solution_status');
    const dims = m.getDimensions();
    // HiGHS has no solution object for a model without columns ("empty"); its value is the offset.
    let sol: { colValue: Float64Array; rowValue: Float64Array; colDual: Float64Array; rowDual: Float64Array };
    let objective: number;
    try {
      sol = m.getSolution();
      objective = m.getObjectiveValue();
    } catch (e) {
      if (dims.numCols > 0) throw e;
      const z = new Float64Array(dims.numRows);
      sol = { colValue: new Float64Array(0), rowValue: z, colDual: new Float64Array(0), rowDual: z.slice() };
      objective = m.getObjectiveOffset();
    }
    return {
      modelStatus,
      primalStatus,
      dualStatus,
      isMip: s.isMip,
      x: sol.colValue,
      rowActivity: sol.rowValue,
      colDual: sol.colDual,
      rowDual: sol.rowDual,
      objective,
      mipGap: s.isMip ? info(m, 'mip_gap') : 0,
      mipDualBound: s.isMip ? info(m, 'mip_dual_bound') : NaN,
      nodes: s.isMip ? info(m, 'mip_node_count') : 0,
      iterations: info(m, 'simplex_iteration_count'),
      runTimeMs,
      memoryBytes: highs.memoryBytes,
      cancelled,
    };
  }

  function setColBounds(id: number, indices: Int32Array, lower: Float64Array, upper: Float64Array) {
    if (indices.length > 0) get(id).model.changeColsBounds({ kind: 'set', indices }, lower, upper);
    return memory();
  }

  function close(id: number) {
    const s = sessions.get(id);
    if (s) {
      sessions.delete(id);
      s.model.dispose();
    }
    return memory();
  }

  return {
    handle(cmd) {
      switch (cmd.op) {
        case 'open':
          return open(cmd.session, cmd.model);
        case 'extend':
          return extend(cmd.session, cmd.delta);
        case 'setObjective':
          return setObjective(cmd.session, cmd.cost, cmd.offset);
        case 'solve':
          return solve(cmd.session, cmd.settings, cmd.token);
        case 'setColBounds':
          return setColBounds(cmd.session, cmd.indices, cmd.lower, cmd.upper);
        case 'close':
          return close(cmd.session);
        case 'memory':
          return memory();
      }
    },
  };
}
