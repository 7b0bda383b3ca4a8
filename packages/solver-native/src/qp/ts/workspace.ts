import { InputError } from '../../errors/index.js';
import { validateQpProblem } from '../problem.js';
import { resolveQpSettings, UPDATABLE_QP_SETTINGS } from '../settings.js';
import type { PolishStatus, QpProblem, QpResult, QpSettings, QpStatus, QpWorkspace } from '../types.js';
import { runAdmm } from './admm.js';
import { dot, matVec, normInf, symUpperMatVec } from './csc.js';
import { activeSetSettled, polish, PolishScratch } from './polish.js';
import { isSolved } from './termination.js';
import { AdmmState, clampRho, normalizeInfiniteBounds } from './state.js';

const meetsTolerances = (s: AdmmState, z: Float64Array): boolean => isSolved(s, z, 1);

const HAS_SOLUTION: ReadonlySet<QpStatus> = new Set(['solved', 'solved_inaccurate', 'max_iter_reached', 'time_limit_reached']);

/** The TypeScript backend: OSQP's algorithm on typed arrays, set up once, updated in place. */
export class TsQpWorkspace implements QpWorkspace {
  readonly backend = 'ts' as const;
  private readonly s: AdmmState;
  private settings: QpSettings;
  private polishScratch: PolishScratch | undefined;
  private setupTimeMs: number;
  /** Setup (or update) time not yet charged to a solve's time limit. */
  private pendingMs: number;
  private disposed = false;

  constructor(problem: QpProblem, settings: QpSettings) {
    const t0 = performance.now();
    validateQpProblem(problem);
    this.settings = resolveQpSettings(settings);
    this.s = new AdmmState(problem, this.settings);
    this.setupTimeMs = performance.now() - t0;
    this.pendingMs = this.setupTimeMs;
  }

  solve(): QpResult {
    this.assertLive();
    const s = this.s;
    const t0 = performance.now();
    const limitMs = this.settings.timeLimitSec * 1000;
    const deadline = limitMs > 0 ? t0 + limitMs - this.pendingMs : Infinity;
    this.pendingMs = 0;
    if (!this.settings.warmStart) this.coldStart();

    let scratch: PolishScratch | undefined;
    if (this.settings.polish) {
      scratch = this.polishScratch ??= new PolishScratch(s.n, s.m);
      scratch.hasTried = false;
      scratch.nextEarlyIter = 0;
      scratch.lastSeen.fill(2);
      s.kkt.preparePolish();
    }
    // Early polish: once the active set settles, a polished point meeting the tolerances ends the run.
    const early = scratch ? (st: AdmmState, iter: number) => activeSetSettled(st, scratch, iter) && polish(st, scratch, meetsTolerances) : undefined;
    const outcome = runAdmm(s, deadline, early);
    const tSolved = performance.now();

    let status: QpStatus = outcome.status;
    let polishStatus: PolishStatus = outcome.polished ? 'success' : 'not_run';
    if (scratch && !outcome.polished) {
      if (status === 'solved') polishStatus = polish(s, scratch) ? 'success' : 'failed';
      else if (status === 'solved_inaccurate' || status === 'max_iter_reached' || status === 'time_limit_reached') {
        // Out of iterations: a polished point that meets the tolerances is a solution after all.
        if (polish(s, scratch, meetsTolerances)) {
          status = 'solved';
          polishStatus = 'success';
        } else polishStatus = 'failed';
      }
    }
    const tPolished = performance.now();
    return this.result(status, outcome.iterations, polishStatus, tSolved - t0, tPolished - tSolved);
  }

