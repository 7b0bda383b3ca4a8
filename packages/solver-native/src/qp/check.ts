import type { QpProblem, QpResult } from './types.js';

/**
 * The independent checker: everything is recomputed from the raw problem (user units, the
 * caller's arrays), nothing is taken from the solver but the returned vectors. A status is
 * only "verified" when these checks agree with it.
 */

export interface QpCheckTolerances {
  /** Absolute tolerance on residuals and the duality gap. */
  readonly epsAbs: number;
  /** Relative tolerance, scaled by the norms of the terms (OSQP's criteria). */
  readonly epsRel: number;
  /** Tolerance for infeasibility certificates, relative to the certificate's norm. */
  readonly epsInf: number;
}

export const DEFAULT_QP_CHECK_TOLERANCES: QpCheckTolerances = Object.freeze({ epsAbs: 1e-5, epsRel: 1e-5, epsInf: 1e-4 });

export interface QpSolutionCheck {
  readonly ok: boolean;
  /** ‖Ax − Π[l,u](Ax)‖∞ */
  readonly primalResidual: number;
  /** ‖Px + q + Aᵀy‖∞ */
  readonly dualResidual: number;
  /** |xᵀPx + qᵀx + S(y)| with S(y) = uᵀmax(y,0) + lᵀmin(y,0), the support function of [l, u]. */
  readonly dualityGap: number;
  /** Largest |yᵢ| pushing against an infinite bound, or a bound the point is away from, times that distance. */
  readonly complementarity: number;
  readonly primalTolerance: number;
  readonly dualTolerance: number;
  readonly gapTolerance: number;
  /** ½xᵀPx + qᵀx + r */
  readonly objective: number;
  readonly reasons: readonly string[];
}

export interface QpCertificateCheck {
  readonly ok: boolean;
  readonly reasons: readonly string[];
}

function symMatVec(p: QpProblem, x: Float64Array): Float64Array {
  const { colPtr, rowIdx, values } = p.P;
  const out = new Float64Array(p.n);
  for (let j = 0; j < p.n; j++) {
    for (let k = colPtr[j]!; k < colPtr[j + 1]!; k++) {
      const i = rowIdx[k]!;
      out[i]! += values[k]! * x[j]!;
      if (i !== j) out[j]! += values[k]! * x[i]!;
    }
  }
  return out;
}

function aMul(p: QpProblem, x: Float64Array): Float64Array {
  const { colPtr, rowIdx, values } = p.A;
  const out = new Float64Array(p.m);
  for (let j = 0; j < p.n; j++) for (let k = colPtr[j]!; k < colPtr[j + 1]!; k++) out[rowIdx[k]!]! += values[k]! * x[j]!;
  return out;
}

function aTMul(p: QpProblem, y: Float64Array): Float64Array {
  const { colPtr, rowIdx, values } = p.A;
  const out = new Float64Array(p.n);
  for (let j = 0; j < p.n; j++) for (let k = colPtr[j]!; k < colPtr[j + 1]!; k++) out[j]! += values[k]! * y[rowIdx[k]!]!;
  return out;
}

const normInf = (v: Float64Array): number => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
const isInfBound = (v: number): boolean => !Number.isFinite(v) || Math.abs(v) >= 1e20;

/** ½xᵀPx + qᵀx + r recomputed from the problem. */
export function evaluateQpObjective(p: QpProblem, x: Float64Array): number {
  return 0.5 * dot(x, symMatVec(p, x)) + dot(p.q, x) + (p.r ?? 0);
}

/**
 * Checks a primal–dual pair against OSQP's optimality criteria with the given tolerances,
 * plus the duality gap and the sign of y against infinite bounds.
 */
