import { InputError } from '../errors/index.js';
import type { InputIssue } from '../errors/index.js';
import type { CscMatrix } from '../qp/types.js';
import type { OptimizationModel } from './types.js';

/** Quadratic blocks up to this many columns get a full convexity test (dense Cholesky). */
const DENSE_PSD_LIMIT = 1500;

/**
 * Checks a model before any solver sees it: dimensions, finite data, l ≤ u, valid CSC, Q upper
 * triangular and positive semidefinite. HiGHS does not reject a non-convex Hessian (TOOLCHAIN.md),
 * so the PSD test lives here. Throws InputError naming each offending field.
 */
export function checkModel(model: OptimizationModel): void {
  const issues: InputIssue[] = [];
  const { nCols, nRows } = model;
  const len = (name: string, a: ArrayLike<number>, n: number) => {
    if (a.length !== n) issues.push({ path: `model.${name}`, message: `length ${a.length}, expected ${n}` });
  };
  len('colCost', model.colCost, nCols);
  len('colLower', model.colLower, nCols);
  len('colUpper', model.colUpper, nCols);
  len('integer', model.integer, nCols);
  len('rowLower', model.rowLower, nRows);
  len('rowUpper', model.rowUpper, nRows);
  if (issues.length > 0) throw new InputError(issues);
  if (!Number.isFinite(model.offset)) issues.push({ path: 'model.offset', message: 'not finite' });
  for (let j = 0; j < nCols; j++) {
    if (!Number.isFinite(model.colCost[j])) issues.push({ path: `model.colCost[${j}]`, message: 'not finite' });
    bounds(issues, `model.cols[${j}]`, model.colLower[j] as number, model.colUpper[j] as number);
  }
  for (let i = 0; i < nRows; i++) {
    bounds(issues, `model.rows[${i}]`, model.rowLower[i] as number, model.rowUpper[i] as number);
  }
  checkCsc(issues, 'model.A', model.A, nRows, nCols, false);
  if (model.Q) {
    checkCsc(issues, 'model.Q', model.Q, nCols, nCols, true);
    let integer = false;
    for (let j = 0; j < nCols; j++) if (model.integer[j]) integer = true;
    if (integer && model.Q.values.length > 0) {
      issues.push({ path: 'model.Q', message: 'quadratic objectives with integer columns (MIQP) are not supported' });
    }
    if (issues.length === 0) {
      const bad = convexityViolation(model.Q, model.sense === 'maximize' ? -1 : 1);
      if (bad) issues.push({ path: 'model.Q', message: bad });
    }
  }
  if (issues.length > 0) throw new InputError(issues.slice(0, 50));
}

function bounds(issues: InputIssue[], path: string, lo: number, hi: number): void {
  if (Number.isNaN(lo) || Number.isNaN(hi) || lo === Infinity || hi === -Infinity || lo > hi) {
    issues.push({ path: `${path}.bounds`, message: `invalid bounds [${lo}, ${hi}]` });
  }
}

function checkCsc(
  issues: InputIssue[],
  path: string,
  m: CscMatrix,
  nRows: number,
  nCols: number,
  upper: boolean,
): void {
  if (m.nRows !== nRows || m.nCols !== nCols) {
    issues.push({ path, message: `is ${m.nRows}×${m.nCols}, expected ${nRows}×${nCols}` });
    return;
  }
  if (m.colPtr.length !== nCols + 1 || m.colPtr[0] !== 0) {
    issues.push({ path: `${path}.colPtr`, message: `must have ${nCols + 1} entries starting at 0` });
    return;
  }
  const nnz = m.colPtr[nCols] as number;
  if (m.rowIdx.length !== nnz || m.values.length !== nnz) {
    issues.push({ path, message: `colPtr ends at ${nnz} but has ${m.rowIdx.length} indices, ${m.values.length} values` });
    return;
  }
  for (let j = 0; j < nCols; j++) {
    const a = m.colPtr[j] as number;
    const b = m.colPtr[j + 1] as number;
    if (b < a) {
      issues.push({ path: `${path}.colPtr[${j + 1}]`, message: 'decreasing' });
      return;
    }
    for (let k = a; k < b; k++) {
      const i = m.rowIdx[k] as number;
      if (i < 0 || i >= nRows || (k > a && i <= (m.rowIdx[k - 1] as number))) {
        issues.push({ path: `${path}.rowIdx[${k}]`, message: `row ${i} out of range or not ascending` });
        return;
      }
      if (upper && i > j) {
        issues.push({ path: `${path}.rowIdx[${k}]`, message: `entry (${i}, ${j}) below the diagonal: give the upper triangle` });
        return;
      }
      if (!Number.isFinite(m.values[k])) issues.push({ path: `${path}.values[${k}]`, message: 'not finite' });
    }
  }
}

