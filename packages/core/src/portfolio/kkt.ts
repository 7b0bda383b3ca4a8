/**
 * The engine's KKT acceptance: residuals of a primal–dual pair recomputed from the raw arrays,
 * and the tolerances an answer must meet before anything is built on it (whichever method or
 * screen produced it).
 */
import type { QpProblem } from '@keel/solver-native/qp';
import type { PortfolioQp } from './build-qp.js';

export interface KktResiduals {
  /** max over rows of the distance of Ax to [l, u]. */
  readonly primal: number;
  /** ‖Px + q + Aᵀy‖∞ */
  readonly dual: number;
  /** max |y_i| · distance to the bound it pushes against, and wrong-sign y on a one-sided row. */
  readonly complementarity: number;
  /** ½xᵀPx + qᵀx + r */
  readonly objective: number;
}

/** KKT residuals of (x, y) for the QP, recomputed from the raw arrays. */
export function kktResiduals(p: QpProblem, x: Float64Array, y: Float64Array): KktResiduals {
  const { n, m, P, A, q, l, u } = p;
  const Px = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let k = P.colPtr[j] as number; k < (P.colPtr[j + 1] as number); k++) {
      const i = P.rowIdx[k] as number;
      const v = P.values[k] as number;
      Px[i] = (Px[i] as number) + v * (x[j] as number);
      if (i !== j) Px[j] = (Px[j] as number) + v * (x[i] as number);
    }
  }
  const Ax = new Float64Array(m);
  let obj = p.r ?? 0;
  let dual = 0;
  for (let j = 0; j < n; j++) {
    let g = (Px[j] as number) + (q[j] as number);
    obj += (x[j] as number) * (0.5 * (Px[j] as number) + (q[j] as number));
    for (let k = A.colPtr[j] as number; k < (A.colPtr[j + 1] as number); k++) {
      const i = A.rowIdx[k] as number;
      Ax[i] = (Ax[i] as number) + (A.values[k] as number) * (x[j] as number);
      g += (A.values[k] as number) * (y[i] as number);
    }
    dual = Math.max(dual, Math.abs(g));
  }
  let primal = 0;
  let compl = 0;
  for (let i = 0; i < m; i++) {
    const z = Ax[i] as number;
    const lo = l[i] as number;
    const hi = u[i] as number;
    primal = Math.max(primal, lo - z, z - hi);
    const yi = y[i] as number;
    if (yi > 0) compl = Math.max(compl, hi === Infinity ? yi : yi * Math.abs(hi - z));
    else if (yi < 0) compl = Math.max(compl, lo === -Infinity ? -yi : -yi * Math.abs(z - lo));
  }
  return { primal: Math.max(primal, 0), dual, complementarity: compl, objective: obj };
}

/** KKT acceptance: primal in row units (NAV fractions), dual and complementarity relative to ‖q‖∞. */
export const KKT_TOLERANCES = Object.freeze({ primal: 1e-8, dual: 1e-6, complementarity: 1e-6 });

/** Scale of the dual and complementarity tolerances: 1 + ‖q‖∞. */
export function kktScale(p: QpProblem): number {
  let qn = 0;
  for (const v of p.q) qn = Math.max(qn, Math.abs(v));
  return 1 + qn;
}

export function kktAcceptable(qp: PortfolioQp, r: KktResiduals): boolean {
  const scale = kktScale(qp.problem);
  return r.primal <= KKT_TOLERANCES.primal && r.dual <= KKT_TOLERANCES.dual * scale && r.complementarity <= KKT_TOLERANCES.complementarity * scale;
}
