import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import {
  validatePrimalInfeasibilityCertificate,
  validateDualInfeasibilityCertificate,
  validateQpResult,
  validateQpSolution,
  evaluateQpObjective,
} from './check.js';
import { generateHuber, generateLasso, generateRandomQp } from './generators/index.js';
import { cloneQpProblem } from './problem.js';
import { resolveQpSettings } from './settings.js';
import { denseProblem, enumerateActiveSets } from './test-support/dense-qp.js';
import { solveWithHighs } from './test-support/highs-reference.js';
import type { QpMethod, QpProblem, QpSettings, QpWorkspace } from './types.js';

/**
 * One conformance suite for every QP backend (Hono's common.case.test.ts pattern): each
 * backend's test file calls `runQpConformance` with its factory. References are computed
 * independently (closed forms, active-set enumeration, HiGHS), and every claimed status is
 * re-checked from the raw problem by check.ts.
 */
export interface QpBackendUnderTest {
  readonly name: string;
  /** The algorithm under test (default `admm`): every solve's settings carry it. */
  readonly method?: QpMethod;
  createWorkspace(problem: QpProblem, settings: QpSettings): QpWorkspace;
}

const TIGHT = { epsAbs: 1e-9, epsRel: 1e-9, polish: true, maxIter: 20000 } as const;
const CHECK = { epsAbs: 1e-6, epsRel: 1e-6, epsInf: 1e-4 };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? d : Infinity;
}

/** min ½‖x‖² − 1ᵀx s.t. x₁ + x₂ ≤ 1: x = (½, ½), y = ½, objective −¾. */
const simplexCut = () => denseProblem([[1, 0], [0, 1]], [-1, -1], [[1, 1]], [-Infinity], [1]);

/** A 3-variable QP with equality, two-sided and one-sided rows (optimum by enumeration). */
const mixedRows = () =>
  denseProblem(
    [
      [4, 1, 0],
      [1, 2, 0.5],
      [0, 0.5, 3],
    ],
    [-1, 2, -3],
    [
      [1, 1, 1],
      [1, -1, 0],
      [0, 1, 2],
      [1, 0, 0],
    ],
    [1, -0.5, -Infinity, -1],
    [1, 0.3, 1.5, 0.1],
    2.5,
  );

