import { describe, expect, it } from 'vitest';
import { nativeStatus } from '../../../native/index.js';
import { createQpWorkspace } from '../../index.js';
import { resolveQpSettings } from '../../settings.js';
import type { QpProblem, QpSettings } from '../../types.js';
import { createTsQpWorkspace } from '../index.js';
import { keepsPsd } from './workspace.js';
import type { Iterate } from './point.js';
import type { RowClasses } from './rows.js';

/**
 * min ½xᵀ(I + 11ᵀ)x + qᵀx, −1 ≤ x ≤ 1 with |q| large: every bound is active, and flipping the
 * sign of q swaps every active side, so a warm start at the old optimum is blocked at once.
 */
function boxProblem(n: number, sign: number): QpProblem {
  const colPtr = new Int32Array(n + 1);
  const rowIdx: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      rowIdx.push(i);
      values.push(i === j ? 2 : 1);
    }
    colPtr[j + 1] = rowIdx.length;
  }
  const q = Float64Array.from({ length: n }, (_, j) => sign * (j % 2 === 0 ? 30 + j : -30 - j));
  return {
    n,
    m: n,
    P: { nRows: n, nCols: n, colPtr, rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) },
    q,
    A: { nRows: n, nCols: n, colPtr: Int32Array.from({ length: n + 1 }, (_, j) => j), rowIdx: Int32Array.from({ length: n }, (_, i) => i), values: new Float64Array(n).fill(1) },
    l: new Float64Array(n).fill(-1),
    u: new Float64Array(n).fill(1),
  };
}

const SETTINGS: Partial<QpSettings> = { method: 'ipm', epsAbs: 1e-8, epsRel: 1e-8, polish: true, warmStart: true };
const backends = [{ name: 'ts', create: (p: QpProblem, s: Partial<QpSettings> = SETTINGS) => createTsQpWorkspace(p, resolveQpSettings(s)) }];
if (nativeStatus().available) backends.push({ name: 'native', create: (p: QpProblem, s: Partial<QpSettings> = SETTINGS) => createQpWorkspace(p, s, { backend: 'native' }) });

describe('interior point: warm starts', () => {
  for (const b of backends) {
    it(`${b.name}: a start blocked by a moved active set falls back instead of crawling`, () => {
      const n = 40;
      const ws = b.create(boxProblem(n, 1));
      expect(ws.solve().status).toBe('solved');
      const flipped = boxProblem(n, -1);
      ws.updateQ(flipped.q);
      const warm = ws.solve();
      ws.dispose();
      const fresh = b.create(flipped);
      const ref = fresh.solve();
      fresh.dispose();
      expect(ref.status).toBe('solved');
      expect(warm.status).toBe('solved');
      expect(Math.abs(warm.objective - ref.objective)).toBeLessThan(1e-6 * (1 + Math.abs(ref.objective)));
      for (let j = 0; j < n; j++) expect(Math.abs(warm.x[j]! - ref.x[j]!)).toBeLessThan(1e-6);
      // at most two fallbacks (snapshot → loose snapshot → cold start), each within 3 steps;
      // without them the warm start crawled for 32 iterations
      expect(warm.info.iterations).toBeLessThanOrEqual(ref.info.iterations + 6);
      // warmFallback off: the same warm start stays and crawls (still solved, same answer)
      const off = b.create(boxProblem(n, 1), { ...SETTINGS, warmFallback: false });
      off.solve();
      off.updateQ(flipped.q);
      const crawl = off.solve();
      off.dispose();
      expect(crawl.status).toBe('solved');
      expect(Math.abs(crawl.objective - ref.objective)).toBeLessThan(1e-6 * (1 + Math.abs(ref.objective)));
      expect(crawl.info.iterations).toBeGreaterThan(warm.info.iterations + 10);
    });
  }
});

/** A random convex QP (P = MᵀM + 0.1I, sparse A, one- and two-sided rows), xorshift-seeded. */
function randomProblem(n: number, m: number, seed: number): QpProblem {
  let state = BigInt(seed);
  const mask = (1n << 64n) - 1n;
  const rnd = () => {
    state ^= (state << 13n) & mask;
    state ^= state >> 7n;
    state ^= (state << 17n) & mask;
    return Number(state % 20001n) / 10000 - 1;
  };
  const md = Array.from({ length: n }, () => Array.from({ length: n }, rnd));
  const ad = Array.from({ length: m }, () => Array.from({ length: n }, () => (rnd() > 0.2 ? rnd() : 0)));
  const csc = (rows: number, cell: (i: number, j: number) => number, upper: boolean) => {
    const colPtr = new Int32Array(n + 1);
    const rowIdx: number[] = [];
    const values: number[] = [];
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < (upper ? j + 1 : rows); i++) {
        const v = cell(i, j);
        if (v !== 0) {
          rowIdx.push(i);
          values.push(v);
        }
      }
      colPtr[j + 1] = rowIdx.length;
    }
    return { nRows: rows, nCols: n, colPtr, rowIdx: Int32Array.from(rowIdx), values: Float64Array.from(values) };
  };
  const pCell = (i: number, j: number) => md.reduce((acc, r) => acc + r[i]! * r[j]!, 0) + (i === j ? 0.1 : 0);
  const l = Float64Array.from({ length: m }, (_, i) => (i % 4 === 0 ? -Infinity : -1 - Math.abs(rnd())));
  const u = Float64Array.from({ length: m }, (_, i) => (i % 5 === 1 ? Infinity : 1 + Math.abs(rnd())));
  return { n, m, P: csc(n, pCell, true), q: Float64Array.from({ length: n }, () => 30 * rnd()), A: csc(m, (i, j) => ad[i]![j]!, false), l, u };
}

