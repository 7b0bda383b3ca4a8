/**
 * Solving the portfolio QP: the project's QP solver (`@keel/solver-native/qp`, OSQP's ADMM,
 * native or TS) first, then — when its answer is not exact to the KKT tolerances, which on the
 * full constraint set means when its polish cannot settle a degenerate active set — the
 * interior-point method on the same problem. Whatever comes back is checked against the KKT
 * conditions recomputed from the raw arrays; nothing is taken on the solver's word.
 */
import { createQpWorkspace, type QpBackend, type QpResult, type QpSettings, type QpWorkspace } from '@keel/solver-native/qp';
import type { PortfolioConfig } from './config.js';
import { kktOrdering, type PortfolioQp } from './build-qp.js';
import { solveQpInteriorPoint, type InteriorPointResult } from './interior-point.js';
import { KktWorkspace, kktResiduals, type KktResiduals } from './kkt-system.js';

export const QP_OUTCOMES = ['solved', 'inaccurate', 'primal_infeasible', 'dual_infeasible', 'failed'] as const;
export type QpOutcome = (typeof QP_OUTCOMES)[number];

export interface AdmmInfo {
  readonly status: string;
  readonly backend: QpBackend;
  readonly iterations: number;
  readonly polish: string;
  readonly setupTimeMs: number;
  readonly solveTimeMs: number;
  readonly primalResidual: number;
  readonly dualResidual: number;
}

export interface InteriorPointInfo {
  readonly status: string;
  readonly iterations: number;
  readonly timeMs: number;
  /** Nonzeros of the LDLᵀ factor of the Newton matrix. */
  readonly nnzL: number;
}

export interface PortfolioSolveInfo {
  readonly outcome: QpOutcome;
  /** Which method produced x. */
  readonly method: 'admm' | 'interior-point';
  readonly admm?: AdmmInfo;
  readonly interiorPoint?: InteriorPointInfo;
  /** Recomputed from the raw problem at the returned (x, y). */
  readonly kkt: KktResiduals;
  /** Whether the KKT residuals are within the acceptance tolerances. */
  readonly kktOk: boolean;
  readonly timeMs: number;
}

export interface PortfolioSolution {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly info: PortfolioSolveInfo;
  /** The ADMM solver's certificate when the problem is primal infeasible. */
  readonly infeasibilityCertificate?: Float64Array;
}

/** KKT acceptance: primal in row units (NAV fractions), dual and complementarity relative to ‖q‖∞. */
export const KKT_TOLERANCES = Object.freeze({ primal: 1e-8, dual: 1e-6, complementarity: 1e-6 });

export function kktAcceptable(qp: PortfolioQp, r: KktResiduals): boolean {
  let qn = 0;
  for (const v of qp.problem.q) qn = Math.max(qn, Math.abs(v));
  return r.primal <= KKT_TOLERANCES.primal && r.dual <= KKT_TOLERANCES.dual * (1 + qn) && r.complementarity <= KKT_TOLERANCES.complementarity * (1 + qn);
}

export function admmSettings(config: PortfolioConfig): Partial<QpSettings> {
  const s = config.solver;
  return { epsAbs: s.epsAbs, epsRel: s.epsRel, maxIter: s.maxIter, polish: s.polish, timeLimitSec: s.timeLimitSec, warmStart: true };
}

const backendOf = (config: PortfolioConfig): QpBackend | undefined => (config.solver.backend === 'auto' ? undefined : config.solver.backend);

/**
 * A solve session: the ADMM workspace and the interior-point KKT workspace are set up once and
 * reused by `resolve` after a value update (new prices: same pattern, new numbers).
 */
export class PortfolioSolver {
  private qp: PortfolioQp;
  private readonly config: PortfolioConfig;
  private admm: QpWorkspace | undefined;
  private kkt: KktWorkspace | undefined;
  private lastX: Float64Array | undefined;
  private lastY: Float64Array | undefined;
  private lastInteriorPointMs: number | undefined;
  private warmAdmmFailed = false;

  constructor(qp: PortfolioQp, config: PortfolioConfig) {
    this.qp = qp;
    this.config = config;
  }

  get problem(): PortfolioQp {
    return this.qp;
  }