export function runQpConformance(under: QpBackendUnderTest): void {
  const method = under.method ?? 'admm';
  const backend = { ...under, createWorkspace: (p: QpProblem, s: QpSettings) => under.createWorkspace(p, resolveQpSettings({ ...s, method })) };
  const solve = (p: QpProblem, s: Partial<QpSettings> = TIGHT) => {
    const ws = backend.createWorkspace(p, resolveQpSettings(s));
    const r = ws.solve();
    ws.dispose();
    return r;
  };

  describe(`QP conformance: ${backend.name}${method === 'admm' ? '' : ` (${method})`}`, () => {
    it('solves a tiny QP with a known closed-form optimum and reports its backend', () => {
      const r = solve(simplexCut());
      expect(r.status).toBe('solved');
      expect(r.info.backend).toBe(backend.name);
      expect(r.info.method).toBe(method);
      expect(maxAbsDiff(r.x, [0.5, 0.5])).toBeLessThan(1e-7);
      expect(maxAbsDiff(r.y, [0.5])).toBeLessThan(1e-7);
      expect(r.objective).toBeCloseTo(-0.75, 9);
      expect(validateQpResult(simplexCut(), r, CHECK).verified).toBe(true);
    });

    it('matches active-set enumeration on a mixed problem, objective including r', () => {
      const p = mixedRows();
      const ref = enumerateActiveSets(p)!;
      const r = solve(p);
      expect(r.status).toBe('solved');
      expect(maxAbsDiff(r.x, ref.x)).toBeLessThan(1e-6);
      expect(maxAbsDiff(r.y, ref.y)).toBeLessThan(1e-6);
      expect(r.objective).toBeCloseTo(ref.objective, 7);
      expect(validateQpSolution(p, r.x, r.y, CHECK).ok).toBe(true);
    });

    it('solves an equality-constrained QP (KKT solution by dense elimination)', () => {
      // min ½xᵀPx + qᵀx s.t. x₁ + x₂ + x₃ = 3, x₁ − x₃ = 0
      const p = denseProblem(
        [
          [2, 0, 0],
          [0, 1, 0],
          [0, 0, 3],
        ],
        [1, -1, 0],
        [
          [1, 1, 1],
          [1, 0, -1],
        ],
        [3, 0],
        [3, 0],
      );
      const ref = enumerateActiveSets(p)!;
      const r = solve(p);
      expect(r.status).toBe('solved');
      expect(maxAbsDiff(r.x, ref.x)).toBeLessThan(1e-7);
      expect(r.objective).toBeCloseTo(ref.objective, 8);
    });

    it('solves a bounds-only problem: x = clip(−q/p, l, u)', () => {
      const diag = [1, 2, 4, 0.5, 3];
      const q = [-3, 1, 0.2, 2, -1];
      const lo = [-1, -1, -1, -1, 0.5];
      const hi = [1, 1, 1, 10, 2];
      const P = diag.map((d, i) => diag.map((_, j) => (i === j ? d : 0)));
      const I = diag.map((_, i) => diag.map((__, j) => (i === j ? 1 : 0)));
      const r = solve(denseProblem(P, q, I, lo, hi));
      const expected = diag.map((d, i) => Math.min(Math.max(-q[i]! / d, lo[i]!), hi[i]!));
      expect(r.status).toBe('solved');
      expect(maxAbsDiff(r.x, expected)).toBeLessThan(1e-7);
    });

    it('solves an LP (P = 0) at its vertex', () => {
      // min −x₁ − 2x₂ s.t. x₁ + x₂ ≤ 4, 0 ≤ x₁ ≤ 3, 0 ≤ x₂ ≤ 3 → (1, 3), −7
      const p = denseProblem([], [-1, -2], [[1, 1], [1, 0], [0, 1]], [-Infinity, 0, 0], [4, 3, 3]);
      const r = solve(p);
      expect(r.status).toBe('solved');
      expect(maxAbsDiff(r.x, [1, 3])).toBeLessThan(1e-6);
      expect(r.objective).toBeCloseTo(-7, 6);
      expect(validateQpResult(p, r, CHECK).verified).toBe(true);
    });

    it('detects primal infeasibility with a valid certificate', () => {
      // x₁ + x₂ ≥ 3 with x₁ ≤ 1, x₂ ≤ 1
      const p = denseProblem([[1, 0], [0, 1]], [0, 0], [[1, 1], [1, 0], [0, 1]], [3, -Infinity, -Infinity], [Infinity, 1, 1]);
      const r = solve(p, { polish: true });
      expect(r.status).toBe('primal_infeasible');
      expect(r.x).toHaveLength(0);
      const cert = r.primalInfeasibilityCertificate!;
      expect(validatePrimalInfeasibilityCertificate(p, cert, 1e-4)).toEqual({ ok: true, reasons: [] });
      expect(validateQpResult(p, r, CHECK).verified).toBe(true);
    });

    it('detects dual infeasibility (unboundedness) with a valid certificate', () => {
      // min −x₁ + x₂² s.t. x₁ ≥ 0, −1 ≤ x₂ ≤ 1
      const p = denseProblem([[0, 0], [0, 2]], [-1, 0], [[1, 0], [0, 1]], [0, -1], [Infinity, 1]);
      const r = solve(p, {});
      expect(r.status).toBe('dual_infeasible');
      const cert = r.dualInfeasibilityCertificate!;
      expect(validateDualInfeasibilityCertificate(p, cert, 1e-4)).toEqual({ ok: true, reasons: [] });
      expect(cert[0]).toBeGreaterThan(0);
    });

    it('re-solves after updating q, bounds, P values and A values exactly as a fresh solve does', () => {
      const base = generateRandomQp({ n: 12, m: 18, seed: 11 });
      const ws = backend.createWorkspace(cloneQpProblem(base), resolveQpSettings(TIGHT));
      expect(ws.solve().status).toBe('solved');

      const next = cloneQpProblem(base);
      next.q.forEach((v, i) => (next.q[i] = v + 0.3 * Math.sin(i)));
      for (let i = 0; i < next.m; i++) {
        next.l[i] = next.l[i]! - 0.1 * (i % 3);
        next.u[i] = i % 5 === 0 ? Infinity : next.u[i]! + 0.05 * (i % 2);
      }
      next.P.values.forEach((v, k) => (next.P.values[k] = v * 1.3));
      next.A.values.forEach((v, k) => (next.A.values[k] = v * (1 + 0.1 * Math.cos(k))));
      ws.updateQ(next.q);
      ws.updateBounds(next.l, next.u);
      ws.updatePValues(next.P.values);
      ws.updateAValues(next.A.values);
      const updated = ws.solve();
      const fresh = solve(next);
      expect(updated.status).toBe('solved');
      expect(fresh.status).toBe('solved');
      expect(maxAbsDiff(updated.x, fresh.x)).toBeLessThan(1e-6);
      expect(updated.objective).toBeCloseTo(fresh.objective, 7);
      expect(validateQpResult(next, updated, CHECK).verified).toBe(true);
      ws.dispose();
    });

    it('warm start after a small change of q takes fewer iterations than a cold start', () => {
      const base = generateRandomQp({ n: 40, m: 60, seed: 5 });
      const settings = resolveQpSettings({ epsAbs: 1e-5, epsRel: 1e-5, polish: false, adaptiveRho: false });
      const ws = backend.createWorkspace(cloneQpProblem(base), settings);
      expect(ws.solve().status).toBe('solved');
      const q = Float64Array.from(base.q, (v, i) => v + 1e-3 * Math.cos(i));
      ws.updateQ(q);
      const warm = ws.solve();
      const coldProblem = { ...cloneQpProblem(base), q };
      const cold = solve(coldProblem, { ...settings, warmStart: false });
      expect(warm.status).toBe('solved');
      expect(cold.status).toBe('solved');
      expect(warm.info.iterations).toBeLessThan(cold.info.iterations);
      // an explicit warm start from the cold solution also converges at once (ADMM: by its
      // first termination check; the interior point: within a few Newton steps)
      const ws2 = backend.createWorkspace(coldProblem, settings);
      ws2.warmStart(cold.x, cold.y);
      expect(ws2.solve().info.iterations).toBeLessThanOrEqual(method === 'ipm' ? 6 : settings.checkTermination);
      ws.dispose();
      ws2.dispose();
    });

    it('reports max_iter_reached and time_limit_reached', () => {
      const p = generateLasso({ n: 20, seed: 7 });
      const r = solve(p, { maxIter: 3, checkTermination: 1, epsAbs: 1e-9, epsRel: 1e-9 });
      expect(r.status).toBe('max_iter_reached');
      expect(r.info.iterations).toBe(3);
      expect(r.x).toHaveLength(p.n);
      const t = solve(generateHuber({ n: 20, seed: 8 }), { timeLimitSec: 1e-6, maxIter: 100000, epsAbs: 1e-12, epsRel: 1e-12, polish: false });
      expect(t.status).toBe('time_limit_reached');
    });

    it('rejects bad input before any work, naming the paths', () => {
      const good = simplexCut();
      const reject = (p: QpProblem): string[] => {
        try {
          backend.createWorkspace(p, resolveQpSettings({}));
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return (e as InputError).issues.map((i) => i.path);
        }
        throw new Error('accepted bad input');
      };
      expect(reject({ ...good, q: Float64Array.of(1, NaN) })).toContain('q[1]');
      expect(reject({ ...good, l: Float64Array.of(2), u: Float64Array.of(1) })).toContain('l[0]');
      expect(reject({ ...good, q: Float64Array.of(1) })).toContain('q');
      expect(reject({ ...good, A: { ...good.A, rowIdx: Int32Array.of(0, 3) } })).toContain('A.rowIdx[1]');
      const unsorted = denseProblem([[1, 0], [0, 1]], [0, 0], [[1, 0], [1, 0]], [0, 0], [1, 1]);
      expect(reject({ ...unsorted, A: { ...unsorted.A, rowIdx: Int32Array.of(1, 0) } })).toContain('A.rowIdx[1]');
      const lower = { nRows: 2, nCols: 2, colPtr: Int32Array.of(0, 2, 3), rowIdx: Int32Array.of(0, 1, 1), values: Float64Array.of(1, 0.5, 1) };
      expect(reject({ ...good, P: lower })).toContain('P');
      expect(reject({ ...good, A: { ...good.A, colPtr: Int32Array.of(0, 1) } })).toContain('A.colPtr');
    });

    it('matches HiGHS on small random QP, Lasso and Huber problems', async () => {
      const problems = [
        generateRandomQp({ n: 15, seed: 21 }),
        generateRandomQp({ n: 25, m: 15, seed: 22 }),
        generateRandomQp({ n: 30, m: 45, density: 0.3, seed: 23 }),
        generateLasso({ n: 6, seed: 24 }),
        generateHuber({ n: 6, seed: 25 }),
      ];
      for (const p of problems) {
        const ref = await solveWithHighs(p);
        expect(ref.status).toBe('optimal');
        const r = solve(p, { epsAbs: 1e-8, epsRel: 1e-8, polish: true });
        expect(r.status).toBe('solved');
        expect(Math.abs(r.objective - ref.objective)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref.objective)));
        expect(Math.abs(evaluateQpObjective(p, r.x) - r.objective)).toBeLessThan(1e-9 * Math.max(1, Math.abs(r.objective)));
        expect(validateQpResult(p, r, CHECK).verified).toBe(true);
      }
    });
  });
}
