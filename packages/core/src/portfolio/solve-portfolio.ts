/**
 * Solving the portfolio QP with the project's QP solver (`@keel/solver-native/qp`, native when
 * the addon loads): the interior-point method (`method: 'ipm'`) by default — its few dozen
 * Newton steps do not care that the turnover and gross budgets bind, where ADMM needs tens of
 * thousands of iterations at 15,000 instruments — or ADMM on request. Whatever comes back is
 * checked against the KKT conditions recomputed from the raw arrays; nothing is taken on the
 * solver's word.
 */
import { createQpWorkspace, type QpBackend, type QpResult, type QpSettings, type QpWorkspace } from '@keel/solver-native/qp';
import type { PortfolioConfig } from './config.js';
import type { PortfolioQp } from './build-qp.js';
import { kktAcceptable, kktResiduals, type KktResiduals } from './kkt.js';
import { SCREENING_MIN_INSTRUMENTS, ScreenedSession, type ScreeningInfo, type ScreeningOptions } from './screening.js';
import { sameArray, sendChanges } from './send-changes.js';

export { KKT_TOLERANCES, kktAcceptable, kktResiduals, type KktResiduals } from './kkt.js';

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
  readonly backend: QpBackend;
  readonly iterations: number;
  /** Setup (first solve of a session only) plus solve, ms. */
  readonly timeMs: number;
  /** Nonzeros of the LDLᵀ factor of the Newton matrix. */
  readonly nnzL: number;
  /** Started from the previous optimum (a re-solve after `update`). */
  readonly warm: boolean;
  /**
   * A screened re-solve (`solver.screening`): the smaller problem's figures (iterations and nnzL
   * are its own), or — with `gaveUp` — the attempt that preceded this full warm solve.
   */
  readonly screening?: ScreeningInfo;
  /**
   * A cold solve that also set the screened re-solves' smaller problem up
   * (`solver.prepareScreening`): whether it did, and the ms it took (in the solve's `timeMs`).
   */
  readonly screeningPrepared?: { readonly ok: boolean; readonly ms: number };
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
  /** The solver's certificate when the problem is primal infeasible (checked by the solver on the user data). */
  readonly infeasibilityCertificate?: Float64Array;
}

export function admmSettings(config: PortfolioConfig): Partial<QpSettings> {
  const s = config.solver;
  return { method: 'admm', epsAbs: s.epsAbs, epsRel: s.epsRel, maxIter: s.maxIter, polish: s.polish, timeLimitSec: s.timeLimitSec, warmStart: true };
}

/** Newton iterations allowed to the interior point (it needs a few dozen). */
export const INTERIOR_POINT_MAX_ITER = 200;

/**
 * The interior point always polishes here: a few extra Newton steps past the tolerances bring
 * the residuals to the KKT acceptance level (1e-8 primal) that `epsAbs`/`epsRel` alone would not
 * guarantee on the NAV-scaled rows. No warm-start fallback: after a price move the first Newton
 * steps from the previous optimum are often short (affine step 0.01–0.09) but recover within a
 * step or two, while a fallback restarts from an iterate ~20–35 steps from the end (2,000
 * instruments, alternating ±1 % moves: 4–9 warm iterations without it, every other re-solve
 * 37–39 with it). Plain AMD only (`ipmCountedOrder: false`): on this model it wins the
 * comparison with the dense-row-counting order at every size measured (2,000 and 15,000
 * instruments, the screened 15,000), so computing the other order was wasted setup.
 */
export function interiorPointSettings(config: PortfolioConfig): Partial<QpSettings> {
  const s = config.solver;
  return { method: 'ipm', epsAbs: s.epsAbs, epsRel: s.epsRel, maxIter: INTERIOR_POINT_MAX_ITER, polish: true, timeLimitSec: s.timeLimitSec, warmStart: true, warmFallback: false, ipmCountedOrder: false };
}

const backendOf = (config: PortfolioConfig): QpBackend | undefined => (config.solver.backend === 'auto' ? undefined : config.solver.backend);

type Candidate = { x: Float64Array; y: Float64Array; kkt: KktResiduals; method: 'admm' | 'interior-point' };

/**
 * A solve session: the solver workspaces are set up once (scaling, ordering, symbolic analysis)
 * and `update` + `solve` re-solve after a value update (new prices: same pattern, new numbers)
 * from the previous optimum.
 *
 * Methods (`config.solver.method`): `interior-point` — the interior point only; `admm` — ADMM
 * only; `auto` — the interior point, then ADMM warm-started from its point if (and only if) the
 * interior point's answer misses the KKT tolerances.
 *
 * Re-solves with the interior point may be screened (`config.solver.screening`, see
 * `screening.ts`): the instruments that did not trade are held at their position and a smaller
 * QP is solved; its answer, expanded to the full problem, goes through the same KKT check. When
 * the smaller problem fails or keeps objecting, the full problem is solved warm as before.
 */
