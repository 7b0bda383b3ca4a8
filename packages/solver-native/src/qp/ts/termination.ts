import { dot, matTVec, matVec, normInf, scaledNormInf, symUpperMatVec } from './csc.js';
import { DIVISION_TOL, type AdmmState } from './state.js';

/** Which terminal status a check found (undefined: keep iterating). */
export type Verdict = 'solved' | 'primal_infeasible' | 'dual_infeasible' | undefined;

/**
 * Residuals at (x, z, y): r_prim = Ax − z, r_dual = Px + q + Aᵀy. Stores Ax, Px, Aᵀy for the
 * tolerances and the ρ estimate, and both scaled and user-unit norms (OSQP's update_info).
 */
export function computeResiduals(s: AdmmState, x: Float64Array, z: Float64Array, y: Float64Array): void {
  const { n, m, scaling, l, u } = s;
  const unscale = s.settings.scalingIterations > 0 && !s.settings.scaledTermination;
  matVec(m, n, s.Ap, s.Ai, s.Ax, x, s.Axv);
  for (let i = 0; i < m; i++) s.tmpM[i] = s.Axv[i]! - z[i]!;
  s.scaledPrimRes = normInf(s.tmpM, m);
  s.primRes = m === 0 ? 0 : unscale ? scaledNormInf(scaling.Einv, s.tmpM, m) : s.scaledPrimRes;

  symUpperMatVec(n, s.Pp, s.Pi, s.Px, x, s.Pxv);
  matTVec(n, s.Ap, s.Ai, s.Ax, y, s.Aty);
  for (let j = 0; j < n; j++) s.tmpN[j] = s.Pxv[j]! + s.q[j]! + s.Aty[j]!;
  s.scaledDualRes = normInf(s.tmpN, n);
  s.dualRes = unscale ? scaling.cinv * scaledNormInf(scaling.Dinv, s.tmpN, n) : s.scaledDualRes;

  // Duality gap xᵀPx + qᵀx + S(y), S the support function of [l, u] at y projected on the
  // polar of the recession cone (OSQP 1.0; ADMM's y never pushes on an infinite bound).
  let support = 0;
  for (let i = 0; i < m; i++) {
    const yi = y[i]!;
    if (yi > 0) {
      if (u[i] !== Infinity) support += u[i]! * yi;
    } else if (yi < 0 && l[i] !== -Infinity) support += l[i]! * yi;
  }
  s.xPx = dot(x, s.Pxv, n);
  s.qx = dot(s.q, x, n);
  s.support = support;
  const gap = Math.abs(s.xPx + s.qx + support);
  s.gap = unscale ? scaling.cinv * gap : gap;
  if (Number.isNaN(s.gap)) s.gap = Infinity;
}

/** ε_prim = ε_abs + ε_rel · max(‖Ax‖, ‖z‖), in the units of the residuals. */
function primalTolerance(s: AdmmState, z: Float64Array, epsAbs: number, epsRel: number): number {
  const unscale = s.settings.scalingIterations > 0 && !s.settings.scaledTermination;
  const Einv = s.scaling.Einv;
  const a = unscale ? scaledNormInf(Einv, s.Axv, s.m) : normInf(s.Axv, s.m);
  const b = unscale ? scaledNormInf(Einv, z, s.m) : normInf(z, s.m);
  return epsAbs + epsRel * Math.max(a, b);
}

/** ε_dual = ε_abs + ε_rel · max(‖Px‖, ‖Aᵀy‖, ‖q‖). */
function dualTolerance(s: AdmmState, epsAbs: number, epsRel: number): number {
  const unscale = s.settings.scalingIterations > 0 && !s.settings.scaledTermination;
  const { Dinv, cinv } = s.scaling;
  const n = s.n;
  const norm = unscale
    ? cinv * Math.max(scaledNormInf(Dinv, s.Pxv, n), scaledNormInf(Dinv, s.Aty, n), scaledNormInf(Dinv, s.q, n))
    : Math.max(normInf(s.Pxv, n), normInf(s.Aty, n), normInf(s.q, n));
  return epsAbs + epsRel * norm;
}

/**
 * Primal infeasibility (OSQP §3.4): δy projected on the polar of the recession cone of
 * [l, u], with ‖Aᵀδy‖ ≤ ε‖δy‖ and uᵀmax(δy, 0) + lᵀmin(δy, 0) < 0. δy is modified in place.
 */
