/**
 * The interior-point method on typed arrays: the TypeScript twin of `crates/qp/src/ipm/`
 * (same algorithm, constants and order of operations; see `README.md` beside this file).
 * Mehrotra's predictor-corrector with Gondzio's centrality correctors on the Newton system
 * regularised by proximal terms (+ρI on x, −δI on the rows, proximal centres at the current
 * iterate); termination and certificates in user units with the checker's criteria.
 */
import { InputError } from '../../../errors/index.js';
import { validateQpProblem } from '../../problem.js';
import { resolveQpSettings, UPDATABLE_QP_SETTINGS } from '../../settings.js';
import type { PolishStatus, QpProblem, QpResult, QpSettings, QpStatus, QpWorkspace } from '../../types.js';
import { dot, matTVec, matVec, symUpperMatVec } from '../csc.js';
import { Scaling } from '../scaling.js';
import { normalizeInfiniteBounds } from '../state.js';
import { checkBounds, checkVector } from '../workspace.js';
import { dualCertificate, optimality, primalCertificate, type Residuals, type UserData } from './measure.js';
import { NewtonSystem } from './newton.js';
import { centerStart, Iterate, maxStep, muAt, takeStep } from './point.js';
import { RowClasses } from './rows.js';

const RHO_INIT = 1e-6;
const DELTA_INIT = 1e-4;
const REG_MIN = 1e-10;
const BLOCKED_STEP = 1e-2;
const REG_BUMP_MAX = 1e-6;
const REG_RETRY = 100;
const REG_MAX = 1;
const DYN = { eps: 1e-14, delta: 1e-9 } as const;
const TAU = 0.99;
const CORRECTORS = 2;
const START_FLOOR = 1e-8;
const STALL_ITERS = 40;
const POLISH_ITERS = 4;
const POLISH_MERIT = 1e-3;
const DIVERGE_NORM = 1e3;
/** A P or A value update keeps the equilibration when every scaled value stays within this relative distance of its value at the last Ruiz pass (see the Rust twin). */
const KEEP_SCALING = 0.25;
const WARM_MU = 1e-6;
const SNAPSHOT_MU = 1e-8;
const LOOSE_SNAPSHOT_MU = 1e-3;
/**
 * A warm start with an affine step shorter than this in its first RETREAT_ITERS Newton steps
 * restarts further from the boundary (see the Rust twin): the snapshot falls back on the loose
 * snapshot, that or a start from a given point on the cold start.
 */
const RETREAT_STEP = 0.1;
const RETREAT_ITERS = 3;
/** A start from the snapshot whose first affine step is shorter than this takes its first step at σ = 1 (see the Rust twin). */
const RECENTRE_STEP = 0.5;

const HAS_SOLUTION: ReadonlySet<QpStatus> = new Set(['solved', 'solved_inaccurate', 'max_iter_reached', 'time_limit_reached']);

interface Tolerances {
  readonly epsAbs: number;
  readonly epsRel: number;
}

const meets = (r: Residuals, t: Tolerances, m: number): boolean =>
  (m === 0 || r.prim < t.epsAbs + t.epsRel * r.primNorm) && r.dual < t.epsAbs + t.epsRel * r.dualNorm && r.gap < t.epsAbs + t.epsRel * r.gapNorm;

function merit(r: Residuals, t: Tolerances): number {
  const ratio = (v: number, norm: number) => v / Math.max(t.epsAbs + t.epsRel * norm, Number.MIN_VALUE);
  return Math.max(ratio(r.prim, r.primNorm), ratio(r.dual, r.dualNorm), ratio(r.gap, r.gapNorm));
}

const normInf = (v: Float64Array): number => {
  let r = 0;
  for (let i = 0; i < v.length; i++) r = Math.max(r, Math.abs(v[i]!));
  return r;
};

export class TsIpmWorkspace implements QpWorkspace {
  readonly backend = 'ts' as const;
  private settings: QpSettings;
  private readonly n: number;
  private readonly m: number;
  private readonly user: UserData & { readonly Px: Float64Array; readonly Ax: Float64Array; readonly q: Float64Array; readonly l: Float64Array; readonly u: Float64Array };
  private readonly r: number;
  // scaled data
  private readonly Px: Float64Array;
  private readonly Ax: Float64Array;
  private readonly q: Float64Array;
  private readonly l: Float64Array;
  private readonly u: Float64Array;
  private scaling: Scaling;
  private rows: RowClasses;
  private newton: NewtonSystem;
  private it: Iterate;
  private dir: Iterate;
  private keptDir: Iterate;
  private readonly ax: Float64Array;
  /** ÃΔx of the current direction. */
  private readonly ad: Float64Array;
  private readonly px: Float64Array;
  private readonly aty: Float64Array;
  private readonly rd: Float64Array;
  private readonly rl: Float64Array;
  private readonly ru: Float64Array;
  private readonly cl: Float64Array;
  private readonly cu: Float64Array;
  private readonly w: Float64Array;
  private readonly xDiag: Float64Array;
  private rowDiag: Float64Array;
  private rhs: Float64Array;
  private readonly tmpN: Float64Array;
  private readonly tmpM: Float64Array;
  private start: { x: Float64Array; y: Float64Array } | undefined;
  /** The last solve's iterate when μ first fell below SNAPSHOT_MU: the best start after a small data change. */
  private snapshot: Iterate | undefined;
  /** The proximal regularisation [ρ, δ] of the step after the snapshot: a start from the snapshot continues with it (see `solve`). */
  private snapshotReg: [number, number] = [RHO_INIT, DELTA_INIT];
  /** The iterate of the last solve that crossed LOOSE_SNAPSHOT_MU, just below it (solves that start below it keep it): the start when the snapshot's first steps are blocked. */
  private loose: Iterate | undefined;
  /** Scaled P and A values right after the last Ruiz pass (see KEEP_SCALING). */
  private ruizP!: Float64Array;
  private ruizA!: Float64Array;
  /** New A values not yet scaled in (refreshed by the next P update or solve). */
  private stale = false;
  private pendingWarmStart = false;
  private readonly setupTimeMs: number;
  private pendingMs: number;
  private disposed = false;