export class PortfolioSolver {
  private qp: PortfolioQp;
  private readonly config: PortfolioConfig;
  private admm: QpWorkspace | undefined;
  private ipm: QpWorkspace | undefined;
  private ipmSolved = false;
  /** The problem the full interior-point workspace last saw (screened re-solves leave it behind). */
  private ipmSeen: PortfolioQp | undefined;
  private screen: ScreenedSession | undefined;
  private lastX: Float64Array | undefined;
  private lastY: Float64Array | undefined;

  private readonly screeningOptions: ScreeningOptions;

  /** `screening`: tuning of screened re-solves (margin, rounds); the defaults suit the desk. */
  constructor(qp: PortfolioQp, config: PortfolioConfig, opts: { readonly screening?: ScreeningOptions } = {}) {
    this.qp = qp;
    this.config = config;
    this.screeningOptions = opts.screening ?? {};
  }

  get problem(): PortfolioQp {
    return this.qp;
  }

  solve(): PortfolioSolution {
    const t0 = performance.now();
    const method = this.config.solver.method;
    const p = this.qp.problem;
    let best: Candidate | undefined;
    let ipmInfo: InteriorPointInfo | undefined;
    let admmInfo: AdmmInfo | undefined;
    const consider = (r: QpResult, from: Candidate['method']) => {
      if (!r.x.length) return;
      const kkt = kktResiduals(p, r.x, r.y);
      const ok = kktAcceptable(this.qp, kkt);
      if (!best || (ok && !kktAcceptable(this.qp, best.kkt)) || (ok === kktAcceptable(this.qp, best.kkt) && kkt.primal < best.kkt.primal)) best = { x: r.x, y: r.y, kkt, method: from };
    };
    const infeasible = (r: QpResult, from: Candidate['method']): PortfolioSolution => {
      const x = new Float64Array(p.n);
      const y = new Float64Array(p.m);
      return {
        x,
        y,
        info: { outcome: r.status as QpOutcome, method: from, ...(admmInfo ? { admm: admmInfo } : {}), ...(ipmInfo ? { interiorPoint: ipmInfo } : {}), kkt: kktResiduals(p, x, y), kktOk: false, timeMs: performance.now() - t0 },
        ...(r.primalInfeasibilityCertificate ? { infeasibilityCertificate: r.primalInfeasibilityCertificate } : {}),
      };
    };

    if (method !== 'admm') {
      const warm = this.ipmSolved;
      const screened = warm && this.screeningOn() ? this.solveScreened() : undefined;
      let screening = screened?.info;
      if (screened?.result && screened.x && screened.y) {
        const r = screened.result;
        ipmInfo = { status: r.status, backend: r.info.backend, iterations: r.info.iterations, timeMs: screened.solverMs, nnzL: r.info.factorNnz ?? NaN, warm: true, screening: screened.info };
        const kkt = kktResiduals(p, screened.x, screened.y);
        if (kktAcceptable(this.qp, kkt)) best = { x: screened.x, y: screened.y, kkt, method: 'interior-point' };
        else screening = { ...screened.info, gaveUp: 'the expanded answer missed the KKT check' };
      }
      if (!best) {
        if (this.ipm && this.ipmSeen !== this.qp) {
          sendChanges(this.ipm, this.ipmSeen!.problem, p);
          // Start from the last accepted answer: the workspace's own is older when re-solves were screened.
          if (this.lastX && this.lastY) this.ipm.warmStart(this.lastX, this.lastY);
        }
        this.ipm ??= createQpWorkspace(p, interiorPointSettings(this.config), { backend: backendOf(this.config) });
        this.ipmSeen = this.qp;
        const r = this.ipm.solve();
        this.ipmSolved = r.x.length > 0;
        ipmInfo = {
          status: r.status,
          backend: r.info.backend,
          iterations: r.info.iterations,
          timeMs: (warm ? 0 : r.info.setupTimeMs) + r.info.solveTimeMs,
          nnzL: r.info.factorNnz ?? NaN,
          warm,
          // A screened attempt that gave up: what it tried (its time is in the total, not here).
          ...(screening ? { screening } : {}),
        };
        if (r.status === 'primal_infeasible' || r.status === 'dual_infeasible') return infeasible(r, 'interior-point');
        consider(r, 'interior-point');
      }
    }
    const ipmGood = best !== undefined && kktAcceptable(this.qp, best.kkt);
    if (method === 'admm' || (method === 'auto' && !ipmGood)) {
      this.admm ??= createQpWorkspace(p, admmSettings(this.config), { backend: backendOf(this.config) });
      const start = best ?? (this.lastX && this.lastY ? { x: this.lastX, y: this.lastY } : undefined);
      if (start) this.admm.warmStart(start.x, start.y);
      this.admm.updateSettings({ maxIter: start ? this.config.solver.warmMaxIter : this.config.solver.maxIter });
      const r = this.admm.solve();
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
      if (!best && (r.status === 'primal_infeasible' || r.status === 'dual_infeasible')) return infeasible(r, 'admm');
      consider(r, 'admm');
    }
    const chosen = best as Candidate | undefined;
    if (!chosen) {
      const x = new Float64Array(p.n);
      const y = new Float64Array(p.m);
      return {
        x,
        y,
        info: { outcome: 'failed', method: method === 'admm' ? 'admm' : 'interior-point', ...(admmInfo ? { admm: admmInfo } : {}), ...(ipmInfo ? { interiorPoint: ipmInfo } : {}), kkt: kktResiduals(p, x, y), kktOk: false, timeMs: performance.now() - t0 },
      };
    }
    const ok = kktAcceptable(this.qp, chosen.kkt);
    this.lastX = chosen.x;
    this.lastY = chosen.y;
    if (ipmInfo && !ipmInfo.warm && chosen.method === 'interior-point' && this.config.solver.prepareScreening && this.screeningOn()) {
      const tp = performance.now();
      const prepared = this.prepareScreening();
      ipmInfo = { ...ipmInfo, screeningPrepared: { ok: prepared, ms: performance.now() - tp } };
    }
    return {
      x: chosen.x,
      y: chosen.y,
      info: {
        outcome: ok ? 'solved' : 'inaccurate',
        method: chosen.method,
        ...(admmInfo ? { admm: admmInfo } : {}),
        ...(ipmInfo ? { interiorPoint: ipmInfo } : {}),
        kkt: chosen.kkt,
        kktOk: ok,
        timeMs: performance.now() - t0,
      },
    };
  }

