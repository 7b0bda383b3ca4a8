import { describe, expect, it } from 'vitest';
import { generateRandomQp } from '../generators/index.js';
import { amdOrder } from './amd.js';
import { KktSystem } from './kkt.js';
import { SparseLdl } from './ldl.js';

/** 2-D grid Laplacian pattern (upper triangle), a classic where ordering matters. */
function grid(k: number): { n: number; colPtr: Int32Array; rowIdx: Int32Array } {
  const n = k * k;
  const cols: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const v = i * k + j;
      cols[v]!.push(v);
      if (j > 0) cols[v]!.push(v - 1);
      if (i > 0) cols[v]!.push(v - k);
    }
  const colPtr = [0];
  const rowIdx: number[] = [];
  for (const c of cols) {
    rowIdx.push(...c.sort((a, b) => a - b));
    colPtr.push(rowIdx.length);
  }
  return { n, colPtr: Int32Array.from(colPtr), rowIdx: Int32Array.from(rowIdx) };
}

function permutedUpper(g: { n: number; colPtr: Int32Array; rowIdx: Int32Array }, perm: Int32Array) {
  const pinv = new Int32Array(g.n);
  perm.forEach((v, k) => (pinv[v] = k));
  const cols: number[][] = Array.from({ length: g.n }, () => []);
  for (let j = 0; j < g.n; j++)
    for (let p = g.colPtr[j]!; p < g.colPtr[j + 1]!; p++) {
      const a = pinv[g.rowIdx[p]!]!;
      const b = pinv[j]!;
      cols[Math.max(a, b)]!.push(Math.min(a, b));
    }
  const colPtr = [0];
  const rowIdx: number[] = [];
  for (const c of cols) {
    rowIdx.push(...c.sort((x, y) => x - y));
    colPtr.push(rowIdx.length);
  }
  return { colPtr: Int32Array.from(colPtr), rowIdx: Int32Array.from(rowIdx) };
}

describe('AMD ordering and sparse LDLᵀ', () => {
  it('returns a permutation that cuts fill on a grid well below the natural order', () => {
    const g = grid(30);
    const perm = amdOrder(g.n, g.colPtr, g.rowIdx);
    expect([...perm].sort((a, b) => a - b)).toEqual([...Array(g.n).keys()]);
    const natural = new SparseLdl(g.n, g.colPtr, g.rowIdx).nnzL;
    const pu = permutedUpper(g, perm);
    const amd = new SparseLdl(g.n, pu.colPtr, pu.rowIdx).nnzL;
    expect(amd).toBeLessThan(0.6 * natural);
  });

  it('solves a quasi-definite KKT system to machine precision, also after refactoring', () => {
    const p = generateRandomQp({ n: 30, m: 40, seed: 3 });
    const kkt = new KktSystem(p.n, p.m, p.P.colPtr, p.P.rowIdx, p.A.colPtr, p.A.rowIdx);
    for (const rho of [0.1, 10]) {
      const negRhoInv = new Float64Array(p.m).fill(-1 / rho);
      expect(kkt.factorAdmm(p.P.values, 1e-6, p.A.values, p.A.rowIdx, negRhoInv)).toBe(p.n);
      const sol = Float64Array.from({ length: p.n + p.m }, (_, i) => Math.sin(i + 1));
      const rhs = new Float64Array(p.n + p.m);
      // rhs = K sol with K = [P + σI, Aᵀ; A, −I/ρ]
      for (let j = 0; j < p.n; j++) {
        rhs[j]! += 1e-6 * sol[j]!;
        for (let k = p.P.colPtr[j]!; k < p.P.colPtr[j + 1]!; k++) {
          const i = p.P.rowIdx[k]!;
          rhs[i]! += p.P.values[k]! * sol[j]!;
          if (i !== j) rhs[j]! += p.P.values[k]! * sol[i]!;
        }
        for (let k = p.A.colPtr[j]!; k < p.A.colPtr[j + 1]!; k++) {
          const i = p.A.rowIdx[k]!;
          rhs[j]! += p.A.values[k]! * sol[p.n + i]!;
          rhs[p.n + i]! += p.A.values[k]! * sol[j]!;
        }
      }
      for (let i = 0; i < p.m; i++) rhs[p.n + i]! -= sol[p.n + i]! / rho;
      kkt.solve(rhs);
      for (let k = 0; k < p.n + p.m; k++) expect(rhs[k]).toBeCloseTo(sol[k]!, 8);
    }
  });
});
