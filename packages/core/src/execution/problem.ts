import type { AlmgrenChrissParams } from './almgren-chriss.js';
import type { ExecutionRequest } from './types.js';

/** The impact model with its arrays as Float64Array, ready for the solvers. */
export type ImpactModel =
  | { readonly model: 'linear'; readonly beta: Float64Array }
  | { readonly model: 'powerLaw'; readonly eta: Float64Array; readonly exponent: number | Float64Array }
  | ({ readonly model: 'almgrenChriss' } & AlmgrenChrissParams);

/** A validated request compiled for the solvers (`buildExecutionProblem`). */
export interface ExecutionProblem {
  readonly totalShares: number;
  readonly intervals: number;
  readonly impact: ImpactModel;
  /** Whole-share caps per bin, +Infinity where none applies. */
  readonly caps: Float64Array;
  readonly hasCaps: boolean;
  readonly volume: Float64Array | null;
}

// ρ·volume is computed in floating point: 0.1 · 12350 is 1234.9999999999998, which must still
// allow 1235 shares.
const INT_TOL = 1e-9;

/**
 * A cap is a whole number of shares: the schedule is traded in whole shares, and whole-share
 * caps are what make the largest-remainder rounding of the continuous optimum always feasible.
 */
export const wholeShareCap = (c: number): number =>
  Number.isFinite(c) ? Math.max(0, Math.floor(c + INT_TOL * Math.max(1, Math.abs(c)))) : Infinity;

/** Compiles a validated request: effective caps min(caps_t, ⌊ρ·volume_t⌋), typed arrays. */
export function buildExecutionProblem(req: ExecutionRequest): ExecutionProblem {
  const n = req.intervals;
  const caps = new Float64Array(n).fill(Infinity);
  let hasCaps = false;
  if (req.caps) {
    hasCaps = true;
    for (let t = 0; t < n; t++) caps[t] = Math.min(caps[t]!, wholeShareCap(req.caps[t]!));
  }
  if (req.participation !== undefined && req.volume) {
    hasCaps = true;
    for (let t = 0; t < n; t++) caps[t] = Math.min(caps[t]!, wholeShareCap(req.participation * req.volume[t]!));
  }
  const imp = req.impact;
  let impact: ImpactModel;
  switch (imp.model) {
    case 'linear':
      impact = { model: 'linear', beta: Float64Array.from(imp.beta) };
      break;
    case 'powerLaw':
      impact = {
        model: 'powerLaw',
        eta: Float64Array.from(imp.eta),
        exponent: typeof imp.exponent === 'number' ? imp.exponent : Float64Array.from(imp.exponent),
      };
      break;
    case 'almgrenChriss':
      impact = { ...imp, tau: imp.tau ?? 1 };
      break;
  }
  return {
    totalShares: req.totalShares,
    intervals: n,
    impact,
    caps,
    hasCaps,
    volume: req.volume ? Float64Array.from(req.volume) : null,
  };
}

/** Σ caps (may be +Infinity). */
export function capacity(caps: Float64Array): number {
  let s = 0;
  for (let t = 0; t < caps.length; t++) s += caps[t]!;
  return s;
}