  constructor(problem: QpProblem, settings: QpSettings) {
    const t0 = performance.now();
    validateQpProblem(problem);
    this.settings = resolveQpSettings(settings);
    const { n, m } = problem;
    this.n = n;
    this.m = m;
    const userL = Float64Array.from(problem.l);
    const userU = Float64Array.from(problem.u);
    normalizeInfiniteBounds(userL, userU);
    this.user = {
      n,
      m,
      Pp: Int32Array.from(problem.P.colPtr),
      Pi: Int32Array.from(problem.P.rowIdx),
      Px: Float64Array.from(problem.P.values),
      Ap: Int32Array.from(problem.A.colPtr),
      Ai: Int32Array.from(problem.A.rowIdx),
      Ax: Float64Array.from(problem.A.values),
      q: Float64Array.from(problem.q),
      l: userL,
      u: userU,
    };
    this.r = problem.r ?? 0;
    this.Px = new Float64Array(this.user.Px.length);
    this.Ax = new Float64Array(this.user.Ax.length);
    this.q = new Float64Array(n);
    this.l = new Float64Array(m);
    this.u = new Float64Array(m);
    this.scaling = new Scaling(n, m);
    this.rescale();
    this.rows = new RowClasses(m, n, this.user.Ap, this.user.Ai, this.l, this.u);
    this.newton = new NewtonSystem(n, this.user.Pp, this.user.Pi, this.user.Ap, this.user.Ai, this.rows);
    this.newton.setMatrices(this.user.Pp, this.Px, this.Ax);
    this.it = new Iterate(n, m);
    this.dir = new Iterate(n, m);
    this.keptDir = new Iterate(n, m);
    this.ax = new Float64Array(m);
    this.ad = new Float64Array(m);
    this.px = new Float64Array(n);
    this.aty = new Float64Array(n);
    this.rd = new Float64Array(n);
    this.rl = new Float64Array(m);
    this.ru = new Float64Array(m);
    this.cl = new Float64Array(m);
    this.cu = new Float64Array(m);
    this.w = new Float64Array(m);
    this.xDiag = new Float64Array(n);
    this.rowDiag = new Float64Array(this.rows.kept.length);
    this.rhs = new Float64Array(this.newton.dim);
    this.tmpN = new Float64Array(n);
    this.tmpM = new Float64Array(m);
    this.checkConvexity();
    this.setupTimeMs = performance.now() - t0;
    this.pendingMs = this.setupTimeMs;
  }

  private rescale(): void {
    const { n, m, user } = this;
    this.Px.set(user.Px);
    this.Ax.set(user.Ax);
    this.q.set(user.q);
    this.scaling.equilibrate(this.settings.scalingIterations, n, m, user.Pp, user.Pi, this.Px, this.q, user.Ap, user.Ai, this.Ax);
    this.scaling.scaleBounds(user.l, user.u, this.l, this.u);
    this.ruizP = Float64Array.from(this.Px);
    this.ruizA = Float64Array.from(this.Ax);
  }

  /** Whether the scaled P and A values all lie within KEEP_SCALING of their values at the last Ruiz pass (zeros must stay zero). */
  private nearRuiz(): boolean {
    const near = (v: number, old: number) => Math.abs(v - old) <= KEEP_SCALING * Math.abs(old);
    for (let k = 0; k < this.Px.length; k++) if (!near(this.Px[k]!, this.ruizP[k]!)) return false;
    for (let k = 0; k < this.Ax.length; k++) if (!near(this.Ax[k]!, this.ruizA[k]!)) return false;
    return true;
  }

  /** ADMM's KKT matrix [P + σI, Aᵀ; A, −diag(1/ρ)] (ρ×10³ on equalities) must have n positive pivots. */
  private checkConvexity(): void {
    const { rows, settings } = this;
    const rho = Math.min(Math.max(settings.rho, 1e-6), 1e6);
    this.xDiag.fill(settings.sigma);
    for (let i = 0; i < this.m; i++) {
      const k = rows.absorbed[i]!;
      if (k >= 0) {
        const a = this.Ax[k]!;
        this.xDiag[rows.absorbedCol[i]!]! += rho * a * a;
      }
    }
    for (let r = 0; r < rows.kept.length; r++) this.rowDiag[r] = 1 / (rows.eq[rows.kept[r]!] ? 1e3 * rho : rho);
    this.newton.setDiagonals(this.xDiag, this.rowDiag, 0, 0);
    const f = this.newton.factor();
    if (f === 'ok') return;
    throw new InputError({
      path: 'P',
      message:
        f === 'singular'
          ? 'the KKT system is singular (is P positive semidefinite and are the data finite?)'
          : `must be positive semidefinite: the KKT factorisation found ${this.n - this.newton.positivePivots} negative curvature direction(s)`,
    });
  }

