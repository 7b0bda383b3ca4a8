import { InputError, type InputIssue } from '../errors/index.js';
import type { CscMatrix, QpProblem } from './types.js';

/** Bounds at or beyond this magnitude are infinite (JSON writes ±1e30 or null). */
export const QP_INFINITY_THRESHOLD = 1e20;
const MAX_ISSUES = 20;

/** Collects issues up to a cap, so a garbage file gives a readable list, not a million lines. */
class Issues {
  readonly list: InputIssue[] = [];
  truncated = 0;
  add(path: string, message: string): void {
    if (this.list.length < MAX_ISSUES) this.list.push({ path, message });
    else this.truncated++;
  }
  get full(): boolean {
    return this.list.length >= MAX_ISSUES;
  }
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const out = this.truncated ? [...this.list, { path: '', message: `… and ${this.truncated} more issues` }] : this.list;
    throw new InputError(out);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readCount(obj: Record<string, unknown>, key: string, issues: Issues): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    issues.add(key, `must be a non-negative integer (got ${JSON.stringify(v)})`);
    return -1;
  }
  return v;
}

function readInts(v: unknown, path: string, issues: Issues): Int32Array {
  if (!Array.isArray(v)) {
    issues.add(path, 'must be an array of integers');
    return new Int32Array(0);
  }
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0x7fffffff) {
      issues.add(`${path}[${i}]`, `must be a non-negative integer (got ${JSON.stringify(x)})`);
      if (issues.full) break;
    } else out[i] = x;
  }
  return out;
}

/** Finite numbers only; `bound` allows null and huge magnitudes as ±Infinity. */
function readNumbers(v: unknown, path: string, issues: Issues, bound?: 'lower' | 'upper'): Float64Array {
  if (!Array.isArray(v)) {
    issues.add(path, 'must be an array of numbers');
    return new Float64Array(0);
  }
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (bound && x === null) out[i] = bound === 'lower' ? -Infinity : Infinity;
    else if (typeof x !== 'number' || !Number.isFinite(x)) {
      issues.add(`${path}[${i}]`, `must be a finite number${bound ? ' or null' : ''} (got ${JSON.stringify(x)})`);
      if (issues.full) break;
    } else if (bound && Math.abs(x) >= QP_INFINITY_THRESHOLD) out[i] = x > 0 ? Infinity : -Infinity;
    else out[i] = x;
  }
  return out;
}

function readCsc(v: unknown, path: string, nRows: number, nCols: number, issues: Issues): CscMatrix {
  if (!isRecord(v)) {
    issues.add(path, 'must be a CSC matrix {colPtr, rowIdx, values}');
    return { nRows, nCols, colPtr: new Int32Array(0), rowIdx: new Int32Array(0), values: new Float64Array(0) };
  }
  return {
    nRows,
    nCols,
    colPtr: readInts(v.colPtr, `${path}.colPtr`, issues),
    rowIdx: readInts(v.rowIdx, `${path}.rowIdx`, issues),
    values: readNumbers(v.values, `${path}.values`, issues),
  };
}

/**
 * Parses the JSON form of MODELS.md §5 (`{n, m, P, q, r?, A, l, u, settings?}`, also the
 * Maros–Meszaros files) into typed arrays, then validates it. `settings` is not read here
 * (see `resolveQpSettings`); other unknown keys such as `name` are ignored.
 */
export function parseQpProblem(json: unknown): QpProblem {
  const issues = new Issues();
  if (!isRecord(json)) throw new InputError({ path: '', message: 'a QP problem must be a JSON object' });
  const n = readCount(json, 'n', issues);
  const m = readCount(json, 'm', issues);
  issues.throwIfAny();
  const P = readCsc(json.P, 'P', n, n, issues);
  const A = readCsc(json.A, 'A', m, n, issues);
  const q = readNumbers(json.q, 'q', issues);
  const l = readNumbers(json.l, 'l', issues, 'lower');
  const u = readNumbers(json.u, 'u', issues, 'upper');
  let r = 0;
  if (json.r !== undefined && json.r !== null) {
    if (typeof json.r !== 'number' || !Number.isFinite(json.r)) issues.add('r', 'must be a finite number');
    else r = json.r;
  }
  issues.throwIfAny();
  const problem: QpProblem = { n, m, P, q, r, A, l, u };
  validateQpProblem(problem);
  return problem;
}