  /**
   * Swaps in a problem with the same pattern (new prices, NAV, bounds, costs): the workspaces
   * keep their analysis and the previous solution as the next start. Only what changed is sent
   * (`repricePortfolio` shares A and q with the previous problem; every update is a pass over
   * the values the solver gets). Throws when the pattern differs (then build a new
   * solver).
   */
  update(next: PortfolioQp): void {
    const a = this.qp.problem;
    const b = next.problem;
    if (a.n !== b.n || a.m !== b.m || !sameArray(a.A.colPtr, b.A.colPtr) || !sameArray(a.A.rowIdx, b.A.rowIdx) || !sameArray(a.P.colPtr, b.P.colPtr) || !sameArray(a.P.rowIdx, b.P.rowIdx)) {
      throw new Error('PortfolioSolver.update: the new problem has a different sparsity pattern');
    }
    if (this.admm) sendChanges(this.admm, a, b);
    // The full interior point catches up when it next solves (screened re-solves may not need it).
    if (this.ipm && !this.screeningOn()) {
      sendChanges(this.ipm, a, b);
      this.ipmSeen = next;
    }
    this.qp = next;
  }

  /**
   * Prepares screened re-solves now (idle time after a solve, before the next price update):
   * sets up the smaller problem from the last solution, so the first re-solve after `update`
   * costs what later ones do instead of also setting it up. Optional — the first screened
   * re-solve does it itself otherwise. False when there is nothing to prepare: screening off
   * for this book or config, no interior-point solution yet, or holding the idle positions
   * breaks a limit at the current prices.
   */
  prepareScreening(): boolean {
    if (!this.ipmSolved || !this.screeningOn() || !this.lastX || !this.lastY) return false;
    return this.screenedSession().prepare(this.qp, { x: this.lastX, y: this.lastY });
  }

  private screeningOn(): boolean {
    const mode = this.config.solver.screening;
    return mode === 'on' || (mode === 'auto' && this.qp.layout.n >= SCREENING_MIN_INSTRUMENTS);
  }

  private solveScreened() {
    if (!this.lastX || !this.lastY) return undefined;
    return this.screenedSession().solve(this.qp, { x: this.lastX, y: this.lastY });
  }

  private screenedSession(): ScreenedSession {
    this.screen ??= new ScreenedSession(this.qp, interiorPointSettings(this.config), backendOf(this.config), this.screeningOptions);
    return this.screen;
  }

  dispose(): void {
    this.screen?.dispose();
    this.screen = undefined;
    this.admm?.dispose();
    this.ipm?.dispose();
    this.admm = undefined;
    this.ipm = undefined;
  }
}