export function isPrimalInfeasible(s: AdmmState, eps: number): boolean {
  const { m, n, l, u, deltaY } = s;
  const unscale = s.settings.scalingIterations > 0 && !s.settings.scaledTermination;
  for (let i = 0; i < m; i++) {
    if (u[i] === Infinity) {
      if (l[i] === -Infinity) deltaY[i] = 0;
      else if (deltaY[i]! > 0) deltaY[i] = 0;
    } else if (l[i] === -Infinity && deltaY[i]! < 0) deltaY[i] = 0;
  }
  const norm = unscale ? scaledNormInf(s.scaling.E, deltaY, m) : normInf(deltaY, m);
  if (!(norm > DIVISION_TOL)) return false;
  let support = 0;
  for (let i = 0; i < m; i++) {
    const d = deltaY[i]!;
    if (d > 0) support += u[i]! * d;
    else if (d < 0) support += l[i]! * d;
  }
  if (!(support < 0)) return false;
  matTVec(n, s.Ap, s.Ai, s.Ax, deltaY, s.tmpN);
  const aty = unscale ? scaledNormInf(s.scaling.Dinv, s.tmpN, n) : normInf(s.tmpN, n);
  return aty < eps * norm;
}

/**
 * Dual infeasibility (unboundedness): δx with qᵀδx < 0, ‖Pδx‖ ≤ ε‖δx‖ and Aδx in the
 * recession cone of [l, u] up to ε‖δx‖.
 */
export function isDualInfeasible(s: AdmmState, eps: number): boolean {
  const { m, n, l, u, deltaX, scaling } = s;
  const unscale = s.settings.scalingIterations > 0 && !s.settings.scaledTermination;
  const norm = unscale ? scaledNormInf(scaling.D, deltaX, n) : normInf(deltaX, n);
  const costScale = unscale ? scaling.c : 1;
  if (!(norm > DIVISION_TOL)) return false;
  if (!(dot(s.q, deltaX, n) < 0)) return false;
  symUpperMatVec(n, s.Pp, s.Pi, s.Px, deltaX, s.tmpN);
  const pdx = unscale ? scaledNormInf(scaling.Dinv, s.tmpN, n) : normInf(s.tmpN, n);
  if (!(pdx < costScale * eps * norm)) return false;
  matVec(m, n, s.Ap, s.Ai, s.Ax, deltaX, s.tmpM);
  const tol = eps * norm;
  for (let i = 0; i < m; i++) {
    const a = unscale ? scaling.Einv[i]! * s.tmpM[i]! : s.tmpM[i]!;
    if (u[i] !== Infinity && a > tol) return false;
    if (l[i] !== -Infinity && a < -tol) return false;
  }
  return true;
}

/** ε_gap = ε_abs + ε_rel · max(|xᵀPx|, |qᵀx|, |S(y)|). */
function gapTolerance(s: AdmmState, epsAbs: number, epsRel: number): number {
  const unscale = s.settings.scalingIterations > 0 && !s.settings.scaledTermination;
  const norm = Math.max(Math.abs(s.xPx), Math.abs(s.qx), Number.isFinite(s.support) ? Math.abs(s.support) : 0);
  return epsAbs + epsRel * (unscale ? s.scaling.cinv * norm : norm);
}

/** Optimality at the point whose residuals `computeResiduals` stored (tolerances times `factor`). */
export function isSolved(s: AdmmState, z: Float64Array, factor: number): boolean {
  const { epsAbs, epsRel } = s.settings;
  const a = factor * epsAbs;
  const r = factor * epsRel;
  return (s.m === 0 || s.primRes < primalTolerance(s, z, a, r)) && s.dualRes < dualTolerance(s, a, r) && s.gap < gapTolerance(s, a, r);
}

/**
 * OSQP's check_termination on residuals computed by `computeResiduals` at (x, z, y).
 * `approximate` relaxes every tolerance tenfold (used after max_iter / time limit).
 */
export function checkTermination(s: AdmmState, z: Float64Array, approximate: boolean): Verdict {
  const f = approximate ? 10 : 1;
  const { epsAbs, epsRel, epsPrimInf, epsDualInf } = s.settings;
  let primOk = false;
  let primInf = false;
  if (s.m === 0) primOk = true;
  else if (s.primRes < primalTolerance(s, z, f * epsAbs, f * epsRel)) primOk = true;
  else primInf = isPrimalInfeasible(s, f * epsPrimInf);
  let dualOk = false;
  let dualInf = false;
  if (s.dualRes < dualTolerance(s, f * epsAbs, f * epsRel)) dualOk = true;
  else dualInf = isDualInfeasible(s, f * epsDualInf);
  if (primOk && dualOk && s.gap < gapTolerance(s, f * epsAbs, f * epsRel)) return 'solved';
  if (primInf) return 'primal_infeasible';
  if (dualInf) return 'dual_infeasible';
  return undefined;
}

/** ρ estimate from scaled residuals normalised as in OSQP (needs `computeResiduals` first). */
export function estimateRho(s: AdmmState): number {
  const { n, m } = s;
  const primNorm = Math.max(normInf(s.z, m), normInf(s.Axv, m));
  const dualNorm = Math.max(normInf(s.q, n), normInf(s.Aty, n), normInf(s.Pxv, n));
  const prim = s.scaledPrimRes / (primNorm + DIVISION_TOL);
  const dual = s.scaledDualRes / (dualNorm + DIVISION_TOL);
  return s.rho * Math.sqrt(prim / (dual + DIVISION_TOL));
}
