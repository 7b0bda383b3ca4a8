import type { QpProblem } from './qp-contract.js';

/**
 * An optimality certificate recomputed from the raw QP and the returned primal–dual pair
 * (OSQP's conventions: Px + q + Aᵀy = 0 at the optimum, yᵢ > 0 where the upper bound is active,
 * yᵢ < 0 at the lower). With x feasible, the duality gap
 *   xᵀPx + qᵀx + uᵀmax(y, 0) + lᵀmin(y, 0)
 * bounds how far ½xᵀPx + qᵀx is above the optimum (up to the dual residual's effect).
 */
export interface KktCertificate {
  /** ‖Px + q + Aᵀy‖∞ */
  readonly dualResidual: number;
  readonly dualityGap: number;
  /** |gap| / max(1, |objective|) */
  readonly relativeGap: number;
}

export function kktCertificate(p: QpProblem, x: Float64Array, y: Float64Array): KktCertificate {
  const r = Float64Array.from(p.q);
  const { colPtr: pc, rowIdx: pr, values: pv } = p.P;
  let xPx = 0;
  for (let j = 0; j < p.n; j++) {
    for (let k = pc[j]!; k < pc[j + 1]!; k++) {
      const i = pr[k]!;
      const v = pv[k]!;
      r[i] = r[i]! + v * x[j]!;
      xPx += v * x[i]! * x[j]!;
      if (i !== j) {
        r[j] = r[j]! + v * x[i]!;
        xPx += v * x[i]! * x[j]!;
      }
    }
  }
  const { colPtr: ac, rowIdx: ar, values: av } = p.A;
  for (let j = 0; j < p.n; j++) for (let k = ac[j]!; k < ac[j + 1]!; k++) r[j] = r[j]! + av[k]! * y[ar[k]!]!;
  let dualResidual = 0;
  for (const v of r) dualResidual = Math.max(dualResidual, Math.abs(v));
  let qx = 0;
  for (let j = 0; j < p.n; j++) qx += p.q[j]! * x[j]!;
  let support = 0;
  for (let i = 0; i < p.m; i++) {
    const yi = y[i]!;
    if (yi > 0) support += Number.isFinite(p.u[i]!) ? p.u[i]! * yi : yi > 1e-12 ? Infinity : 0;
    else if (yi < 0) support += Number.isFinite(p.l[i]!) ? p.l[i]! * yi : yi < -1e-12 ? Infinity : 0;
  }
  const dualityGap = xPx + qx + support;
  const objective = 0.5 * xPx + qx + (p.r ?? 0);
  return { dualResidual, dualityGap, relativeGap: Math.abs(dualityGap) / Math.max(1, Math.abs(objective)) };
}