  solve(): QpResult {
    this.assertLive();
    const t0 = performance.now();
    const st = this.settings;
    const tol: Tolerances = { epsAbs: st.epsAbs, epsRel: st.epsRel };
    const loose: Tolerances = { epsAbs: 10 * st.epsAbs, epsRel: 10 * st.epsRel };
    const limitMs = st.timeLimitSec * 1000;
    const deadline = limitMs > 0 ? t0 + limitMs - this.pendingMs : Infinity;
    this.pendingMs = 0;
    if (this.stale) this.refreshScaling();
    const warm = (st.warmStart || this.pendingWarmStart) && (this.start !== undefined || this.snapshot !== undefined);
    const explicit = this.pendingWarmStart;
    this.pendingWarmStart = false;
    let rho = RHO_INIT;
    let delta = DELTA_INIT;
    const snap = this.snapshot;
    this.snapshot = undefined;
    let started: boolean;
    // Where a warm start goes when its first step is blocked (see RETREAT_STEP).
    let retreat: Iterate | 'cold' | undefined;
    let retreatUntil = RETREAT_ITERS;
    // μ of the next iterate, found by the step that makes it (see `takeStep`).
    let muNext: number | undefined;
    // A start from the snapshot continues with the snapshot's regularisation, and a blocked step
    // of such a solve goes back to the starting regularisation at once (see the Rust twin).
    let fromSnapshot = false;
    if (warm && snap && !explicit) {
      this.it.copyFrom(snap);
      [rho, delta] = this.snapshotReg;
      fromSnapshot = true;
      retreat = this.loose ?? 'cold';
      started = true;
    } else if (warm) {
      if (explicit) this.loose = undefined;
      retreat = 'cold';
      started = this.warmPoint();
    } else started = this.coldPoint(rho, delta);
    if (!st.warmFallback) retreat = undefined;
    const { m, rows } = this;

    let status: QpStatus = 'max_iter_reached';
    let res: Residuals = { prim: NaN, primNorm: 0, dual: NaN, dualNorm: 0, gap: NaN, gapNorm: 0 };
    let iter = 0;
    let bestMerit = Infinity;
    let bestIter = 0;
    let certificate: { primal: boolean; c: Float64Array } | undefined;
    let diverging = { y: false, x: false };
    let polishing: { best: number; kept: Iterate; extra: number } | undefined;
    let improved = false;
    if (!started) status = 'numerical_error';
    while (started) {
      this.products();
      res = optimality(this.user, this.scaling, this.q, this.it.x, this.it.y, this.ax, this.px, this.aty);
      if (!(Number.isFinite(res.prim) && Number.isFinite(res.dual) && Number.isFinite(res.gap)) || !this.it.isFinite()) {
        status = 'numerical_error';
        break;
      }
      const mr = merit(res, tol);
      if (polishing) {
        // Polishing: a few more iterations, keeping the best point.
        if (mr < polishing.best) {
          polishing.best = mr;
          polishing.kept.copyFrom(this.it);
          improved = true;
        }
        polishing.extra++;
        if (polishing.extra > POLISH_ITERS || mr <= POLISH_MERIT || mr > 1) break;
      } else if (meets(res, tol, m)) {
        status = 'solved';
        if (!st.polish || mr <= POLISH_MERIT) break;
        const kept = new Iterate(this.n, m);
        kept.copyFrom(this.it);
        polishing = { best: mr, kept, extra: 0 };
      }
      const cert = this.certificates(res, tol, st, diverging);
      if (cert) {
        certificate = cert;
        break;
      }
      if (iter >= st.maxIter) {
        status = 'max_iter_reached';
        break;
      }
      if (performance.now() >= deadline) {
        status = 'time_limit_reached';
        break;
      }
      if (polishing) {
        // never stall-stop a polishing pass: the kept point is solved
      } else if (mr < 0.9 * bestMerit) {
        bestMerit = mr;
        bestIter = iter;
      } else if (iter - bestIter > STALL_ITERS) {
        status = 'numerical_error';
        break;
      }

      iter++;
      this.residualVectors();
      let factored = false;
      for (;;) {
        this.newtonMatrix(rho, delta);
        if (this.newton.factor(DYN) === 'ok') {
          factored = true;
          break;
        }
        if (rho >= REG_MAX) break;
        rho = Math.min(rho * REG_RETRY, REG_MAX);
        delta = Math.min(delta * REG_RETRY, REG_MAX);
      }
      if (!factored) {
        status = 'numerical_error';
        break;
      }
      const { it, cl, cu } = this;
      // μ of this iterate: from the step that made it, else computed.
      const mu = muNext ?? it.mu(rows);
      muNext = undefined;
      // Predictor (affine scaling): complementarity targets 0.
      for (let i = 0; i < m; i++) {
        cl[i] = rows.hasL[i] ? -it.sl[i]! * it.ll[i]! : 0;
        cu[i] = rows.hasU[i] ? -it.su[i]! * it.lu[i]! : 0;
      }
      this.direction(delta);
      const aAff = maxStep(it, this.dir, rows);
      if (aAff < RETREAT_STEP && iter <= retreatUntil && retreat) {
        const fallback = retreat;
        retreat = undefined;
        rho = RHO_INIT;
        delta = DELTA_INIT;
        fromSnapshot = false;
        retreatUntil = iter + RETREAT_ITERS;
        muNext = undefined;
        if (fallback !== 'cold') {
          it.copyFrom(fallback);
          retreat = 'cold';
        } else if (!this.coldPoint(rho, delta)) {
          status = 'numerical_error';
          break;
        }
        continue;
      }
      const muAff = muAt(it, this.dir, aAff, rows);
      // A start from the snapshot whose first affine step is short re-centres first (σ = 1; see the Rust twin).
      const sigma = fromSnapshot && iter === 1 && aAff < RECENTRE_STEP ? 1 : mu > 0 ? Math.min(Math.max((muAff / mu) ** 3, 0), 1) : 0;
      // Corrector: centring plus the second-order term of the affine step.
      for (let i = 0; i < m; i++) {
        if (rows.hasL[i]) cl[i] = sigma * mu - it.sl[i]! * it.ll[i]! - this.dir.sl[i]! * this.dir.ll[i]!;
        if (rows.hasU[i]) cu[i] = sigma * mu - it.su[i]! * it.lu[i]! - this.dir.su[i]! * this.dir.lu[i]!;
      }
      this.direction(delta);
      let aMax = maxStep(it, this.dir, rows);
      // Gondzio's centrality correctors (see the Rust twin).
      for (let k = 0; k < CORRECTORS; k++) {
        if (aMax >= 0.9 || rows.sides === 0) break;
        const target = Math.min(1.5 * aMax + 0.1, 1);
        const lo = 0.1 * sigma * mu;
        const hi = 10 * sigma * mu;
        const corr = (v: number) => (v < lo ? lo - v : v > hi ? Math.max(hi - v, -hi) : 0);
        const d = this.dir;
        for (let i = 0; i < m; i++) {
          if (rows.hasL[i]) cl[i]! += corr((it.sl[i]! + target * d.sl[i]!) * (it.ll[i]! + target * d.ll[i]!));
          if (rows.hasU[i]) cu[i]! += corr((it.su[i]! + target * d.su[i]!) * (it.lu[i]! + target * d.lu[i]!));
        }
        [this.keptDir, this.dir] = [this.dir, this.keptDir];
        this.direction(delta);
        const aNew = maxStep(it, this.dir, rows);
        if (aNew >= aMax + 0.1 * (target - aMax)) aMax = aNew;
        else {
          [this.keptDir, this.dir] = [this.dir, this.keptDir];
          break;
        }
      }
      const alpha = Math.min(TAU * aMax, 1);
      const stepY = alpha * normInf(this.dir.y);
      const stepX = alpha * normInf(this.dir.x);
      const muNew = takeStep(it, this.dir, alpha, rows);
      muNext = muNew;
      if (mu > LOOSE_SNAPSHOT_MU && muNew <= LOOSE_SNAPSHOT_MU && !polishing) {
        this.loose = new Iterate(this.n, m);
        this.loose.copyFrom(it);
      }
      const snapped = !this.snapshot && !polishing && muNew <= SNAPSHOT_MU;
      if (snapped) {
        this.snapshot = new Iterate(this.n, m);
        this.snapshot.copyFrom(it);
      }
      const ny = normInf(it.y);
      const nx = normInf(it.x);
      diverging = { y: ny > DIVERGE_NORM && stepY >= 0.5 * ny, x: nx > DIVERGE_NORM && stepX >= 0.5 * nx };
      // The proximal terms fade as the steps approach one; a blocked step gets more regularisation.
      if (fromSnapshot && alpha < BLOCKED_STEP) {
        rho = Math.max(rho, RHO_INIT);
        delta = Math.max(delta, DELTA_INIT);
      } else if (alpha < BLOCKED_STEP || (this.newton.regularizedPivots > 0 && alpha < 0.5)) {
        rho = Math.min(rho * 10, Math.max(REG_BUMP_MAX, rho));
        delta = Math.min(delta * 10, Math.max(REG_BUMP_MAX, delta));
      } else {
        rho = Math.max(rho * (1 - alpha), REG_MIN);
        delta = Math.max(delta * (1 - alpha), REG_MIN);
      }
      if (snapped) this.snapshotReg = [rho, delta];
    }

    if (polishing) {
      this.it.copyFrom(polishing.kept);
      status = 'solved';
    }
    if (!certificate && (status === 'max_iter_reached' || status === 'time_limit_reached' || status === 'numerical_error') && Number.isFinite(res.prim)) {
      if (meets(res, loose, m) && this.it.isFinite()) status = 'solved_inaccurate';
    }
    if (certificate) status = certificate.primal ? 'primal_infeasible' : 'dual_infeasible';
    const polishStatus: PolishStatus = !(st.polish && status === 'solved') ? 'not_run' : improved ? 'success' : 'failed';
    return this.result(status, iter, rho, polishStatus, certificate?.c, performance.now() - t0);
  }