/**
 * Returns a message when sign·Q is not positive semidefinite. The test is restricted to the
 * columns Q touches: a dense Cholesky of Q + εI on that block (ε relative to Q's scale), so
 * eigenvalues above −ε pass. Larger blocks get the necessary 2×2 conditions only.
 */
function convexityViolation(Q: CscMatrix, sign: number): string | null {
  const n = Q.nCols;
  const cols: number[] = [];
  const pos = new Int32Array(n).fill(-1);
  const touch = (j: number) => {
    if (pos[j] === -1) {
      pos[j] = cols.length;
      cols.push(j);
    }
  };
  const diag = new Float64Array(n);
  let scale = 0;
  for (let j = 0; j < n; j++) {
    for (let k = Q.colPtr[j] as number; k < (Q.colPtr[j + 1] as number); k++) {
      const i = Q.rowIdx[k] as number;
      const v = sign * (Q.values[k] as number);
      if (v === 0) continue;
      touch(i);
      touch(j);
      if (i === j) diag[j] = v;
      scale = Math.max(scale, Math.abs(v));
    }
  }
  for (const j of cols) {
    if ((diag[j] as number) < 0) return `not convex: diagonal entry (${j}, ${j}) is negative`;
  }
  const m = cols.length;
  if (m === 0) return null;
  if (m > DENSE_PSD_LIMIT) {
    for (let j = 0; j < n; j++) {
      for (let k = Q.colPtr[j] as number; k < (Q.colPtr[j + 1] as number); k++) {
        const i = Q.rowIdx[k] as number;
        const v = sign * (Q.values[k] as number);
        if (i !== j && v * v > (diag[i] as number) * (diag[j] as number) * (1 + 1e-9) + 1e-12 * scale * scale) {
          return `not convex: the 2×2 minor at (${i}, ${j}) is negative`;
        }
      }
    }
    return null;
  }
  const L = new Float64Array(m * m);
  for (let j = 0; j < n; j++) {
    for (let k = Q.colPtr[j] as number; k < (Q.colPtr[j + 1] as number); k++) {
      const a = pos[Q.rowIdx[k] as number] as number;
      const b = pos[j] as number;
      if (a < 0 || b < 0) continue;
      const v = sign * (Q.values[k] as number);
      L[a * m + b] = v;
      L[b * m + a] = v;
    }
  }
  const eps = 1e-9 * scale * Math.max(1, m);
  for (let i = 0; i < m; i++) L[i * m + i] = (L[i * m + i] as number) + eps;
  // In-place Cholesky (lower), row-major.
  for (let j = 0; j < m; j++) {
    let d = L[j * m + j] as number;
    for (let k = 0; k < j; k++) d -= (L[j * m + k] as number) ** 2;
    if (!(d > 0)) return `not convex: Q has a negative eigenvalue (Cholesky pivot ${d.toExponential(2)} at column ${cols[j]})`;
    const r = Math.sqrt(d);
    L[j * m + j] = r;
    for (let i = j + 1; i < m; i++) {
      let s = L[i * m + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * m + k] as number) * (L[j * m + k] as number);
      L[i * m + j] = s / r;
    }
  }
  return null;
}
