import { describe, expect, it } from 'vitest';
import { validateQpProblem } from '../problem.js';
import { generatePortfolioQp } from './portfolio.js';

describe('generatePortfolioQp', () => {
  it('is seeded, valid, and feasible at the current portfolio x0', () => {
    const a = generatePortfolioQp({ assets: 60, factors: 5, sectors: 4, seed: 3 });
    const b = generatePortfolioQp({ assets: 60, factors: 5, sectors: 4, seed: 3 });
    expect(Array.from(a.problem.q)).toEqual(Array.from(b.problem.q));
    const { problem: p, layout: L } = a;
    validateQpProblem(p);
    expect([p.n, p.m]).toEqual([3 * 60 + 5, 5 * 60 + 2 * 5 + 4 + 3]);
    // The point (x = W·x0, f = Bᵀx0, t = 0, s = |x|) satisfies every row.
    const W = L.weightUnit;
    const v = new Float64Array(p.n);
    for (let i = 0; i < L.assets; i++) {
      v[L.x + i] = W * L.x0[i]!;
      v[L.s + i] = Math.abs(W * L.x0[i]!);
    }
    // f from the factor rows themselves: row j reads Σ Bᵢⱼxᵢ/W − fⱼ, so solve for fⱼ.
    const ax = new Float64Array(p.m);
    const mul = () => {
      ax.fill(0);
      for (let j = 0; j < p.n; j++) for (let k = p.A.colPtr[j]!; k < p.A.colPtr[j + 1]!; k++) ax[p.A.rowIdx[k]!]! += p.A.values[k]! * v[j]!;
    };
    mul();
    for (let j = 0; j < L.factors; j++) v[L.f + j] = ax[j]!;
    mul();
    for (let i = 0; i < p.m; i++) {
      const tol = 1e-9 * (1 + Math.abs(ax[i]!));
      expect(ax[i]!).toBeGreaterThanOrEqual(p.l[i]! - tol);
      expect(ax[i]!).toBeLessThanOrEqual(p.u[i]! + tol);
    }
  });
});