export function validateQpSolution(p: QpProblem, x: Float64Array, y: Float64Array, tol: QpCheckTolerances = DEFAULT_QP_CHECK_TOLERANCES): QpSolutionCheck {
  const reasons: string[] = [];
  if (x.length !== p.n || y.length !== p.m) {
    return {
      ok: false,
      primalResidual: NaN,
      dualResidual: NaN,
      dualityGap: NaN,
      complementarity: NaN,
      primalTolerance: 0,
      dualTolerance: 0,
      gapTolerance: 0,
      objective: NaN,
      reasons: [`x has length ${x.length} (n = ${p.n}), y has length ${y.length} (m = ${p.m})`],
    };
  }
  const Ax = aMul(p, x);
  const Px = symMatVec(p, x);
  const Aty = aTMul(p, y);
  let primal = 0;
  let zNorm = 0;
  let support = 0;
  let complementarity = 0;
  for (let i = 0; i < p.m; i++) {
    const lo = p.l[i]!;
    const hi = p.u[i]!;
    const a = Ax[i]!;
    const z = Math.min(Math.max(a, isInfBound(lo) ? -Infinity : lo), isInfBound(hi) ? Infinity : hi);
    primal = Math.max(primal, Math.abs(a - z));
    zNorm = Math.max(zNorm, Math.abs(z));
    const yi = y[i]!;
    if (yi > 0) {
      if (isInfBound(hi)) complementarity = Math.max(complementarity, yi);
      else {
        support += hi * yi;
        complementarity = Math.max(complementarity, yi * Math.abs(hi - z));
      }
    } else if (yi < 0) {
      if (isInfBound(lo)) complementarity = Math.max(complementarity, -yi);
      else {
        support += lo * yi;
        complementarity = Math.max(complementarity, -yi * Math.abs(z - lo));
      }
    }
  }
  let dual = 0;
  for (let j = 0; j < p.n; j++) dual = Math.max(dual, Math.abs(Px[j]! + p.q[j]! + Aty[j]!));
  const xPx = dot(x, Px);
  const qx = dot(p.q, x);
  const gap = Math.abs(xPx + qx + support);
  const primalTolerance = tol.epsAbs + tol.epsRel * Math.max(normInf(Ax), zNorm);
  const dualTolerance = tol.epsAbs + tol.epsRel * Math.max(normInf(Px), normInf(Aty), normInf(p.q));
  const gapTolerance = tol.epsAbs + tol.epsRel * Math.max(Math.abs(xPx), Math.abs(qx), Math.abs(support));
  const finite = [...x, ...y].every(Number.isFinite);
  if (!finite) reasons.push('x or y has non-finite entries');
  if (!(primal <= primalTolerance)) reasons.push(`primal residual ${primal.toExponential(2)} > ${primalTolerance.toExponential(2)}`);
  if (!(dual <= dualTolerance)) reasons.push(`dual residual ${dual.toExponential(2)} > ${dualTolerance.toExponential(2)}`);
  if (!(gap <= gapTolerance)) reasons.push(`duality gap ${gap.toExponential(2)} > ${gapTolerance.toExponential(2)}`);
  // y pushing on an infinite bound makes the dual objective −∞: a wrong sign, not a rounding issue.
  if (!(complementarity <= Math.max(gapTolerance, dualTolerance))) reasons.push(`complementarity/sign violation ${complementarity.toExponential(2)}`);
  return {
    ok: reasons.length === 0,
    primalResidual: primal,
    dualResidual: dual,
    dualityGap: gap,
    complementarity,
    primalTolerance,
    dualTolerance,
    gapTolerance,
    objective: xPx / 2 + qx + (p.r ?? 0),
    reasons,
  };
}

/** δy certifies infeasibility when Aᵀδy ≈ 0 and uᵀmax(δy,0) + lᵀmin(δy,0) < 0. */
export function validatePrimalInfeasibilityCertificate(p: QpProblem, dy: Float64Array, epsInf = DEFAULT_QP_CHECK_TOLERANCES.epsInf): QpCertificateCheck {
  const reasons: string[] = [];
  if (dy.length !== p.m) return { ok: false, reasons: [`certificate has length ${dy.length}, m = ${p.m}`] };
  const norm = normInf(dy);
  if (!(norm > 0) || !dy.every(Number.isFinite)) return { ok: false, reasons: ['certificate is zero or non-finite'] };
  const aty = normInf(aTMul(p, dy));
  if (!(aty <= epsInf * norm)) reasons.push(`‖Aᵀδy‖ = ${aty.toExponential(2)} > ${(epsInf * norm).toExponential(2)}`);
  let support = 0;
  for (let i = 0; i < p.m; i++) {
    const d = dy[i]!;
    if (d > 0) {
      if (isInfBound(p.u[i]!)) {
        if (d > epsInf * norm) reasons.push(`δy[${i}] = ${d} > 0 against an infinite upper bound`);
      } else support += p.u[i]! * d;
    } else if (d < 0) {
      if (isInfBound(p.l[i]!)) {
        if (-d > epsInf * norm) reasons.push(`δy[${i}] = ${d} < 0 against an infinite lower bound`);
      } else support += p.l[i]! * d;
    }
  }
  if (!(support < -epsInf * norm)) reasons.push(`uᵀmax(δy,0) + lᵀmin(δy,0) = ${support.toExponential(2)} is not negative`);
  return { ok: reasons.length === 0, reasons };
}