  /** Ãx̃, P̃x̃, Ãᵀỹ at the current iterate. */
  private products(): void {
    const { n, m, user } = this;
    matVec(m, n, user.Ap, user.Ai, this.Ax, this.it.x, this.ax);
    symUpperMatVec(n, user.Pp, user.Pi, this.Px, this.it.x, this.px);
    matTVec(n, user.Ap, user.Ai, this.Ax, this.it.y, this.aty);
  }

  /** r_d = P̃x + q̃ + Ãᵀy; per row r_l = ãx − sₗ − l̃ (ãx − l̃ on equality rows), r_u = ãx + sᵤ − ũ. */
  private residualVectors(): void {
    const { rows, it, rd, rl, ru, ax } = this;
    for (let j = 0; j < this.n; j++) rd[j] = this.px[j]! + this.q[j]! + this.aty[j]!;
    for (let i = 0; i < this.m; i++) {
      if (rows.eq[i]) rl[i] = ax[i]! - this.l[i]!;
      if (rows.hasL[i]) rl[i] = ax[i]! - it.sl[i]! - this.l[i]!;
      if (rows.hasU[i]) ru[i] = ax[i]! + it.su[i]! - this.u[i]!;
    }
  }

  /** Certificates from diverging iterates only, each where its residual test fails. */
  private certificates(res: Residuals, tol: Tolerances, st: QpSettings, diverging: { y: boolean; x: boolean }): { primal: boolean; c: Float64Array } | undefined {
    const primOk = this.m === 0 || res.prim < tol.epsAbs + tol.epsRel * res.primNorm;
    const dualOk = res.dual < tol.epsAbs + tol.epsRel * res.dualNorm;
    if (!primOk && diverging.y) {
      for (const c of [this.it.y, this.dir.y]) {
        const cert = primalCertificate(this.user, this.scaling, this.rows, c, st.epsPrimInf, this.tmpN);
        if (cert) return { primal: true, c: cert };
      }
    }
    if (!dualOk && diverging.x) {
      for (const c of [this.it.x, this.dir.x]) {
        const cert = dualCertificate(this.user, this.scaling, c, st.epsDualInf, this.tmpN, this.tmpM);
        if (cert) return { primal: false, c: cert };
      }
    }
    return undefined;
  }