describe('interior point: the snapshot', () => {
  for (const b of backends) {
    it(`${b.name}: a warm re-solve of unchanged data replays the cold path (same answer to the bit, fewer steps)`, () => {
      // The snapshot keeps the regularisation of its next step; restarting at the initial one
      // took another path to an answer ~1e-13 away.
      const ws = b.create(randomProblem(30, 60, 777), { ...SETTINGS, epsAbs: 1e-9, epsRel: 1e-9 });
      const cold = ws.solve();
      const x0 = Float64Array.from(cold.x);
      const coldIterations = cold.info.iterations;
      const warm = ws.solve();
      ws.dispose();
      expect(cold.status).toBe('solved');
      expect(warm.status).toBe('solved');
      expect(warm.info.iterations).toBeLessThan(coldIterations);
      expect(Array.from(warm.x)).toEqual(Array.from(x0));
    });
  }
});

describe('interior point: a blocked start from the snapshot', () => {
  it('ts: re-centres first (σ = 1), so the next snapshot keeps its μ instead of drifting deeper', () => {
    // Flipping one q entry moves one bound to the other side: the first affine step from the
    // snapshot is ~0.48 (< RECENTRE_STEP). White-box: reads the private snapshot (the Rust twin's
    // unit test checks the native side the same way).
    const ws = createTsQpWorkspace(boxProblem(20, 1), resolveQpSettings({ ...SETTINGS, warmFallback: false }));
    const inner = ws as unknown as { snapshot: Iterate; rows: RowClasses };
    expect(ws.solve().status).toBe('solved');
    const before = inner.snapshot.mu(inner.rows);
    const q = Float64Array.from(boxProblem(20, 1).q);
    q[0] = -q[0]!;
    ws.updateQ(q);
    expect(ws.solve().status).toBe('solved');
    const after = inner.snapshot.mu(inner.rows);
    ws.dispose();
    expect(after).toBeGreaterThanOrEqual(0.8 * before);
    expect(after).toBeLessThanOrEqual(before);
  });
});

/** P = [[2, 1], [1, 2]] ⊕ [3] (x₂'s column alone), rows x₀ + x₁ ∈ [−1, 1] and x₂ ∈ [0, 2]. */
function blockProblem(pValues: number[]): QpProblem {
  return {
    n: 3,
    m: 2,
    P: { nRows: 3, nCols: 3, colPtr: Int32Array.from([0, 1, 3, 4]), rowIdx: Int32Array.from([0, 0, 1, 2]), values: Float64Array.from(pValues) },
    q: Float64Array.from([-1, 0.5, -2]),
    A: { nRows: 2, nCols: 3, colPtr: Int32Array.from([0, 1, 2, 3]), rowIdx: Int32Array.from([0, 0, 1]), values: Float64Array.from([1, 1, 1]) },
    l: Float64Array.from([-1, 0]),
    u: Float64Array.from([1, 2]),
  };
}

describe('interior point: P value updates', () => {
  it('keepsPsd: only diagonal changes that cannot break semidefiniteness pass', () => {
    const p = blockProblem([2, 1, 2, 3]).P;
    const check = (v: number[]) => keepsPsd(3, p.colPtr, p.rowIdx, p.values, Float64Array.from(v));
    expect(check([2, 1, 2, 3])).toBe(true); // nothing changed
    expect(check([2.5, 1, 2.1, 0.5])).toBe(true); // coupled diagonals up, the lone one down to ≥ 0
    expect(check([2, 1, 2, 0])).toBe(true);
    expect(check([1.9, 1, 2, 3])).toBe(false); // a coupled diagonal down: needs the factorisation
    expect(check([2, 1.1, 2, 3])).toBe(false); // an off-diagonal entry
    expect(check([2, 1, 2, -1e-12])).toBe(false); // the lone one below zero
  });

  for (const b of backends) {
    it(`${b.name}: an update that keeps P PSD solves as a fresh workspace would; any other is still checked`, () => {
      const ws = b.create(blockProblem([2, 1, 2, 3]));
      expect(ws.solve().status).toBe('solved');
      ws.updatePValues(Float64Array.from([2.5, 1, 2, 0.5]));
      const warm = ws.solve();
      const fresh = b.create(blockProblem([2.5, 1, 2, 0.5]));
      const cold = fresh.solve();
      expect(warm.status).toBe('solved');
      expect(Math.abs(warm.objective - cold.objective)).toBeLessThan(1e-8);
      expect(() => ws.updatePValues(Float64Array.from([0.4, 1, 2, 0.5]))).toThrow(/semidefinite/);
      expect(() => ws.updatePValues(Float64Array.from([2.5, 1, 2, -1]))).toThrow(/semidefinite/);
      expect(Math.abs(ws.solve().objective - warm.objective)).toBeLessThan(1e-9);
      ws.dispose();
      fresh.dispose();
    });
  }
});