  private result(status: QpStatus, iterations: number, polishStatus: PolishStatus, solveTimeMs: number, polishTimeMs: number): QpResult {
    const s = this.s;
    const { n, m, scaling } = s;
    let x = new Float64Array(0);
    let y = new Float64Array(0);
    let objective = NaN;
    let primalInfeasibilityCertificate: Float64Array | undefined;
    let dualInfeasibilityCertificate: Float64Array | undefined;
    if (HAS_SOLUTION.has(status)) {
      x = new Float64Array(n);
      y = new Float64Array(m);
      for (let j = 0; j < n; j++) x[j] = scaling.D[j]! * s.x[j]!;
      for (let i = 0; i < m; i++) y[i] = scaling.E[i]! * s.y[i]! * scaling.cinv;
      objective = this.userObjective(x);
    } else if (status === 'primal_infeasible') {
      const cert = new Float64Array(m);
      for (let i = 0; i < m; i++) cert[i] = scaling.E[i]! * s.deltaY[i]!;
      const norm = normInf(cert);
      if (norm > 0) for (let i = 0; i < m; i++) cert[i] = cert[i]! / norm;
      primalInfeasibilityCertificate = cert;
      objective = Infinity;
      this.coldStart();
    } else if (status === 'dual_infeasible') {
      const cert = new Float64Array(n);
      for (let j = 0; j < n; j++) cert[j] = scaling.D[j]! * s.deltaX[j]!;
      const norm = normInf(cert);
      if (norm > 0) for (let j = 0; j < n; j++) cert[j] = cert[j]! / norm;
      dualInfeasibilityCertificate = cert;
      objective = -Infinity;
      this.coldStart();
    } else {
      this.coldStart(); // numerical_error: never warm start from a broken iterate
    }
    const info = {
      status,
      method: 'admm' as const,
      iterations,
      objective,
      primalResidual: s.primRes,
      dualResidual: s.dualRes,
      rho: s.rho,
      rhoUpdates: s.rhoUpdates,
      polish: polishStatus,
      setupTimeMs: this.setupTimeMs,
      solveTimeMs,
      polishTimeMs,
      backend: 'ts' as const,
    };
    return {
      status,
      objective,
      x,
      y,
      ...(primalInfeasibilityCertificate ? { primalInfeasibilityCertificate } : {}),
      ...(dualInfeasibilityCertificate ? { dualInfeasibilityCertificate } : {}),
      info,
    };
  }

  /** ½xᵀPx + qᵀx + r from the user's data. */
  private userObjective(x: Float64Array): number {
    const s = this.s;
    const px = new Float64Array(s.n);
    symUpperMatVec(s.n, s.Pp, s.Pi, s.userPx, x, px);
    return 0.5 * dot(x, px) + dot(s.userQ, x) + s.r;
  }

  private coldStart(): void {
    const s = this.s;
    s.x.fill(0);
    s.z.fill(0);
    s.y.fill(0);
    s.xPrev.fill(0);
    s.zPrev.fill(0);
  }

  updateQ(q: Float64Array): void {
    this.assertLive();
    const t0 = performance.now();
    const s = this.s;
    checkVector(q, s.n, 'q', false);
    s.userQ.set(q);
    s.scaling.scaleQ(s.userQ, s.q);
    this.pendingMs += performance.now() - t0;
  }

  updateBounds(l: Float64Array, u: Float64Array): void {
    this.assertLive();
    const t0 = performance.now();
    const s = this.s;
    checkBounds(l, u, s.m);
    s.userL.set(l);
    s.userU.set(u);
    normalizeInfiniteBounds(s.userL, s.userU);
    s.scaling.scaleBounds(s.userL, s.userU, s.l, s.u);
    if (s.classifyRows()) {
      if (!s.refactorRho()) s.factorKkt();
    }
    this.pendingMs += performance.now() - t0;
  }

  updatePValues(values: Float64Array): void {
    this.updateMatrixValues(values, 'P');
  }

  updateAValues(values: Float64Array): void {
    this.updateMatrixValues(values, 'A');
  }

