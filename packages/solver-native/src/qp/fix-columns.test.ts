import { describe, expect, it } from 'vitest';
import { evaluateQpObjective, validateQpSolution } from './check.js';
import { ColumnFixing } from './fix-columns.js';
import { generateRandomQp } from './generators/random-qp.js';
import { resolveQpSettings } from './settings.js';
import { createTsQpWorkspace } from './ts/index.js';
import type { CscMatrix, QpProblem } from './types.js';

const TIGHT = resolveQpSettings({ method: 'ipm', epsAbs: 1e-10, epsRel: 1e-10, polish: true });
const solve = (p: QpProblem) => {
  const ws = createTsQpWorkspace(p, TIGHT);
  try {
    return ws.solve();
  } finally {
    ws.dispose();
  }
};

/** A random QP with an identity row per variable carrying the box [−box, box] (the engine's form). */
function boxedQp(n: number, m: number, seed: number, box = 0.2): QpProblem {
  const p = generateRandomQp({ n, m, seed, density: 0.3 });
  const A = p.A;
  const colPtr = new Int32Array(n + 1);
  const rowIdx: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let k = A.colPtr[j]!; k < A.colPtr[j + 1]!; k++) {
      rowIdx.push(A.rowIdx[k]!);
      values.push(A.values[k]!);
    }
    rowIdx.push(m + j);
    values.push(1);
    colPtr[j + 1] = rowIdx.length;
  }
  const boxA: CscMatrix = { nRows: m + n, nCols: n, colPtr, rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) };
  const l = new Float64Array(m + n);
  const u = new Float64Array(m + n);
  l.set(p.l);
  u.set(p.u);
  l.fill(-box, m);
  u.fill(box, m);
  // Pull x towards the box corners so that many bounds bind.
  const q = Float64Array.from(p.q, (v) => 5 * v);
  return { ...p, m: m + n, A: boxA, l, u, q };
}

