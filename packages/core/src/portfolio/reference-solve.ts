/**
 * The same QP handed to HiGHS (WebAssembly, active-set QP): single-entry rows (our identity
 * rows) become column bounds, everything else is passed as is. HiGHS's wasm build has a 2 GiB
 * memory cap: fine at 2,000 instruments, not meant for 15k.
 */
import type { QpProblem } from '@keel/solver-native/qp';
import { solveWithHighs } from '@keel/solver-native/highs';
import type { ModelSolveResult, OptimizationModel } from '@keel/solver-native/model';

export function qpToModel(problem: QpProblem): OptimizationModel {
  const { n, m, A } = problem;
  const rowCount = new Int32Array(m);
  for (let p = 0; p < A.rowIdx.length; p++) rowCount[A.rowIdx[p] as number]!++;
  const colLower = new Float64Array(n).fill(-Infinity);
  const colUpper = new Float64Array(n).fill(Infinity);
  const keep = new Int32Array(m).fill(-1);
  let kept = 0;
  for (let r = 0; r < m; r++) if (rowCount[r] !== 1) keep[r] = kept++;
  // Single-entry rows a·x_j ∈ [l, u] → x_j ∈ [l/a, u/a] (flipped for a < 0), intersected.
  for (let j = 0; j < n; j++) {
    for (let p = A.colPtr[j] as number; p < (A.colPtr[j + 1] as number); p++) {
      const r = A.rowIdx[p] as number;
      if (keep[r] !== -1) continue;
      const a = A.values[p] as number;
      if (a === 0) continue;
      const lo = (a > 0 ? problem.l[r] : problem.u[r]) as number;
      const hi = (a > 0 ? problem.u[r] : problem.l[r]) as number;
      colLower[j] = Math.max(colLower[j] as number, lo / a);
      colUpper[j] = Math.min(colUpper[j] as number, hi / a);
    }
  }
  const colPtr = new Int32Array(n + 1);
  const rowIdx: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let p = A.colPtr[j] as number; p < (A.colPtr[j + 1] as number); p++) {
      const r = keep[A.rowIdx[p] as number] as number;
      if (r < 0) continue;
      rowIdx.push(r);
      values.push(A.values[p] as number);
    }
    colPtr[j + 1] = rowIdx.length;
  }
  const rowLower = new Float64Array(kept);
  const rowUpper = new Float64Array(kept);
  for (let r = 0; r < m; r++) {
    const k = keep[r] as number;
    if (k < 0) continue;
    rowLower[k] = problem.l[r] as number;
    rowUpper[k] = problem.u[r] as number;
  }
  return {
    nCols: n,
    nRows: kept,
    sense: 'minimize',
    offset: problem.r ?? 0,
    colCost: problem.q,
    colLower,
    colUpper,
    integer: new Uint8Array(n),
    A: { nRows: kept, nCols: n, colPtr, rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) },
    rowLower,
    rowUpper,
    Q: dropZeros(problem.P),
  };
}

/** HiGHS's QP solver takes the Hessian's explicit zeros for structure; keep only real entries. */
function dropZeros(m: QpProblem['P']): QpProblem['P'] {
  const colPtr = new Int32Array(m.nCols + 1);
  const rowIdx: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < m.nCols; j++) {
    for (let p = m.colPtr[j] as number; p < (m.colPtr[j + 1] as number); p++) {
      if (m.values[p] === 0) continue;
      rowIdx.push(m.rowIdx[p] as number);
      values.push(m.values[p] as number);
    }
    colPtr[j + 1] = rowIdx.length;
  }
  return { nRows: m.nRows, nCols: m.nCols, colPtr, rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) };
}

/**
 * Solves the QP with HiGHS (in its worker thread). HiGHS's active-set QP solver stops with
 * "non-convex" or "solve error" on the full portfolio model (many zero-curvature, degenerate
 * columns), so this is a third opinion for reduced models, not the acceptance reference;
 * `solveQpInteriorPoint` is.
 */
export async function solveQpWithHighs(problem: QpProblem, timeLimitSec = 0): Promise<ModelSolveResult> {
  return solveWithHighs(qpToModel(problem), { timeLimitSec });
}