function checkCsc(M: CscMatrix, path: string, nRows: number, nCols: number, upper: boolean, issues: Issues): void {
  const { colPtr, rowIdx, values } = M;
  if (M.nRows !== nRows || M.nCols !== nCols) issues.add(path, `must be ${nRows} × ${nCols} (got ${M.nRows} × ${M.nCols})`);
  if (colPtr.length !== nCols + 1) {
    issues.add(`${path}.colPtr`, `must have length ${nCols + 1} (got ${colPtr.length})`);
    return;
  }
  if (colPtr[0] !== 0) issues.add(`${path}.colPtr[0]`, 'must be 0');
  for (let j = 0; j < nCols; j++) {
    if (colPtr[j + 1]! < colPtr[j]!) {
      issues.add(`${path}.colPtr[${j + 1}]`, `must not decrease (${colPtr[j + 1]} < ${colPtr[j]})`);
      return;
    }
  }
  const nnz = colPtr[nCols]!;
  if (rowIdx.length !== nnz) issues.add(`${path}.rowIdx`, `must have length colPtr[${nCols}] = ${nnz} (got ${rowIdx.length})`);
  if (values.length !== nnz) issues.add(`${path}.values`, `must have length colPtr[${nCols}] = ${nnz} (got ${values.length})`);
  if (rowIdx.length !== nnz || values.length !== nnz) return;
  let upperReported = false;
  for (let j = 0; j < nCols && !issues.full; j++) {
    for (let p = colPtr[j]!; p < colPtr[j + 1]!; p++) {
      const i = rowIdx[p]!;
      if (i < 0 || i >= nRows) issues.add(`${path}.rowIdx[${p}]`, `row ${i} out of range 0..${nRows - 1} (column ${j})`);
      else if (p > colPtr[j]! && i <= rowIdx[p - 1]!) {
        issues.add(`${path}.rowIdx[${p}]`, `${i === rowIdx[p - 1] ? 'duplicate' : 'unsorted'} row ${i} in column ${j} (row indices must be strictly ascending)`);
      } else if (upper && i > j && !upperReported) {
        issues.add(path, `must be upper-triangular: entry (${i}, ${j}) at rowIdx[${p}] is below the diagonal`);
        upperReported = true;
      }
      if (!Number.isFinite(values[p]!)) issues.add(`${path}.values[${p}]`, `must be finite (got ${values[p]})`);
    }
  }
}

/**
 * Checks a problem before any work: dimensions, CSC structure (monotone colPtr, strictly
 * ascending in-range row indices, P upper-triangular), finite data (±Infinity only in l, u,
 * NaN nowhere), l ≤ u. Throws one InputError listing every issue found (capped).
 */
export function validateQpProblem(p: QpProblem): void {
  const issues = new Issues();
  const { n, m } = p;
  if (!Number.isInteger(n) || n < 0) issues.add('n', `must be a non-negative integer (got ${n})`);
  if (!Number.isInteger(m) || m < 0) issues.add('m', `must be a non-negative integer (got ${m})`);
  issues.throwIfAny();
  checkCsc(p.P, 'P', n, n, true, issues);
  checkCsc(p.A, 'A', m, n, false, issues);
  if (p.q.length !== n) issues.add('q', `must have length n = ${n} (got ${p.q.length})`);
  else for (let i = 0; i < n && !issues.full; i++) if (!Number.isFinite(p.q[i]!)) issues.add(`q[${i}]`, `must be finite (got ${p.q[i]})`);
  if (p.r !== undefined && !Number.isFinite(p.r)) issues.add('r', `must be finite (got ${p.r})`);
  if (p.l.length !== m) issues.add('l', `must have length m = ${m} (got ${p.l.length})`);
  if (p.u.length !== m) issues.add('u', `must have length m = ${m} (got ${p.u.length})`);
  if (p.l.length === m && p.u.length === m) {
    for (let i = 0; i < m && !issues.full; i++) {
      const lo = p.l[i]!;
      const hi = p.u[i]!;
      if (Number.isNaN(lo) || lo === Infinity) issues.add(`l[${i}]`, `must be a number below +Infinity (got ${lo})`);
      if (Number.isNaN(hi) || hi === -Infinity) issues.add(`u[${i}]`, `must be a number above -Infinity (got ${hi})`);
      if (lo > hi) issues.add(`l[${i}]`, `lower bound ${lo} exceeds upper bound u[${i}] = ${hi}`);
    }
  }
  issues.throwIfAny();
}

/** Copies a problem so in-place solver updates never alias the caller's arrays. */
export function cloneQpProblem(p: QpProblem): QpProblem {
  const cloneCsc = (M: CscMatrix): CscMatrix => ({
    nRows: M.nRows,
    nCols: M.nCols,
    colPtr: Int32Array.from(M.colPtr),
    rowIdx: Int32Array.from(M.rowIdx),
    values: Float64Array.from(M.values),
  });
  return { n: p.n, m: p.m, P: cloneCsc(p.P), q: Float64Array.from(p.q), r: p.r ?? 0, A: cloneCsc(p.A), l: Float64Array.from(p.l), u: Float64Array.from(p.u) };
}

/** Infinite bounds as JSON null, everything else as plain arrays (MODELS.md §5 form). */
export function qpProblemToJson(p: QpProblem): Record<string, unknown> {
  const csc = (M: CscMatrix) => ({ colPtr: Array.from(M.colPtr), rowIdx: Array.from(M.rowIdx), values: Array.from(M.values) });
  const bound = (v: Float64Array) => Array.from(v, (x) => (Number.isFinite(x) ? x : null));
  return { n: p.n, m: p.m, P: csc(p.P), q: Array.from(p.q), r: p.r ?? 0, A: csc(p.A), l: bound(p.l), u: bound(p.u) };
}
