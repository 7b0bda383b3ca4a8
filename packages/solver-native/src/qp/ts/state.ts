import { InputError } from '../../errors/index.js';
import type { QpProblem, QpSettings } from '../types.js';
import { KktSystem } from './kkt.js';
import { Scaling } from './scaling.js';

export const RHO_MIN = 1e-6;
export const RHO_MAX = 1e6;
/** ρ on equality rows relative to inequality rows. */
export const RHO_EQ_OVER_RHO_INEQ = 1e3;
/** Rows with u − l below this (scaled) are treated as equalities. */
export const RHO_TOL = 1e-4;
export const DIVISION_TOL = 1e-30;

/** Row kinds that decide each row's ρ: free rows get ρ_min, equalities 10³ρ. */
export const ROW_FREE = -1;
export const ROW_INEQUALITY = 0;
export const ROW_EQUALITY = 1;

/**
 * Everything the ADMM iteration touches, allocated once at setup: user data (copies), the
 * scaled data, scaling factors, the KKT system, ρ vectors, iterates and temporaries.
 * Bars (x̄, ȳ, …) are implied: every vector here except `user*` is in scaled units.
 */
export class AdmmState {
  readonly n: number;
  readonly m: number;
  settings: QpSettings;
  // user data, kept to rescale after value updates and to report the objective
  readonly Pp: Int32Array;
  readonly Pi: Int32Array;
  readonly Ap: Int32Array;
  readonly Ai: Int32Array;
  readonly userPx: Float64Array;
  readonly userAx: Float64Array;
  readonly userQ: Float64Array;
  readonly userL: Float64Array;
  readonly userU: Float64Array;
  readonly r: number;
  // scaled data
  readonly Px: Float64Array;
  readonly Ax: Float64Array;
  readonly q: Float64Array;
  readonly l: Float64Array;
  readonly u: Float64Array;
  readonly scaling: Scaling;
  readonly kkt: KktSystem;
  // step size
  rho: number;
  readonly rhoVec: Float64Array;
  readonly rhoInvVec: Float64Array;
  readonly negRhoInv: Float64Array;
  readonly rowKind: Int8Array;
  // iterates (x, z swap with their previous values each iteration)
  x: Float64Array;
  z: Float64Array;
  xPrev: Float64Array;
  zPrev: Float64Array;
  readonly y: Float64Array;
  /** x̃ (first n) and ν (last m) from the KKT solve. */
  readonly xzTilde: Float64Array;
  readonly deltaX: Float64Array;
  readonly deltaY: Float64Array;
  // products and temporaries for residuals and certificates
  readonly Axv: Float64Array;
  readonly Pxv: Float64Array;
  readonly Aty: Float64Array;
  readonly tmpN: Float64Array;
  readonly tmpM: Float64Array;
  // residuals of the last check (user units unless scaledTermination)
  primRes = Infinity;
  dualRes = Infinity;
  scaledPrimRes = Infinity;
  scaledDualRes = Infinity;
  /** Duality gap (user units unless scaledTermination) and its terms (scaled). */
  gap = Infinity;
  xPx = 0;
  qx = 0;
  support = 0;
  rhoUpdates = 0;

