import { describe, expect, it } from 'vitest';
import { mainThreadHighs } from '../highs/host.js';
import { ModelBuilder } from './builder.js';
import { solveModel } from './solve.js';
import { ipByEnumeration, lpByVertices, rng, solveDense } from './test-support/reference.js';
import type { DenseProblem } from './test-support/reference.js';

const main = { host: mainThreadHighs };

function randomProblem(seed: number, n: number, m: number): DenseProblem {
  const r = rng(seed);
  const int = (a: number, b: number) => a + Math.floor(r() * (b - a + 1));
  const A = Array.from({ length: m }, () => Array.from({ length: n }, () => int(-4, 6)));
  // Bounds around a known lattice point keep the problem feasible.
  const x0 = Array.from({ length: n }, () => int(0, 3));
  const rowLo: number[] = [];
  const rowHi: number[] = [];
  A.forEach((row) => {
    const v = row.reduce((s, a, j) => s + a * x0[j]!, 0);
    const kind = int(0, 2);
    rowLo.push(kind === 1 ? -1e6 : v - int(0, 4));
    rowHi.push(kind === 2 ? 1e6 : v + int(0, 4));
  });
  return {
    c: Array.from({ length: n }, () => int(-5, 5)),
    A,
    rowLo,
    rowHi,
    lo: new Array<number>(n).fill(0),
    hi: new Array<number>(n).fill(4),
  };
}

function build(p: DenseProblem, integer: boolean): ModelBuilder {
  const b = new ModelBuilder();
  p.c.forEach((c, j) => b.addVar({ lower: p.lo[j]!, upper: p.hi[j]!, cost: c, integer }));
  p.A.forEach((row, i) => {
    const idx = row.map((_, j) => j);
    b.addRow(idx, row, p.rowLo[i]! <= -1e6 ? -Infinity : p.rowLo[i]!, p.rowHi[i]! >= 1e6 ? Infinity : p.rowHi[i]!);
  });
  return b;
}

