import type { CscMatrix, QpProblem } from '../types.js';

/** Dense helpers for tiny problems: an independent reference that shares no code with the solvers. */

export function toDense(M: CscMatrix, symmetricUpper = false): number[][] {
  const out = Array.from({ length: M.nRows }, () => new Array<number>(M.nCols).fill(0));
  for (let j = 0; j < M.nCols; j++) {
    for (let k = M.colPtr[j]!; k < M.colPtr[j + 1]!; k++) {
      const i = M.rowIdx[k]!;
      out[i]![j] = M.values[k]!;
      if (symmetricUpper) out[j]![i] = M.values[k]!;
    }
  }
  return out;
}

export function fromDense(rows: number[][], nCols = rows[0]?.length ?? 0, upperOnly = false, nRows = rows.length): CscMatrix {
  const colPtr = [0];
  const rowIdx: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < nCols; j++) {
    for (let i = 0; i < nRows; i++) {
      const v = rows[i]?.[j] ?? 0;
      if (v !== 0 && (!upperOnly || i <= j)) {
        rowIdx.push(i);
        values.push(v);
      }
    }
    colPtr.push(rowIdx.length);
  }
  return { nRows, nCols, colPtr: Int32Array.from(colPtr), rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) };
}

/** A problem from dense data (P given in full, stored as its upper triangle). */
export function denseProblem(P: number[][], q: number[], A: number[][], l: number[], u: number[], r = 0): QpProblem {
  const n = q.length;
  return {
    n,
    m: A.length,
    P: fromDense(P, n, true, n),
    q: Float64Array.from(q),
    r,
    A: fromDense(A, n),
    l: Float64Array.from(l),
    u: Float64Array.from(u),
  };
}

/** Gaussian elimination with partial pivoting; undefined when (numerically) singular. */
export function solveDense(M: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const a = M.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r;
    if (Math.abs(a[piv]![c]!) < 1e-12) return undefined;
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/**
 * Exact optimum of a tiny strictly convex QP by enumerating active sets: every row is
 * inactive, at its lower bound or at its upper bound; each choice is an equality-constrained
 * QP solved by its KKT system; the best primal-feasible, dual-feasible candidate wins.
 * Exponential (3^m): for hand problems only.
 */
export function enumerateActiveSets(p: QpProblem): { x: number[]; y: number[]; objective: number } | undefined {
  const P = toDense(p.P, true);
  const A = toDense(p.A);
  const { n, m } = p;
  let best: { x: number[]; y: number[]; objective: number } | undefined;
  const choice = new Array<number>(m).fill(0);
  const total = 3 ** m;
  for (let code = 0; code < total; code++) {
    let c = code;
    for (let i = 0; i < m; i++) {
      choice[i] = c % 3; // 0 inactive, 1 lower, 2 upper
      c = Math.floor(c / 3);
    }
    const rows = choice.flatMap((ch, i) => (ch === 0 ? [] : [i]));
    if (rows.some((i) => (choice[i] === 1 ? !Number.isFinite(p.l[i]!) : !Number.isFinite(p.u[i]!)))) continue;
    if (rows.some((i) => choice[i] === 2 && p.l[i] === p.u[i])) continue; // count equalities once
    const k = rows.length;
    const K: number[][] = [];
    for (let a = 0; a < n; a++) K.push([...P[a]!, ...rows.map((i) => A[i]![a]!)]);
    for (const i of rows) K.push([...A[i]!, ...new Array<number>(k).fill(0)]);
    const rhs = [...Array.from(p.q, (v) => -v), ...rows.map((i) => (choice[i] === 1 ? p.l[i]! : p.u[i]!))];
    const sol = solveDense(K, rhs);
    if (!sol) continue;
    const x = sol.slice(0, n);
    const y = new Array<number>(m).fill(0);
    rows.forEach((i, t) => (y[i] = sol[n + t]!));
    const feasible = A.every((row, i) => {
      const ax = row.reduce((s, v, j) => s + v * x[j]!, 0);
      return ax >= p.l[i]! - 1e-9 && ax <= p.u[i]! + 1e-9;
    });
    const dualOk = rows.every((i) => p.l[i] === p.u[i] || (choice[i] === 1 ? y[i]! <= 1e-9 : y[i]! >= -1e-9));
    if (!feasible || !dualOk) continue;
    const Px = P.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
    const objective = 0.5 * x.reduce((s, v, j) => s + v * Px[j]!, 0) + x.reduce((s, v, j) => s + v * p.q[j]!, 0) + (p.r ?? 0);
    if (!best || objective < best.objective - 1e-12) best = { x, y, objective };
  }
  return best;
}