  constructor(problem: QpProblem, settings: QpSettings) {
    const { n, m } = problem;
    this.n = n;
    this.m = m;
    this.settings = settings;
    this.Pp = Int32Array.from(problem.P.colPtr);
    this.Pi = Int32Array.from(problem.P.rowIdx);
    this.Ap = Int32Array.from(problem.A.colPtr);
    this.Ai = Int32Array.from(problem.A.rowIdx);
    this.userPx = Float64Array.from(problem.P.values);
    this.userAx = Float64Array.from(problem.A.values);
    this.userQ = Float64Array.from(problem.q);
    this.userL = Float64Array.from(problem.l);
    this.userU = Float64Array.from(problem.u);
    normalizeInfiniteBounds(this.userL, this.userU);
    this.r = problem.r ?? 0;
    this.Px = new Float64Array(this.userPx.length);
    this.Ax = new Float64Array(this.userAx.length);
    this.q = new Float64Array(n);
    this.l = new Float64Array(m);
    this.u = new Float64Array(m);
    this.scaling = new Scaling(n, m);
    this.rho = clampRho(settings.rho);
    this.rhoVec = new Float64Array(m);
    this.rhoInvVec = new Float64Array(m);
    this.negRhoInv = new Float64Array(m);
    this.rowKind = new Int8Array(m).fill(2); // 2 = not yet classified
    this.x = new Float64Array(n);
    this.z = new Float64Array(m);
    this.xPrev = new Float64Array(n);
    this.zPrev = new Float64Array(m);
    this.y = new Float64Array(m);
    this.xzTilde = new Float64Array(n + m);
    this.deltaX = new Float64Array(n);
    this.deltaY = new Float64Array(m);
    this.Axv = new Float64Array(m);
    this.Pxv = new Float64Array(n);
    this.Aty = new Float64Array(n);
    this.tmpN = new Float64Array(n);
    this.tmpM = new Float64Array(m);

    this.kkt = new KktSystem(n, m, this.Pp, this.Pi, this.Ap, this.Ai);
    this.rescale();
    this.classifyRows();
    this.factorKkt();
  }

  /** Recomputes the scaling from user data and all scaled data (P, A, q, l, u). */
  rescale(): void {
    const { n, m } = this;
    this.Px.set(this.userPx);
    this.Ax.set(this.userAx);
    this.q.set(this.userQ);
    this.scaling.equilibrate(this.settings.scalingIterations, n, m, this.Pp, this.Pi, this.Px, this.q, this.Ap, this.Ai, this.Ax);
    this.scaling.scaleBounds(this.userL, this.userU, this.l, this.u);
  }

  /** Classifies rows (free / inequality / equality) and sets ρ per row; true when a kind changed. */
  classifyRows(): boolean {
    const { m, l, u, rowKind } = this;
    let changed = false;
    for (let i = 0; i < m; i++) {
      const li = l[i]!;
      const ui = u[i]!;
      const kind = li === -Infinity && ui === Infinity ? ROW_FREE : ui - li < RHO_TOL ? ROW_EQUALITY : ROW_INEQUALITY;
      if (rowKind[i] !== kind) {
        rowKind[i] = kind;
        changed = true;
      }
    }
    this.setRhoVec();
    return changed;
  }

  setRhoVec(): void {
    const { m, rho, rowKind, rhoVec, rhoInvVec, negRhoInv } = this;
    for (let i = 0; i < m; i++) {
      const k = rowKind[i]!;
      const r = k === ROW_FREE ? RHO_MIN : k === ROW_EQUALITY ? RHO_EQ_OVER_RHO_INEQ * rho : rho;
      rhoVec[i] = r;
      rhoInvVec[i] = 1 / r;
      negRhoInv[i] = -1 / r;
    }
  }

  /** Full numeric refactorisation; P that is not positive semidefinite is an input error. */
  factorKkt(): void {
    const pos = this.kkt.factorAdmm(this.Px, this.settings.sigma, this.Ax, this.Ai, this.negRhoInv);
    this.assertConvex(pos);
  }

  /** Refactors after a ρ change; false on a zero pivot (a numerical error, not an input error). */
  refactorRho(): boolean {
    return this.kkt.refactorRho(this.negRhoInv) === this.n;
  }

  private assertConvex(positivePivots: number): void {
    if (positivePivots === this.n) return;
    throw new InputError({
      path: 'P',
      message:
        positivePivots < 0
          ? 'the KKT system is singular (is P positive semidefinite and are the data finite?)'
          : `must be positive semidefinite: the KKT factorisation found ${this.n - positivePivots} negative curvature direction(s)`,
    });
  }
}

/** Bounds at or beyond ±1e20 are infinite (the JSON convention writes ±1e30). */
export function normalizeInfiniteBounds(l: Float64Array, u: Float64Array): void {
  for (let i = 0; i < l.length; i++) {
    if (l[i]! <= -1e20) l[i] = -Infinity;
    if (u[i]! >= 1e20) u[i] = Infinity;
  }
}

export const clampRho = (rho: number): number => Math.min(Math.max(rho, RHO_MIN), RHO_MAX);
