import { waterFill } from './water-fill.js';

/** The continuous optimum of a separable model and its multiplier ν (marginal cost of Σx = S). */
export interface SeparableSolution {
  readonly x: Float64Array;
  readonly multiplier: number;
  readonly cappedBins: number;
  readonly solver: 'water_filling' | 'multiplier_search';
  /** Iterations of the multiplier search (0 for water-filling). */
  readonly iterations: number;
}

/**
 * min Σ β_t x_t² s.t. Σx = S, 0 ≤ x ≤ cap. KKT: 2β_t x_t = ν on free bins, so x_t ∝ 1/β_t,
 * water-filled under the caps. Weights are taken relative to min β so nothing overflows.
 */
export function solveLinearImpact(beta: Float64Array, caps: Float64Array, total: number): SeparableSolution {
  let ref = Infinity;
  for (let t = 0; t < beta.length; t++) ref = Math.min(ref, beta[t]!);
  const u = new Float64Array(beta.length);
  for (let t = 0; t < beta.length; t++) u[t] = ref / beta[t]!;
  const wf = waterFill(u, caps, total);
  // x_t = m·u_t = m·ref/β_t on free bins, hence ν = 2β_t x_t = 2·ref·m.
  return { x: wf.x, multiplier: 2 * ref * wf.level, cappedBins: wf.cappedBins, solver: 'water_filling', iterations: 0 };
}

/**
 * min Σ η_t x_t^(1+a) s.t. Σx = S, 0 ≤ x ≤ cap, one exponent a ∈ (0, 1]. KKT:
 * x_t = min(cap_t, (ν/(η_t(1+a)))^(1/a)). With m = (ν/(η_ref(1+a)))^(1/a) this is
 * min(cap_t, m·(η_ref/η_t)^(1/a)): exact water-filling on m. The weights are formed in log space
 * relative to the smallest η, so small exponents (1/a large) do not overflow.
 */
export function solvePowerLawImpact(eta: Float64Array, exponent: number, caps: Float64Array, total: number): SeparableSolution {
  let ref = Infinity;
  for (let t = 0; t < eta.length; t++) ref = Math.min(ref, eta[t]!);
  const logRef = Math.log(ref);
  const u = new Float64Array(eta.length);
  for (let t = 0; t < eta.length; t++) u[t] = Math.exp((logRef - Math.log(eta[t]!)) / exponent);
  const wf = waterFill(u, caps, total);
  const multiplier = ref * (1 + exponent) * Math.pow(wf.level, exponent);
  return { x: wf.x, multiplier, cappedBins: wf.cappedBins, solver: 'water_filling', iterations: 0 };
}

/**
 * Power law with one exponent per bin (Keel extension): x_t(ν) = min(cap_t, (ν/(η_t(1+a_t)))^(1/a_t))
 * is no longer proportional across bins, so ν is found by a scalar search on the increasing
 * function F(ν) = Σ x_t(ν) − S: bracket, then Newton in s = log ν (F is smooth between cap
 * kinks and dx_t/ds = x_t/a_t) safeguarded by bisection, until the bracket is one ulp wide or F
 * vanishes. A last rescaling of the free bins makes Σx = S hold to rounding.
 */
export function solvePowerLawImpactSearch(
  eta: Float64Array,
  exponent: Float64Array,
  caps: Float64Array,
  total: number,
  maxIter = 200,
): SeparableSolution {
  const n = eta.length;
  const x = new Float64Array(n);
  if (total === 0) return { x, multiplier: 0, cappedBins: 0, solver: 'multiplier_search', iterations: 0 };
  // log of η_t(1+a_t): x_t = exp((s − c_t)/a_t) on free bins.
  const c = new Float64Array(n);
  for (let t = 0; t < n; t++) c[t] = Math.log(eta[t]! * (1 + exponent[t]!));

  // F and dF/ds at s = log ν.
  const evaluate = (s: number): { f: number; df: number } => {
    let f = -total;
    let df = 0;
    for (let t = 0; t < n; t++) {
      const v = Math.exp((s - c[t]!) / exponent[t]!);
      if (v < caps[t]!) {
        f += v;
        df += v / exponent[t]!;
      } else f += caps[t]!;
    }
    return { f, df };
  };

  // Bracket: start where the average bin would get S/N and widen geometrically.
  let s0 = -Infinity;
  for (let t = 0; t < n; t++) s0 = Math.max(s0, c[t]! + exponent[t]! * Math.log(total / n));
  let lo = s0;
  let hi = s0;
  let fLo = evaluate(lo).f;
  let fHi = fLo;
  for (let step = 1; fLo > 0; step *= 2) {
    hi = lo;
    fHi = fLo;
    lo -= step;
    fLo = evaluate(lo).f;
  }
  for (let step = 1; fHi < 0; step *= 2) {
    lo = hi;
    fLo = fHi;
    hi += step;
    fHi = evaluate(hi).f;
  }

  // Safeguarded Newton (Numerical Recipes' rtsafe): take the Newton step when it stays inside the
  // bracket and at least halves the step before last, otherwise bisect.
  let s = fHi === 0 ? hi : 0.5 * (lo + hi);
  let iterations = 0;
  if (fHi !== 0) {
    let dxOld = hi - lo;
    let dx = dxOld;
    let { f, df } = evaluate(s);
    if (f < 0) lo = s;
    else hi = s;
    while (iterations < maxIter && f !== 0) {
      iterations++;
      const newtonOutside = ((s - hi) * df - f) * ((s - lo) * df - f) > 0;
      if (newtonOutside || Math.abs(2 * f) > Math.abs(dxOld * df)) {
        dxOld = dx;
        dx = 0.5 * (hi - lo);
        const mid = lo + dx;
        if (mid <= lo || mid >= hi) break; // bracket one ulp wide
        s = mid;
      } else {
        dxOld = dx;
        dx = f / df;
        const next = s - dx;
        if (next === s) break; // Newton step below one ulp
        s = next;
      }
      ({ f, df } = evaluate(s));
      if (f < 0) lo = s;
      else hi = s;
    }
  }

  let capped = 0;
  let cappedSum = 0;
  let freeSum = 0;
  for (let t = 0; t < n; t++) {
    const v = Math.exp((s - c[t]!) / exponent[t]!);
    if (v >= caps[t]!) {
      x[t] = caps[t]!;
      capped++;
      cappedSum += caps[t]!;
    } else {
      x[t] = v;
      freeSum += v;
    }
  }
  if (freeSum > 0) {
    const scale = (total - cappedSum) / freeSum;
    for (let t = 0; t < n; t++) if (x[t]! < caps[t]!) x[t] = Math.min(caps[t]!, x[t]! * scale);
  }
  return { x, multiplier: Math.exp(s), cappedBins: capped, solver: 'multiplier_search', iterations };
}