  /**
   * New values for P or A with the same pattern: iterates go to user units, the scaling is
   * recomputed (as OSQP does), iterates come back, and the KKT is refactored numerically
   * (no new ordering or symbolic analysis).
   */
  private updateMatrixValues(values: Float64Array, which: 'P' | 'A'): void {
    this.assertLive();
    const t0 = performance.now();
    const s = this.s;
    const target = which === 'P' ? s.userPx : s.userAx;
    checkVector(values, target.length, `${which}.values`, false);
    const old = Float64Array.from(target);
    const { x, y } = this.userIterates();
    target.set(values);
    s.rescale();
    try {
      s.classifyRows();
      s.factorKkt();
    } catch (e) {
      // Keep the workspace usable: restore the previous values before reporting the input error.
      target.set(old);
      s.rescale();
      s.classifyRows();
      s.factorKkt();
      throw e;
    }
    this.setUserIterates(x, y);
    this.pendingMs += performance.now() - t0;
  }

  updateSettings(partial: Partial<Pick<QpSettings, (typeof UPDATABLE_QP_SETTINGS)[number]>>): void {
    this.assertLive();
    for (const key of Object.keys(partial ?? {})) {
      if (!(UPDATABLE_QP_SETTINGS as readonly string[]).includes(key)) {
        throw new InputError({ path: `settings.${key}`, message: `cannot be changed after setup (updatable: ${UPDATABLE_QP_SETTINGS.join(', ')})` });
      }
    }
    this.settings = resolveQpSettings({ ...this.settings, ...partial });
    this.s.settings = this.settings;
  }

  warmStart(x?: Float64Array, y?: Float64Array): void {
    this.assertLive();
    const s = this.s;
    if (x) checkVector(x, s.n, 'x', false);
    if (y) checkVector(y, s.m, 'y', false);
    const { Dinv, Einv, c } = s.scaling;
    if (x) {
      for (let j = 0; j < s.n; j++) s.x[j] = Dinv[j]! * x[j]!;
      matVec(s.m, s.n, s.Ap, s.Ai, s.Ax, s.x, s.z);
    }
    if (y) for (let i = 0; i < s.m; i++) s.y[i] = c * Einv[i]! * y[i]!;
  }

  dispose(): void {
    this.disposed = true;
  }

  private userIterates(): { x: Float64Array; y: Float64Array } {
    const s = this.s;
    const x = new Float64Array(s.n);
    const y = new Float64Array(s.m);
    for (let j = 0; j < s.n; j++) x[j] = s.scaling.D[j]! * s.x[j]!;
    for (let i = 0; i < s.m; i++) y[i] = s.scaling.E[i]! * s.y[i]! * s.scaling.cinv;
    return { x, y };
  }

  private setUserIterates(x: Float64Array, y: Float64Array): void {
    this.warmStart(x, y);
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('QP workspace used after dispose()');
  }

  /** Current ρ (for tests and diagnostics). */
  get rho(): number {
    return clampRho(this.s.rho);
  }
}

export function checkVector(v: Float64Array, len: number, path: string, allowInfinite: boolean): void {
  if (!(v instanceof Float64Array) || v.length !== len) {
    throw new InputError({ path, message: `must be a Float64Array of length ${len} (got ${v instanceof Float64Array ? v.length : typeof v})` });
  }
  for (let i = 0; i < len; i++) {
    const a = v[i]!;
    if (Number.isNaN(a) || (!allowInfinite && !Number.isFinite(a))) throw new InputError({ path: `${path}[${i}]`, message: `must be finite (got ${a})` });
  }
}

export function checkBounds(l: Float64Array, u: Float64Array, m: number): void {
  checkVector(l, m, 'l', true);
  checkVector(u, m, 'u', true);
  const issues = [];
  for (let i = 0; i < m && issues.length < 20; i++) {
    if (l[i] === Infinity) issues.push({ path: `l[${i}]`, message: 'must be below +Infinity' });
    if (u[i] === -Infinity) issues.push({ path: `u[${i}]`, message: 'must be above -Infinity' });
    if (l[i]! > u[i]!) issues.push({ path: `l[${i}]`, message: `lower bound ${l[i]} exceeds upper bound u[${i}] = ${u[i]}` });
  }
  if (issues.length) throw new InputError(issues);
}
