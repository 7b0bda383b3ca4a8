import { evaluateGradient } from './evaluate.js';
import type { ExecutionProblem } from './problem.js';
import type { KktReport } from './types.js';

/**
 * Independent optimality check of a continuous schedule for min Σ cost s.t. Σx = S, 0 ≤ x ≤ cap
 * (a convex problem, so KKT is sufficient). Recomputes everything from the problem: feasibility,
 * the multiplier ν as the mean marginal cost of the bins strictly inside their bounds,
 * stationarity (every free bin's marginal cost equals ν) and the sign conditions at the bounds
 * (a capped bin's marginal cost ≤ ν, an empty bin's ≥ ν). Relative measures are against the
 * largest marginal cost; bin classification uses `tolerance` × the largest bin.
 */
export function validateSchedule(problem: ExecutionProblem, x: ArrayLike<number>, tolerance = 1e-9): KktReport {
  const { caps, totalShares: S } = problem;
  const n = x.length;
  const g = evaluateGradient(problem.impact, x);
  let sum = 0;
  let maxX = 0;
  let boundViolation = 0;
  let scale = 0;
  for (let t = 0; t < n; t++) {
    const v = x[t]!;
    if (!Number.isFinite(v)) {
      return failed(tolerance, n);
    }
    sum += v;
    maxX = Math.max(maxX, Math.abs(v));
    boundViolation = Math.max(boundViolation, -v, v - caps[t]!);
    scale = Math.max(scale, Math.abs(g[t]!));
  }
  const boundTol = tolerance * Math.max(1, maxX);
  const state = new Int8Array(n); // 0 free, 1 capped, −1 empty, 2 pinned (cap = 0)
  let freeSum = 0;
  let freeBins = 0;
  let cappedBins = 0;
  let emptyBins = 0;
  for (let t = 0; t < n; t++) {
    const v = x[t]!;
    const c = caps[t]!;
    if (c <= boundTol) state[t] = 2;
    else if (v >= c - boundTol) state[t] = 1;
    else if (v <= boundTol) state[t] = -1;
    if (state[t] === 0) {
      freeSum += g[t]!;
      freeBins++;
    } else if (state[t] === 1 || state[t] === 2) cappedBins++;
    else emptyBins++;
  }
  let multiplier: number;
  if (freeBins > 0) multiplier = freeSum / freeBins;
  else {
    // No free bin: any ν between the capped bins' largest and the empty bins' smallest marginal cost.
    let lo = -Infinity;
    let hi = Infinity;
    for (let t = 0; t < n; t++) {
      if (state[t] === 1) lo = Math.max(lo, g[t]!);
      if (state[t] === -1) hi = Math.min(hi, g[t]!);
    }
    multiplier = Number.isFinite(lo) ? lo : Number.isFinite(hi) ? hi : 0;
  }
  const rel = scale > 0 ? 1 / scale : 1;
  let stationarity = 0;
  let complementarity = 0;
  for (let t = 0; t < n; t++) {
    const d = (g[t]! - multiplier) * rel;
    if (state[t] === 0) stationarity = Math.max(stationarity, Math.abs(d));
    else if (state[t] === 1) complementarity = Math.max(complementarity, d);
    else if (state[t] === -1) complementarity = Math.max(complementarity, -d);
  }
  const sumError = Math.abs(sum - S) / Math.max(1, S);
  const ok = sumError <= tolerance && boundViolation <= boundTol && stationarity <= tolerance && complementarity <= tolerance;
  return {
    ok,
    sumError,
    boundViolation: Math.max(0, boundViolation),
    multiplier,
    stationarity,
    complementarity,
    freeBins,
    cappedBins,
    emptyBins,
    tolerance,
  };
}

function failed(tolerance: number, n: number): KktReport {
  return {
    ok: false,
    sumError: NaN,
    boundViolation: NaN,
    multiplier: NaN,
    stationarity: NaN,
    complementarity: NaN,
    freeBins: 0,
    cappedBins: 0,
    emptyBins: n,
    tolerance,
  };
}
