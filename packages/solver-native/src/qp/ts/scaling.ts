import { normInf, symUpperColNormInf } from './csc.js';

/** Norms below this are treated as 1 (no scaling); above MAX they are capped. */
const MIN_SCALING = 1e-4;
const MAX_SCALING = 1e4;

/**
 * Ruiz equilibration with cost scaling (OSQP §5.1): the scaled problem has
 * P̄ = c·D P D, q̄ = c·D q, Ā = E A D, l̄ = E l, ū = E u. Solutions map back as
 * x = D x̄, y = E ȳ / c, z = E⁻¹ z̄. Factors and their inverses live here.
 */
export class Scaling {
  readonly D: Float64Array;
  readonly Dinv: Float64Array;
  readonly E: Float64Array;
  readonly Einv: Float64Array;
  c = 1;
  cinv = 1;
  private readonly dTemp: Float64Array;
  private readonly dTempA: Float64Array;
  private readonly eTemp: Float64Array;

  constructor(n: number, m: number) {
    this.D = new Float64Array(n).fill(1);
    this.Dinv = new Float64Array(n).fill(1);
    this.E = new Float64Array(m).fill(1);
    this.Einv = new Float64Array(m).fill(1);
    this.dTemp = new Float64Array(n);
    this.dTempA = new Float64Array(n);
    this.eTemp = new Float64Array(m);
  }

  /**
   * Computes the factors from user data and writes the scaled P, A values and q into the
   * given arrays (which must hold copies of the user values on entry). l, u are scaled by
   * `scaleBounds` afterwards.
   */
  equilibrate(
    iterations: number,
    n: number,
    m: number,
    Pp: Int32Array,
    Pi: Int32Array,
    Px: Float64Array,
    q: Float64Array,
    Ap: Int32Array,
    Ai: Int32Array,
    Ax: Float64Array,
  ): void {
    const { D, E, dTemp, dTempA, eTemp } = this;
    D.fill(1);
    E.fill(1);
    this.c = 1;
    for (let it = 0; it < iterations; it++) {
      // Column norms of the KKT matrix [P Aᵀ; A 0]: D part max(‖P:,j‖, ‖A:,j‖), E part ‖Ai,:‖.
      symUpperColNormInf(n, Pp, Pi, Px, dTemp);
      dTempA.fill(0);
      eTemp.fill(0);
      for (let j = 0; j < n; j++) {
        for (let p = Ap[j]!; p < Ap[j + 1]!; p++) {
          const a = Math.abs(Ax[p]!);
          if (a > dTempA[j]!) dTempA[j] = a;
          const i = Ai[p]!;
          if (a > eTemp[i]!) eTemp[i] = a;
        }
      }
      for (let j = 0; j < n; j++) dTemp[j] = 1 / Math.sqrt(limit(Math.max(dTemp[j]!, dTempA[j]!)));
      for (let i = 0; i < m; i++) eTemp[i] = 1 / Math.sqrt(limit(eTemp[i]!));
      // P ← D P D, A ← E A D, q ← D q
      for (let j = 0; j < n; j++) {
        const dj = dTemp[j]!;
        for (let p = Pp[j]!; p < Pp[j + 1]!; p++) Px[p] = Px[p]! * dTemp[Pi[p]!]! * dj;
        for (let p = Ap[j]!; p < Ap[j + 1]!; p++) Ax[p] = Ax[p]! * eTemp[Ai[p]!]! * dj;
        q[j] = q[j]! * dj;
        D[j] = D[j]! * dj;
      }
      for (let i = 0; i < m; i++) E[i] = E[i]! * eTemp[i]!;
      // Cost scaling: c = 1 / max(mean column norm of P, ‖q‖∞)
      symUpperColNormInf(n, Pp, Pi, Px, dTemp);
      let mean = 0;
      for (let j = 0; j < n; j++) mean += dTemp[j]!;
      mean = n > 0 ? mean / n : 0;
      const cTemp = 1 / limit(Math.max(mean, limit(normInf(q, n))));
      for (let p = 0; p < Pp[n]!; p++) Px[p] = Px[p]! * cTemp;
      for (let j = 0; j < n; j++) q[j] = q[j]! * cTemp;
      this.c *= cTemp;
    }
    for (let j = 0; j < n; j++) this.Dinv[j] = 1 / D[j]!;
    for (let i = 0; i < m; i++) this.Einv[i] = 1 / E[i]!;
    this.cinv = 1 / this.c;
  }

  /** P̄ = c·D P D on P's pattern (upper CSC), from the user's values into `out`. */
  scaleP(pp: Int32Array, pi: Int32Array, pUser: Float64Array, out: Float64Array): void {
    const { D, c } = this;
    for (let j = 0; j < pp.length - 1; j++) for (let k = pp[j]!; k < pp[j + 1]!; k++) out[k] = pUser[k]! * (c * D[pi[k]!]! * D[j]!);
  }

  /** Ā = E A D on A's pattern (CSC), from the user's values into `out`. */
  scaleA(ap: Int32Array, ai: Int32Array, aUser: Float64Array, out: Float64Array): void {
    const { D, E } = this;
    for (let j = 0; j < ap.length - 1; j++) for (let k = ap[j]!; k < ap[j + 1]!; k++) out[k] = aUser[k]! * (E[ai[k]!]! * D[j]!);
  }

  /** q̄ = c·D q */
  scaleQ(qUser: Float64Array, out: Float64Array): void {
    const { D, c } = this;
    for (let j = 0; j < out.length; j++) out[j] = c * D[j]! * qUser[j]!;
  }

  /** l̄ = E l, ū = E u (infinite bounds stay infinite). */
  scaleBounds(lUser: Float64Array, uUser: Float64Array, l: Float64Array, u: Float64Array): void {
    const { E } = this;
    for (let i = 0; i < l.length; i++) {
      l[i] = E[i]! * lUser[i]!;
      u[i] = E[i]! * uUser[i]!;
    }
  }
}

function limit(v: number): number {
  if (v < MIN_SCALING) return 1;
  if (v > MAX_SCALING) return MAX_SCALING;
  return v;
}