  /** Diagonals of the Newton matrix at the current iterate. */
  private newtonMatrix(rho: number, delta: number): void {
    const { rows, it, w, xDiag, rowDiag } = this;
    xDiag.fill(rho);
    for (let i = 0; i < this.m; i++) {
      if (rows.eq[i] || rows.isFree(i)) continue;
      let wi = 0;
      if (rows.hasL[i]) wi += it.ll[i]! / (it.sl[i]! + delta * it.ll[i]!);
      if (rows.hasU[i]) wi += it.lu[i]! / (it.su[i]! + delta * it.lu[i]!);
      w[i] = wi;
      const k = rows.absorbed[i]!;
      if (k >= 0) {
        const a = this.Ax[k]!;
        xDiag[rows.absorbedCol[i]!]! += a * a * wi;
      }
    }
    for (let r = 0; r < rows.kept.length; r++) {
      const i = rows.kept[r]!;
      rowDiag[r] = rows.eq[i] ? delta : 1 / w[i]!;
    }
    this.newton.setDiagonals(xDiag, rowDiag, 0, 0);
  }

  /**
   * The Newton direction for complementarity targets (cl, cu) into `dir` (derivation in the Rust
   * twin): per inequality row ãΔx − Δy/W = −G/W, W = Σ λ/(s + δλ),
   * G = (cᵤ + λᵤr_u)/(sᵤ + δλᵤ) − (cₗ − λₗr_l)/(sₗ + δλₗ).
   */
  private direction(delta: number): void {
    const { n, m, rows, it, rhs, rd, rl, ru, cl, cu, w } = this;
    for (let j = 0; j < n; j++) rhs[j] = -rd[j]!;
    for (let i = 0; i < m; i++) {
      if (rows.isFree(i)) continue;
      if (rows.eq[i]) {
        rhs[rows.node[i]!] = -rl[i]!;
        continue;
      }
      let gi = 0;
      if (rows.hasU[i]) gi += (cu[i]! + it.lu[i]! * ru[i]!) / (it.su[i]! + delta * it.lu[i]!);
      if (rows.hasL[i]) gi -= (cl[i]! - it.ll[i]! * rl[i]!) / (it.sl[i]! + delta * it.ll[i]!);
      const k = rows.absorbed[i]!;
      if (k >= 0) rhs[rows.absorbedCol[i]!]! -= this.Ax[k]! * gi;
      else rhs[rows.node[i]!] = -gi / w[i]!;
    }
    this.newton.solve(rhs);
    const d = this.dir;
    d.x.set(rhs.subarray(0, n));
    const ad = this.ad;
    matVec(m, n, this.user.Ap, this.user.Ai, this.Ax, d.x, ad);
    for (let i = 0; i < m; i++) {
      if (rows.isFree(i)) {
        d.y[i] = 0;
        continue;
      }
      if (rows.eq[i]) {
        d.y[i] = rhs[rows.node[i]!]!;
        continue;
      }
      const hl = rows.hasL[i] === 1;
      const hu = rows.hasU[i] === 1;
      const rli = rl[i]!;
      const rui = ru[i]!;
      const cli = cl[i]!;
      const cui = cu[i]!;
      const sl = it.sl[i]!;
      const ll = it.ll[i]!;
      const su = it.su[i]!;
      const lu = it.lu[i]!;
      const adi = ad[i]!;
      // Two routes per side (see the Rust twin): from the primal row, or from the solve's Δy.
      const primalL = () => {
        d.ll[i] = (cli - ll * (rli + adi)) / (sl + delta * ll);
        d.sl[i] = rli + adi + delta * d.ll[i]!;
      };
      const primalU = () => {
        d.lu[i] = (cui + lu * (rui + adi)) / (su + delta * lu);
        d.su[i] = -rui - adi + delta * d.lu[i]!;
      };
      const dualL = (v: number) => {
        d.ll[i] = v;
        d.sl[i] = (cli - sl * v) / ll;
      };
      const dualU = (v: number) => {
        d.lu[i] = v;
        d.su[i] = (cui - su * v) / lu;
      };
      if (rows.absorbed[i]! >= 0) {
        if (hl) primalL();
        if (hu) primalU();
      } else {
        const dy = rhs[rows.node[i]!]!;
        const tl = hl ? ll / sl : -1;
        const tu = hu ? lu / su : -1;
        if (hl && hu) {
          if (tu >= tl) {
            primalL();
            if (tu >= 1) dualU(dy + d.ll[i]!);
            else primalU();
          } else {
            primalU();
            if (tl >= 1) dualL(d.lu[i]! - dy);
            else primalL();
          }
        } else if (hl) {
          if (tl >= 1) dualL(-dy);
          else primalL();
        } else if (tu >= 1) dualU(dy);
        else primalU();
      }
      d.y[i] = (hu ? d.lu[i]! : 0) - (hl ? d.ll[i]! : 0);
    }
  }