  solve(): PortfolioSolution {
    const t0 = performance.now();
    const method = this.config.solver.method;
    let admmInfo: AdmmInfo | undefined;
    let best: { x: Float64Array; y: Float64Array; kkt: KktResiduals; method: 'admm' | 'interior-point' } | undefined;
    // In auto, a warm start that did not finish last time is not tried again: at 15,000
    // instruments ADMM needs far more iterations than the interior point needs time.
    const skipAdmm = method === 'auto' && !!this.lastX && this.warmAdmmFailed;
    if (method !== 'interior-point' && !skipAdmm) {
      this.admm ??= createQpWorkspace(this.qp.problem, admmSettings(this.config), { backend: backendOf(this.config) });
      const warm = !!(this.lastX && this.lastY);
      if (warm) this.admm.warmStart(this.lastX, this.lastY);
      // Warm ADMM gets its own budget, and in auto at most half the time the interior point took
      // last time: where ADMM cannot finish (15,000 instruments), the fallback costs ≤ 1.5×.
      const cap = method === 'auto' && warm && this.lastInteriorPointMs !== undefined ? Math.max(0.5, this.lastInteriorPointMs / 2000) : 0;
      const limit = this.config.solver.timeLimitSec;
      this.admm.updateSettings({
        maxIter: warm ? this.config.solver.warmMaxIter : this.config.solver.maxIter,
        timeLimitSec: cap > 0 && limit > 0 ? Math.min(cap, limit) : cap || limit,
      });
      const r: QpResult = this.admm.solve();
      admmInfo = {
        status: r.status,
        backend: r.info.backend,
        iterations: r.info.iterations,
        polish: r.info.polish,
        setupTimeMs: r.info.setupTimeMs,
        solveTimeMs: r.info.solveTimeMs,
        primalResidual: r.info.primalResidual,
        dualResidual: r.info.dualResidual,
      };
      if (r.status === 'primal_infeasible' || r.status === 'dual_infeasible') {
        const y = r.y.length ? r.y : new Float64Array(this.qp.problem.m);
        const x = r.x.length ? r.x : new Float64Array(this.qp.problem.n);
        return {
          x,
          y,
          info: { outcome: r.status, method: 'admm', admm: admmInfo, kkt: kktResiduals(this.qp.problem, x, y), kktOk: false, timeMs: performance.now() - t0 },
          ...(r.primalInfeasibilityCertificate ? { infeasibilityCertificate: r.primalInfeasibilityCertificate } : {}),
        };
      }
      if (r.x.length) {
        const kkt = kktResiduals(this.qp.problem, r.x, r.y);
        best = { x: r.x, y: r.y, kkt, method: 'admm' };
      }
      if (warm) this.warmAdmmFailed = !(best && kktAcceptable(this.qp, best.kkt));
    }
    let ipmInfo: InteriorPointInfo | undefined;
    if (method === 'interior-point' || (method === 'auto' && !(best && kktAcceptable(this.qp, best.kkt)))) {
      this.kkt ??= new KktWorkspace(this.qp.problem, kktOrdering(this.qp));
      const r: InteriorPointResult = solveQpInteriorPoint(this.qp.problem, this.kkt);
      ipmInfo = { status: r.status, iterations: r.iterations, timeMs: r.timeMs, nnzL: this.kkt.nnzL };
      this.lastInteriorPointMs = r.timeMs;
      if (r.status === 'solved' || !best || r.residuals.primal < best.kkt.primal) best = { x: r.x, y: r.y, kkt: r.residuals, method: 'interior-point' };
    }
    if (!best) {
      const x = new Float64Array(this.qp.problem.n);
      const y = new Float64Array(this.qp.problem.m);
      return { x, y, info: { outcome: 'failed', method: 'admm', ...(admmInfo ? { admm: admmInfo } : {}), kkt: kktResiduals(this.qp.problem, x, y), kktOk: false, timeMs: performance.now() - t0 } };
    }
    const ok = kktAcceptable(this.qp, best.kkt);
    this.lastX = best.x;
    this.lastY = best.y;
    return {
      x: best.x,
      y: best.y,
      info: {
        outcome: ok ? 'solved' : 'inaccurate',
        method: best.method,
        ...(admmInfo ? { admm: admmInfo } : {}),
        ...(ipmInfo ? { interiorPoint: ipmInfo } : {}),
        kkt: best.kkt,
        kktOk: ok,
        timeMs: performance.now() - t0,
      },
    };
  }

  /**
   * Swaps in a rebuilt problem with the same pattern (new prices, NAV, bounds, costs) and keeps
   * the factorisation structures and the previous solution as the warm start. Throws when the
   * pattern differs (then build a new solver).
   */
  update(next: PortfolioQp): void {
    const a = this.qp.problem;
    const b = next.problem;
    const same = (x: Int32Array, y: Int32Array) => x.length === y.length && x.every((v, i) => v === y[i]);
    if (a.n !== b.n || a.m !== b.m || !same(a.A.colPtr, b.A.colPtr) || !same(a.A.rowIdx, b.A.rowIdx) || !same(a.P.colPtr, b.P.colPtr) || !same(a.P.rowIdx, b.P.rowIdx)) {
      throw new Error('PortfolioSolver.update: the new problem has a different sparsity pattern');
    }
    if (this.admm) {
      this.admm.updateQ(b.q);
      this.admm.updateBounds(b.l, b.u);
      this.admm.updatePValues(b.P.values);
      this.admm.updateAValues(b.A.values);
    }
    this.qp = next;
  }

  dispose(): void {
    this.admm?.dispose();
    this.admm = undefined;
  }
}