/** δx certifies unboundedness when Pδx ≈ 0, qᵀδx < 0 and Aδx lies in the recession cone of [l, u]. */
export function validateDualInfeasibilityCertificate(p: QpProblem, dx: Float64Array, epsInf = DEFAULT_QP_CHECK_TOLERANCES.epsInf): QpCertificateCheck {
  const reasons: string[] = [];
  if (dx.length !== p.n) return { ok: false, reasons: [`certificate has length ${dx.length}, n = ${p.n}`] };
  const norm = normInf(dx);
  if (!(norm > 0) || !dx.every(Number.isFinite)) return { ok: false, reasons: ['certificate is zero or non-finite'] };
  const pdx = normInf(symMatVec(p, dx));
  if (!(pdx <= epsInf * norm)) reasons.push(`‖Pδx‖ = ${pdx.toExponential(2)} > ${(epsInf * norm).toExponential(2)}`);
  const qdx = dot(p.q, dx);
  if (!(qdx < -epsInf * norm)) reasons.push(`qᵀδx = ${qdx.toExponential(2)} is not negative`);
  const adx = aMul(p, dx);
  for (let i = 0; i < p.m && reasons.length < 10; i++) {
    if (!isInfBound(p.u[i]!) && adx[i]! > epsInf * norm) reasons.push(`(Aδx)[${i}] = ${adx[i]!.toExponential(2)} > 0 with a finite upper bound`);
    if (!isInfBound(p.l[i]!) && adx[i]! < -epsInf * norm) reasons.push(`(Aδx)[${i}] = ${adx[i]!.toExponential(2)} < 0 with a finite lower bound`);
  }
  return { ok: reasons.length === 0, reasons };
}

export interface QpResultCheck {
  /** True when the result's status claim is backed by the independent checks. */
  readonly verified: boolean;
  readonly reasons: readonly string[];
  readonly solution?: QpSolutionCheck;
}

/**
 * Verifies what a result claims: `solved` → the optimality checks pass; `primal_infeasible` /
 * `dual_infeasible` → the certificate is valid. Other statuses claim nothing and verify trivially
 * (`solution` still reports the returned point's residuals when there is one).
 */
export function validateQpResult(p: QpProblem, r: QpResult, tol: QpCheckTolerances = DEFAULT_QP_CHECK_TOLERANCES): QpResultCheck {
  switch (r.status) {
    case 'solved': {
      const solution = validateQpSolution(p, r.x, r.y, tol);
      const reasons = [...solution.reasons];
      const objErr = Math.abs(solution.objective - r.objective);
      if (!(objErr <= 1e-9 * Math.max(1, Math.abs(solution.objective)))) reasons.push(`reported objective ${r.objective} differs from recomputed ${solution.objective}`);
      return { verified: reasons.length === 0, reasons, solution };
    }
    case 'primal_infeasible': {
      if (!r.primalInfeasibilityCertificate) return { verified: false, reasons: ['no primal infeasibility certificate'] };
      const c = validatePrimalInfeasibilityCertificate(p, r.primalInfeasibilityCertificate, tol.epsInf);
      return { verified: c.ok, reasons: c.reasons };
    }
    case 'dual_infeasible': {
      if (!r.dualInfeasibilityCertificate) return { verified: false, reasons: ['no dual infeasibility certificate'] };
      const c = validateDualInfeasibilityCertificate(p, r.dualInfeasibilityCertificate, tol.epsInf);
      return { verified: c.ok, reasons: c.reasons };
    }
    default: {
      const solution = r.x.length === p.n && r.y.length === p.m ? validateQpSolution(p, r.x, r.y, tol) : undefined;
      return { verified: true, reasons: [], ...(solution ? { solution } : {}) };
    }
  }
}