  /** Cold start: the least-squares point of [P̃ + ρI, Ãᵀ; Ã, −I] (equalities −δ) against the bounds' targets, then centred. */
  private coldPoint(rho: number, delta: number): boolean {
    const { n, m, rows, rhs, it } = this;
    const target = (l: number, u: number) => (Number.isFinite(l) && Number.isFinite(u) ? 0.5 * (l + u) : Number.isFinite(l) ? l : Number.isFinite(u) ? u : 0);
    this.xDiag.fill(rho);
    for (let j = 0; j < n; j++) rhs[j] = -this.q[j]!;
    for (let i = 0; i < m; i++) {
      const k = rows.absorbed[i]!;
      if (k >= 0) {
        const a = this.Ax[k]!;
        const j = rows.absorbedCol[i]!;
        this.xDiag[j]! += a * a;
        rhs[j]! += a * target(this.l[i]!, this.u[i]!);
      }
    }
    for (let r = 0; r < rows.kept.length; r++) {
      const i = rows.kept[r]!;
      this.rowDiag[r] = rows.eq[i] ? delta : 1;
      rhs[n + r] = target(this.l[i]!, this.u[i]!);
    }
    this.newton.setDiagonals(this.xDiag, this.rowDiag, 0, 0);
    if (this.newton.factor(DYN) !== 'ok') return false;
    this.newton.solve(rhs);
    it.x.set(rhs.subarray(0, n));
    matVec(m, n, this.user.Ap, this.user.Ai, this.Ax, it.x, this.ax);
    for (let i = 0; i < m; i++) {
      const l = this.l[i]!;
      const u = this.u[i]!;
      const y = rows.isFree(i) ? 0 : rows.absorbed[i]! >= 0 ? this.ax[i]! - target(l, u) : rhs[rows.node[i]!]!;
      it.y[i] = y;
      if (rows.hasL[i]) {
        it.sl[i] = this.ax[i]! - l;
        it.ll[i] = -y;
      }
      if (rows.hasU[i]) {
        it.su[i] = u - this.ax[i]!;
        it.lu[i] = y;
      }
    }
    centerStart(it, rows, START_FLOOR);
    return it.isFinite();
  }