describe('ColumnFixing', () => {
  it('fixing the columns that sit at a bound gives back the full optimum, multipliers completed', () => {
    const p = boxedQp(30, 20, 11);
    const full = solve(p);
    expect(full.status).toBe('solved');
    const atBound: number[] = [];
    const values: number[] = [];
    for (let j = 0; j < p.n; j++) {
      const row = p.m - p.n + j;
      for (const b of [p.l[row]!, p.u[row]!]) {
        if (Math.abs(full.x[j]! - b) < 1e-7 && Math.abs(full.y[row]!) > 1e-6) {
          atBound.push(j);
          values.push(b);
        }
      }
    }
    expect(atBound.length).toBeGreaterThan(4);
    const fixing = new ColumnFixing(p, Int32Array.from(atBound));
    const reduced = fixing.reduce(p, Float64Array.from(values));
    expect(reduced.brokenRows.length).toBe(0);
    expect(reduced.problem.n).toBe(p.n - atBound.length);
    // The identity rows of the fixed columns have no free column left.
    expect(fixing.droppedRows.length).toBe(atBound.length);
    const r = solve(reduced.problem);
    expect(r.status).toBe('solved');
    const ex = fixing.expand(p, reduced, r.x, r.y, 1e-7);
    expect(Array.from(ex.objecting)).toEqual([]);
    const check = validateQpSolution(p, ex.x, ex.y, { epsAbs: 1e-7, epsRel: 1e-7, epsInf: 1e-6 });
    expect(check.reasons).toEqual([]);
    expect(evaluateQpObjective(p, ex.x)).toBeCloseTo(full.info.objective, 7);
    // The completed multipliers are the bound multipliers of the full solve.
    for (const j of atBound) expect(ex.y[p.m - p.n + j]!).toBeCloseTo(full.y[p.m - p.n + j]!, 5);
  });

  it('a column held where it does not belong objects, and freeing it recovers the optimum', () => {
    const p = boxedQp(30, 20, 12);
    const full = solve(p);
    let j = -1;
    for (let c = 0; c < p.n && j < 0; c++) if (Math.abs(full.x[c]!) < 0.15 && Math.abs(full.x[c]!) > 1e-3) j = c;
    expect(j).toBeGreaterThanOrEqual(0);
    // Held at the opposite bound from where the optimum has it.
    const wrong = full.x[j]! > 0 ? -0.2 : 0.2;
    const fixing = new ColumnFixing(p, Int32Array.of(j));
    const reduced = fixing.reduce(p, Float64Array.of(wrong));
    const r = solve(reduced.problem);
    const ex = fixing.expand(p, reduced, r.x, r.y, 1e-7);
    expect(Array.from(ex.objecting)).toEqual([j]);
    expect(ex.objection[0]!).toBeGreaterThan(1e-4);
    expect(evaluateQpObjective(p, ex.x)).toBeGreaterThan(full.info.objective + 1e-6);
  });

  it('reduces a problem with new values to the same pattern, with the fixed part moved into q, r and the bounds', () => {
    const p = boxedQp(25, 15, 13);
    const cols = Int32Array.of(0, 3, 4, 9, 17, 24);
    const fixing = new ColumnFixing(p, cols);
    const a = fixing.reduce(p, Float64Array.of(0.1, -0.2, 0.05, 0, 0.2, -0.1));
    const p2: QpProblem = { ...p, q: Float64Array.from(p.q, (v, i) => v + 0.01 * i), l: Float64Array.from(p.l, (v) => v - 0.01), P: { ...p.P, values: Float64Array.from(p.P.values, (v) => 1.1 * v) } };
    const vals = Float64Array.of(0.12, -0.18, 0.0, 0.01, 0.19, -0.11);
    const b = fixing.reduce(p2, vals);
    expect(b.problem.A.colPtr).toBe(a.problem.A.colPtr);
    expect(b.problem.A.rowIdx).toBe(a.problem.A.rowIdx);
    expect(b.problem.P.rowIdx).toBe(a.problem.P.rowIdx);
    // For any point of the reduced problem, the full objective and rows agree with the reduced ones.
    const xr = Float64Array.from({ length: b.problem.n }, (_, i) => Math.sin(i + 1) / 4);
    const x = new Float64Array(p.n);
    fixing.keptCols.forEach((c, t) => (x[c] = xr[t]!));
    cols.forEach((c, k) => (x[c] = vals[k]!));
    expect(evaluateQpObjective(b.problem, xr)).toBeCloseTo(evaluateQpObjective(p2, x), 10);
    const ax = (M: CscMatrix, v: Float64Array) => {
      const out = new Float64Array(M.nRows);
      for (let j = 0; j < M.nCols; j++) for (let k = M.colPtr[j]!; k < M.colPtr[j + 1]!; k++) out[M.rowIdx[k]!]! += M.values[k]! * v[j]!;
      return out;
    };
    const full = ax(p2.A, x);
    const red = ax(b.problem.A, xr);
    fixing.keptRows.forEach((row, t) => {
      expect(full[row]! - p2.l[row]!).toBeCloseTo(red[t]! - b.problem.l[t]!, 12);
      expect(p2.u[row]! - full[row]!).toBeCloseTo(b.problem.u[t]! - red[t]!, 12);
    });
    fixing.droppedRows.forEach((row, d) => expect(b.droppedActivity[d]!).toBeCloseTo(full[row]!, 12));
  });

  it('lists the dropped rows a fixed value breaks, and refuses bad input', () => {
    const p = boxedQp(10, 5, 14);
    const fixing = new ColumnFixing(p, Int32Array.of(2, 7));
    const reduced = fixing.reduce(p, Float64Array.of(0.5, 0));
    expect(Array.from(reduced.brokenRows)).toEqual([p.m - p.n + 2]);
    expect(() => new ColumnFixing(p, Int32Array.of(3, 3))).toThrow(/cols\[1\]/);
    expect(() => new ColumnFixing(p, Int32Array.of(10))).toThrow(/out of range/);
    expect(() => fixing.reduce(p, Float64Array.of(0))).toThrow(/2 fixed columns but 1 values/);
    expect(() => fixing.reduce(p, Float64Array.of(0, NaN))).toThrow(/values\[1\]/);
    expect(() => fixing.reduce(boxedQp(11, 5, 14), Float64Array.of(0, 0))).toThrow(/pattern/);
  });
});
