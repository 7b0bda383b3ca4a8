/**
 * Optimality and infeasibility tests in user units with the independent checker's criteria
 * (as `crates/qp/src/ipm/measure.rs`): primal ‖Ax − Π(Ax)‖∞, dual ‖Px + q + Aᵀy‖∞, gap
 * |xᵀPx + qᵀx + S(y)|, each against ε_abs + ε_rel·(its norms). Products come from the scaled
 * ones. A certificate is claimed only when it passes the checker's test on the user data with
 * half the tolerance, and its residual part is small against its objective part.
 */
import { matTVec, matVec, normInf, symUpperMatVec } from '../csc.js';
import type { Scaling } from '../scaling.js';
import type { RowClasses } from './rows.js';

const CERTIFICATE_MARGIN = 1e-3;

export interface Residuals {
  prim: number;
  primNorm: number;
  dual: number;
  dualNorm: number;
  gap: number;
  gapNorm: number;
}

/** The user's data (bounds with ±Infinity). */
export interface UserData {
  readonly n: number;
  readonly m: number;
  readonly Pp: Int32Array;
  readonly Pi: Int32Array;
  readonly Px: Float64Array;
  readonly Ap: Int32Array;
  readonly Ai: Int32Array;
  readonly Ax: Float64Array;
  readonly q: Float64Array;
  readonly l: Float64Array;
  readonly u: Float64Array;
}

export function optimality(user: UserData, s: Scaling, qScaled: Float64Array, x: Float64Array, y: Float64Array, ax: Float64Array, px: Float64Array, aty: Float64Array): Residuals {
  const { n, m, l, u, q } = user;
  let prim = 0;
  let primNorm = 0;
  let support = 0;
  for (let i = 0; i < m; i++) {
    const a = ax[i]! * s.Einv[i]!;
    const z = Math.min(Math.max(a, l[i]!), u[i]!);
    prim = Math.max(prim, Math.abs(a - z));
    primNorm = Math.max(primNorm, Math.abs(a), Math.abs(z));
    const yi = y[i]! * s.E[i]! * s.cinv;
    if (yi > 0) support += u[i]! * yi;
    else if (yi < 0) support += l[i]! * yi;
  }
  let dual = 0;
  let pxN = 0;
  let atyN = 0;
  let qN = 0;
  let xpx = 0;
  let qx = 0;
  for (let j = 0; j < n; j++) {
    const k = s.Dinv[j]! * s.cinv;
    const p = px[j]! * k;
    const t = aty[j]! * k;
    const qj = q[j]!;
    dual = Math.max(dual, Math.abs(p + qj + t));
    pxN = Math.max(pxN, Math.abs(p));
    atyN = Math.max(atyN, Math.abs(t));
    qN = Math.max(qN, Math.abs(qj));
    xpx += x[j]! * px[j]!;
    qx += qScaled[j]! * x[j]!;
  }
  xpx *= s.cinv;
  qx *= s.cinv;
  return {
    prim,
    primNorm,
    dual,
    dualNorm: Math.max(pxN, atyN, qN),
    gap: Math.abs(xpx + qx + support),
    gapNorm: Math.max(Math.abs(xpx), Math.abs(qx), Math.abs(support)),
  };
}

/** δy (scaled) as a primal infeasibility certificate; returns it in user units, ‖·‖∞ = 1. */
export function primalCertificate(user: UserData, s: Scaling, rows: RowClasses, dy: Float64Array, eps: number, tmpN: Float64Array): Float64Array | undefined {
  const { m, l, u } = user;
  const c = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const v = dy[i]! * s.E[i]!;
    c[i] = rows.eq[i] || (v > 0 && rows.hasU[i]) || (v < 0 && rows.hasL[i]) ? v : 0;
  }
  const norm = normInf(c);
  if (!(norm > 1e-300) || !Number.isFinite(norm)) return undefined;
  let support = 0;
  for (let i = 0; i < m; i++) {
    c[i] = c[i]! / norm;
    if (c[i]! > 0) support += u[i]! * c[i]!;
    else if (c[i]! < 0) support += l[i]! * c[i]!;
  }
  if (!(support < -eps)) return undefined;
  matTVec(user.n, user.Ap, user.Ai, user.Ax, c, tmpN);
  const aty = normInf(tmpN, user.n);
  return aty <= 0.5 * eps && aty <= CERTIFICATE_MARGIN * -support ? c : undefined;
}

/** δx (scaled) as a dual infeasibility certificate; returns it in user units, ‖·‖∞ = 1. */
export function dualCertificate(user: UserData, s: Scaling, dx: Float64Array, eps: number, tmpN: Float64Array, tmpM: Float64Array): Float64Array | undefined {
  const { n, m, l, u, q } = user;
  const c = new Float64Array(n);
  for (let j = 0; j < n; j++) c[j] = dx[j]! * s.D[j]!;
  const norm = normInf(c);
  if (!(norm > 1e-300) || !Number.isFinite(norm)) return undefined;
  let qc = 0;
  for (let j = 0; j < n; j++) {
    c[j] = c[j]! / norm;
    qc += q[j]! * c[j]!;
  }
  if (!(qc < -eps)) return undefined;
  const tol = Math.min(0.5 * eps, CERTIFICATE_MARGIN * -qc);
  symUpperMatVec(n, user.Pp, user.Pi, user.Px, c, tmpN);
  if (!(normInf(tmpN, n) <= tol)) return undefined;
  matVec(m, n, user.Ap, user.Ai, user.Ax, c, tmpM);
  for (let i = 0; i < m; i++) {
    const v = tmpM[i]!;
    if ((Number.isFinite(u[i]!) && v > tol) || (Number.isFinite(l[i]!) && v < -tol)) return undefined;
  }
  return c;
}
