import { evaluateCost } from './evaluate.js';
import type { ExecutionProblem } from './problem.js';
import { roundSchedule } from './round.js';
import type { BaselineInfo } from './types.js';

/** TWAP: S/N in every bin. */
export function twapSchedule(total: number, intervals: number): Float64Array {
  return new Float64Array(intervals).fill(total / intervals);
}

/** VWAP: S in proportion to the volume profile. */
export function vwapSchedule(total: number, volume: Float64Array): Float64Array {
  let sum = 0;
  for (let t = 0; t < volume.length; t++) sum += volume[t]!;
  return Float64Array.from(volume, (v) => (total * v) / sum);
}

export interface Baseline {
  readonly continuous: Float64Array;
  readonly schedule: number[];
  readonly info: BaselineInfo;
}

/**
 * A baseline evaluated with the problem's model, both fractional and in whole shares (rounded
 * like the optimum, without caps: a baseline ignores them, and `withinCaps` says whether it
 * happens to respect them).
 */
export function evaluateBaseline(problem: ExecutionProblem, continuous: Float64Array): Baseline {
  const schedule = roundSchedule(continuous, null, problem.totalShares);
  let withinCaps = true;
  for (let t = 0; t < continuous.length; t++) if (schedule[t]! > problem.caps[t]!) withinCaps = false;
  return {
    continuous,
    schedule,
    info: {
      schedule,
      cost: evaluateCost(problem.impact, schedule),
      continuousCost: evaluateCost(problem.impact, continuous),
      withinCaps,
    },
  };
}

/** (baseline − optimal) / baseline · 100. */
export const improvementPct = (baseline: number, optimal: number): number =>
  baseline === 0 ? 0 : ((baseline - optimal) / baseline) * 100;