describe('solveModel with HiGHS', () => {
  it('LP optimum equals vertex enumeration on random problems, with consistent duals', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const p = randomProblem(seed, 3, 3);
      const ref = lpByVertices(p);
      const model = build(p, false).build();
      const res = await solveModel(model, main);
      expect(res.status).toBe('optimal');
      expect(res.objective).toBeCloseTo(ref!.value, 7);
      // Duals: c = Aᵀy + z, and the objective equals Σ y·(active row bound) + Σ z·(active col bound).
      const y = res.rowDual!;
      const z = res.colDual!;
      let dualObj = 0;
      for (let j = 0; j < 3; j++) {
        const aty = p.A.reduce((s, row, i) => s + row[j]! * y[i]!, 0);
        expect(aty + z[j]!).toBeCloseTo(p.c[j]!, 7);
        if (Math.abs(z[j]!) > 1e-9) dualObj += z[j]! * res.x[j]!;
      }
      for (let i = 0; i < 3; i++) if (Math.abs(y[i]!) > 1e-9) dualObj += y[i]! * res.rowActivity[i]!;
      expect(dualObj).toBeCloseTo(res.objective, 6);
    }
  });

  it('MIP optimum equals lattice enumeration on random problems', async () => {
    for (let seed = 20; seed < 32; seed++) {
      const p = randomProblem(seed, 4, 3);
      const ref = ipByEnumeration(p)!;
      const res = await solveModel(build(p, true).build(), main);
      expect(res.status).toBe('optimal');
      expect(res.objective).toBeCloseTo(ref.value, 9);
      expect(res.info.mipGap).toBeLessThanOrEqual(1e-6);
      for (const v of res.x) expect(Math.abs(v - Math.round(v))).toBeLessThan(1e-9);
    }
  });

  it('convex QP with equality rows equals the KKT solution', async () => {
    // min ½xᵀQx + cᵀx  s.t. Ex = d, bounds loose: solve [Q Eᵀ; E 0][x; λ] = [−c; d].
    const Q = [
      [4, 1, 0],
      [1, 3, 1],
      [0, 1, 2],
    ];
    const c = [-1, 2, -3];
    const E = [[1, 1, 1]];
    const d = [2];
    const kkt = [
      [...Q[0]!, E[0]![0]!],
      [...Q[1]!, E[0]![1]!],
      [...Q[2]!, E[0]![2]!],
      [...E[0]!, 0],
    ];
    const sol = solveDense(kkt, [...c.map((v) => -v), ...d])!;
    const xs = sol.slice(0, 3);
    const refObj =
      0.5 * xs.reduce((s, xi, i) => s + xi * Q[i]!.reduce((t, q, j) => t + q * xs[j]!, 0), 0) +
      c.reduce((s, ci, i) => s + ci * xs[i]!, 0);
    const b = new ModelBuilder();
    c.forEach((ci) => b.addVar({ lower: -100, upper: 100, cost: ci }));
    for (let i = 0; i < 3; i++) for (let j = i; j < 3; j++) if (Q[i]![j]) b.addQuadratic(i, j, Q[i]![j]!);
    b.addRow([0, 1, 2], [1, 1, 1], 2, 2);
    const res = await solveModel(b.build(), main);
    expect(res.status).toBe('optimal');
    expect(res.objective).toBeCloseTo(refObj, 6);
    res.x.forEach((v, i) => expect(v).toBeCloseTo(xs[i]!, 5));
  });

  it('maximisation, offsets and an empty model', async () => {
    const b = new ModelBuilder({ sense: 'maximize' });
    b.addVar({ upper: 3, cost: 2 });
    b.setOffset(10);
    const res = await solveModel(b.build(), main);
    expect(res.objective).toBeCloseTo(16, 12);
    const empty = await solveModel(new ModelBuilder().setOffset(1.5).build(), main);
    expect(empty.status).toBe('optimal');
    expect(empty.x.length).toBe(0);
  });

  it('reports infeasible and unbounded as statuses', async () => {
    const inf = new ModelBuilder();
    inf.addVars(2, { upper: 1 });
    inf.addRow([0, 1], [1, 1], 3, Infinity);
    const r1 = await solveModel(inf.build(), main);
    expect(r1.status).toBe('infeasible');
    expect(r1.hasSolution).toBe(false);
    const unb = new ModelBuilder();
    unb.addVar({ lower: -Infinity, cost: 1 });
    const r2 = await solveModel(unb.build(), { ...main, presolve: false });
    expect(['unbounded', 'infeasible_or_unbounded']).toContain(r2.status);
  });

  it("the 'qp' solver (OSQP algorithm) agrees with HiGHS on the same model: LPs, a maximisation and a QP", async () => {
    const qp = { solver: 'qp' as const, thread: 'main' as const, qp: { epsAbs: 1e-9, epsRel: 1e-9, polish: true, maxIter: 200_000 } };
    const models = [1, 2, 3].map((seed) => build(randomProblem(seed, 3, 3), false).build());
    const mx = new ModelBuilder({ sense: 'maximize' });
    mx.addVars(2, { upper: 4 });
    mx.setCost(0, 1).setCost(1, 2).setOffset(3);
    mx.addRow([0, 1], [1, 1], -Infinity, 5);
    mx.addQuadratic(0, 0, -1).addQuadratic(1, 1, -2).addQuadratic(0, 1, 0.5);
    models.push(mx.build());
    for (const m of models) {
      const h = await solveModel(m, main);
      const o = await solveModel(m, qp);
      expect(o.status).toBe('optimal');
      expect(o.info.solver).toBe('qp');
      expect(Math.abs(o.objective - h.objective) / Math.max(1, Math.abs(h.objective))).toBeLessThan(1e-6);
      o.x.forEach((v, j) => expect(v).toBeCloseTo(h.x[j]!, 4));
      if (!m.Q) o.rowDual!.forEach((v, i) => expect(v).toBeCloseTo(h.rowDual![i]!, 4));
    }
    const int = new ModelBuilder();
    int.addVar({ integer: true, upper: 2 });
    await expect(solveModel(int.build(), qp)).rejects.toThrow(/continuous/);
  });
});