  /** Warm start from (x, y) (scaled): each pair moved to complementarity about WARM_MU, raising its smaller member. */
  private warmPoint(): boolean {
    const start = this.start;
    if (!start) return false;
    const { m, rows, it } = this;
    it.x.set(start.x);
    matVec(m, this.n, this.user.Ap, this.user.Ai, this.Ax, it.x, this.ax);
    const floor = Math.sqrt(WARM_MU);
    const pair = (s0: number, l0: number): [number, number] => {
      const s = Math.max(s0, 0);
      const l = Math.max(l0, 0);
      if (s >= l) {
        const s1 = Math.max(s, floor);
        return [s1, Math.max(l, WARM_MU / s1)];
      }
      const l1 = Math.max(l, floor);
      return [Math.max(s, WARM_MU / l1), l1];
    };
    for (let i = 0; i < m; i++) {
      it.y[i] = rows.isFree(i) ? 0 : start.y[i]!;
      if (rows.hasL[i]) [it.sl[i], it.ll[i]] = pair(this.ax[i]! - this.l[i]!, -start.y[i]!);
      if (rows.hasU[i]) [it.su[i], it.lu[i]] = pair(this.u[i]! - this.ax[i]!, start.y[i]!);
    }
    it.syncY(rows);
    return it.isFinite();
  }

  private result(status: QpStatus, iterations: number, rho: number, polish: PolishStatus, certificate: Float64Array | undefined, solveTimeMs: number): QpResult {
    const { n, m, scaling, user } = this;
    let x = new Float64Array(0);
    let y = new Float64Array(0);
    let objective = NaN;
    let primalResidual = NaN;
    let dualResidual = NaN;
    if (HAS_SOLUTION.has(status)) {
      x = new Float64Array(n);
      y = new Float64Array(m);
      for (let j = 0; j < n; j++) x[j] = scaling.D[j]! * this.it.x[j]!;
      for (let i = 0; i < m; i++) y[i] = scaling.cinv * scaling.E[i]! * this.it.y[i]!;
      const ax = new Float64Array(m);
      matVec(m, n, user.Ap, user.Ai, user.Ax, x, ax);
      primalResidual = 0;
      for (let i = 0; i < m; i++) primalResidual = Math.max(primalResidual, Math.abs(ax[i]! - Math.min(Math.max(ax[i]!, user.l[i]!), user.u[i]!)));
      const px = new Float64Array(n);
      const aty = new Float64Array(n);
      symUpperMatVec(n, user.Pp, user.Pi, user.Px, x, px);
      matTVec(n, user.Ap, user.Ai, user.Ax, y, aty);
      dualResidual = 0;
      for (let j = 0; j < n; j++) dualResidual = Math.max(dualResidual, Math.abs(px[j]! + user.q[j]! + aty[j]!));
      objective = 0.5 * dot(x, px) + dot(user.q, x) + this.r;
      this.start = { x: Float64Array.from(this.it.x), y: Float64Array.from(this.it.y) };
    } else {
      objective = status === 'primal_infeasible' ? Infinity : status === 'dual_infeasible' ? -Infinity : NaN;
      this.start = undefined;
      this.snapshot = undefined;
      this.loose = undefined;
    }
    const info = {
      status,
      method: 'ipm' as const,
      iterations,
      objective,
      primalResidual,
      dualResidual,
      rho,
      rhoUpdates: 0,
      polish,
      setupTimeMs: this.setupTimeMs,
      solveTimeMs,
      polishTimeMs: 0,
      backend: 'ts' as const,
      factorNnz: this.newton.nnzL,
    };
    return {
      status,
      objective,
      x,
      y,
      ...(status === 'primal_infeasible' && certificate ? { primalInfeasibilityCertificate: certificate } : {}),
      ...(status === 'dual_infeasible' && certificate ? { dualInfeasibilityCertificate: certificate } : {}),
      info,
    };
  }

  updateQ(q: Float64Array): void {
    this.assertLive();
    const t0 = performance.now();
    checkVector(q, this.n, 'q', false);
    this.user.q.set(q);
    this.scaling.scaleQ(this.user.q, this.q);
    this.pendingMs += performance.now() - t0;
  }

  updateBounds(l: Float64Array, u: Float64Array): void {
    this.assertLive();
    const t0 = performance.now();
    checkBounds(l, u, this.m);
    this.user.l.set(l);
    this.user.u.set(u);
    normalizeInfiniteBounds(this.user.l, this.user.u);
    this.scaling.scaleBounds(this.user.l, this.user.u, this.l, this.u);
    this.reclassify();
    this.pendingMs += performance.now() - t0;
  }

  /** Rebuilds the Newton system's structure when a row changed class. */
  private reclassify(): void {
    const rows = new RowClasses(this.m, this.n, this.user.Ap, this.user.Ai, this.l, this.u);
    if (rows.equals(this.rows)) return;
    this.snapshot = undefined;
    this.loose = undefined;
    this.rows = rows;
    this.newton = new NewtonSystem(this.n, this.user.Pp, this.user.Pi, this.user.Ap, this.user.Ai, rows);
    this.newton.setMatrices(this.user.Pp, this.Px, this.Ax);
    this.rowDiag = new Float64Array(rows.kept.length);
    this.rhs = new Float64Array(this.newton.dim);
  }

  updatePValues(values: Float64Array): void {
    this.assertLive();
    const t0 = performance.now();
    checkVector(values, this.user.Px.length, 'P.values', false);
    const staysPsd = keepsPsd(this.n, this.user.Pp, this.user.Pi, this.user.Px, values);
    const old = Float64Array.from(this.user.Px);
    this.user.Px.set(values);
    try {
      this.refreshScaling();
      // No factorisation needed to know P is still PSD (a price move's impact terms).
      if (!staysPsd) this.checkConvexity();
    } catch (e) {
      this.user.Px.set(old);
      this.refreshScaling();
      this.checkConvexity();
      throw e;
    }
    this.pendingMs += performance.now() - t0;
  }

