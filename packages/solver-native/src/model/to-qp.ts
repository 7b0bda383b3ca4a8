import { InputError } from '../errors/index.js';
import type { CscMatrix, QpProblem, QpResult, QpStatus } from '../qp/types.js';
import type { ModelSolveResult, ModelStatus, OptimizationModel } from './types.js';

/**
 * The model in the QP solver's form: minimise ½xᵀPx + qᵀx + r s.t. l ≤ Ax ≤ u. OSQP has no
 * variable bounds, so every column with a finite bound becomes an identity row appended after
 * the model's rows; a maximisation is negated. Integer columns are refused (continuous solver).
 */
export interface QpMapping {
  readonly problem: QpProblem;
  /** Model column of each appended bound row. */
  readonly boundCols: Int32Array;
  readonly sign: 1 | -1;
}

export function toQpProblem(model: OptimizationModel): QpMapping {
  for (let j = 0; j < model.nCols; j++) {
    if (model.integer[j]) {
      throw new InputError({ path: `model.cols[${j}]`, message: "integer column: the 'qp' solver is continuous; use 'highs'" });
    }
  }
  const sign = model.sense === 'maximize' ? -1 : 1;
  const n = model.nCols;
  const m0 = model.nRows;
  const bounded: number[] = [];
  for (let j = 0; j < n; j++) {
    if (Number.isFinite(model.colLower[j]) || Number.isFinite(model.colUpper[j])) bounded.push(j);
  }
  const boundRow = new Int32Array(n).fill(-1);
  bounded.forEach((j, k) => (boundRow[j] = m0 + k));
  const m = m0 + bounded.length;
  const A0 = model.A;
  const colPtr = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    colPtr[j + 1] = (colPtr[j] as number) + ((A0.colPtr[j + 1] as number) - (A0.colPtr[j] as number)) + (boundRow[j]! >= 0 ? 1 : 0);
  }
  const nnz = colPtr[n] as number;
  const rowIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let j = 0; j < n; j++) {
    let at = colPtr[j] as number;
    for (let k = A0.colPtr[j] as number; k < (A0.colPtr[j + 1] as number); k++) {
      rowIdx[at] = A0.rowIdx[k] as number;
      values[at++] = A0.values[k] as number;
    }
    if (boundRow[j]! >= 0) {
      rowIdx[at] = boundRow[j]!;
      values[at] = 1;
    }
  }
  const A: CscMatrix = { nRows: m, nCols: n, colPtr, rowIdx, values };
  const l = new Float64Array(m);
  const u = new Float64Array(m);
  l.set(model.rowLower);
  u.set(model.rowUpper);
  bounded.forEach((j, k) => {
    l[m0 + k] = model.colLower[j] as number;
    u[m0 + k] = model.colUpper[j] as number;
  });
  const P: CscMatrix = model.Q
    ? { ...model.Q, values: sign === 1 ? model.Q.values : model.Q.values.map((v) => -v) }
    : { nRows: n, nCols: n, colPtr: new Int32Array(n + 1), rowIdx: new Int32Array(0), values: new Float64Array(0) };
  const q = sign === 1 ? model.colCost : model.colCost.map((v) => -v);
  return {
    problem: { n, m, P, q, r: sign * model.offset, A, l, u },
    boundCols: Int32Array.from(bounded),
    sign,
  };
}

const STATUS: Readonly<Record<QpStatus, ModelStatus>> = {
  solved: 'optimal',
  solved_inaccurate: 'inaccurate',
  primal_infeasible: 'infeasible',
  dual_infeasible: 'unbounded',
  max_iter_reached: 'iteration_limit',
  time_limit_reached: 'time_limit',
  numerical_error: 'numerical_error',
};

/** The QP solver's result in the model's terms (HiGHS's dual sign convention: c = Aᵀ·rowDual + colDual). */
export function fromQpResult(model: OptimizationModel, map: QpMapping, res: QpResult, thread: 'main' | 'worker'): ModelSolveResult {
  const status = STATUS[res.status];
  const hasSolution = res.status === 'solved' || res.status === 'solved_inaccurate';
  const x = hasSolution ? Float64Array.from(res.x) : new Float64Array(0);
  const rowActivity = new Float64Array(hasSolution ? model.nRows : 0);
  if (hasSolution) {
    for (let j = 0; j < model.nCols; j++) {
      for (let k = model.A.colPtr[j] as number; k < (model.A.colPtr[j + 1] as number); k++) {
        rowActivity[model.A.rowIdx[k] as number]! += (model.A.values[k] as number) * (x[j] as number);
      }
    }
  }
  // OSQP: Px + q + Aᵀy = 0 for the minimisation; HiGHS reports the duals of the model's own
  // objective with c = Aᵀ·rowDual + colDual, i.e. rowDual = −sign·y.
  const duals = hasSolution
    ? (() => {
        const rowDual = new Float64Array(model.nRows);
        const colDual = new Float64Array(model.nCols);
        for (let i = 0; i < model.nRows; i++) rowDual[i] = -map.sign * (res.y[i] as number);
        map.boundCols.forEach((j, k) => (colDual[j] = -map.sign * (res.y[model.nRows + k] as number)));
        return { rowDual, colDual };
      })()
    : {};
  const objective = hasSolution ? map.sign * res.objective : NaN;
  return {
    status,
    hasSolution,
    x,
    objective,
    rowActivity,
    ...duals,
    info: {
      solver: 'qp',
      solverStatus: res.status,
      mipGap: 0,
      objectiveBound: objective,
      nodes: 0,
      iterations: res.info.iterations,
      timeMs: res.info.setupTimeMs + res.info.solveTimeMs + res.info.polishTimeMs,
      memoryBytes: 0,
      thread,
      qpBackend: res.info.backend,
    },
  };
}