  /** New A values: the rescaling waits for the next P update or solve (P unchanged: no convexity check). */
  updateAValues(values: Float64Array): void {
    this.assertLive();
    checkVector(values, this.user.Ax.length, 'A.values', false);
    this.user.Ax.set(values);
    this.stale = true;
  }

  /** Rescales from the user data and carries the warm-start points over to the new scaling. */
  private refreshScaling(): void {
    this.stale = false;
    // The current factors on the new values; kept when they stay near the last Ruiz pass's
    // (a rescale below starts again from the user's values).
    const { user, scaling } = this;
    scaling.scaleP(user.Pp, user.Pi, user.Px, this.Px);
    scaling.scaleA(user.Ap, user.Ai, user.Ax, this.Ax);
    if (this.nearRuiz()) {
      this.newton.setMatrices(user.Pp, this.Px, this.Ax);
      return;
    }
    const start = this.userStart();
    const snaps = [this.snapshot, this.loose];
    const { D: d0, E: e0, c: c0 } = { D: Float64Array.from(this.scaling.D), E: Float64Array.from(this.scaling.E), c: this.scaling.c };
    this.rescale();
    this.reclassify();
    this.newton.setMatrices(this.user.Pp, this.Px, this.Ax);
    this.setUserStart(start);
    const { Dinv, Einv, c } = this.scaling;
    for (const snap of snaps) {
      // dropped by reclassify when the row classes changed
      if (!snap || (snap !== this.snapshot && snap !== this.loose)) continue;
      for (let j = 0; j < this.n; j++) snap.x[j]! *= d0[j]! * Dinv[j]!;
      for (let i = 0; i < this.m; i++) {
        const ks = this.scaling.E[i]! / e0[i]!;
        const kl = (e0[i]! / c0) * c * Einv[i]!;
        snap.y[i]! *= kl;
        snap.sl[i]! *= ks;
        snap.su[i]! *= ks;
        snap.ll[i]! *= kl;
        snap.lu[i]! *= kl;
      }
    }
  }

  private userStart(): { x: Float64Array; y: Float64Array } | undefined {
    const s = this.start;
    if (!s) return undefined;
    const { D, E, cinv } = this.scaling;
    return { x: s.x.map((v, j) => v * D[j]!), y: s.y.map((v, i) => v * E[i]! * cinv) };
  }

  private setUserStart(s: { x: Float64Array; y: Float64Array } | undefined): void {
    if (!s) return;
    const { Dinv, Einv, c } = this.scaling;
    this.start = { x: s.x.map((v, j) => v * Dinv[j]!), y: s.y.map((v, i) => v * Einv[i]! * c) };
  }

  updateSettings(partial: Partial<Pick<QpSettings, (typeof UPDATABLE_QP_SETTINGS)[number]>>): void {
    this.assertLive();
    for (const key of Object.keys(partial ?? {})) {
      if (!(UPDATABLE_QP_SETTINGS as readonly string[]).includes(key)) {
        throw new InputError({ path: `settings.${key}`, message: `cannot be changed after setup (updatable: ${UPDATABLE_QP_SETTINGS.join(', ')})` });
      }
    }
    this.settings = resolveQpSettings({ ...this.settings, ...partial });
  }

  /** The next solve starts from (x, y) (user units), even without the warmStart setting. */
  warmStart(x?: Float64Array, y?: Float64Array): void {
    this.assertLive();
    if (x) checkVector(x, this.n, 'x', false);
    if (y) checkVector(y, this.m, 'y', false);
    if (!x && !y) return;
    const { Dinv, Einv, c } = this.scaling;
    const cur = this.start ?? { x: new Float64Array(this.n), y: new Float64Array(this.m) };
    this.start = {
      x: x ? x.map((v, j) => v * Dinv[j]!) : cur.x,
      y: y ? y.map((v, i) => v * Einv[i]! * c) : cur.y,
    };
    this.pendingWarmStart = true;
  }

  dispose(): void {
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('QP workspace used after dispose()');
  }
}

/**
 * Whether P with `values` is PSD whenever P with its current values `px` is, without factoring:
 * every changed entry is on the diagonal and either does not decrease (P + a non-negative
 * diagonal) or is ≥ 0 in a column that is alone (no other entry in its column or row).
 */
export function keepsPsd(n: number, pp: Int32Array, pi: Int32Array, px: Float64Array, values: Float64Array): boolean {
  const alone = new Uint8Array(n).fill(1);
  for (let j = 0; j < n; j++) {
    for (let k = pp[j]!; k < pp[j + 1]!; k++) {
      const i = pi[k]!;
      if (i !== j) alone[i] = alone[j] = 0;
    }
  }
  for (let j = 0; j < n; j++) {
    for (let k = pp[j]!; k < pp[j + 1]!; k++) {
      const was = px[k]!;
      const now = values[k]!;
      if (now === was) continue;
      if (pi[k] !== j || !(now >= was || (alone[j] === 1 && now >= 0))) return false;
    }
  }
  return true;
}
