import type { Tail, TailStats } from './types.js';

/**
 * t = (1 − alpha)·S snapped to an integer within 1e-9 (so 0.95 with S = 100 gives exactly 5,
 * not 5.000000000000004), and m = ⌈t⌉ ≥ 1 scenarios in the tail.
 */
export function tailSize(alpha: number, scenarios: number): { t: number; m: number } {
  let t = (1 - alpha) * scenarios;
  const r = Math.round(t);
  if (r >= 1 && Math.abs(t - r) <= 1e-9 * Math.max(1, t)) t = r;
  const m = Math.min(scenarios, Math.max(1, Math.ceil(t)));
  return { t, m };
}

/** Tail statistics per holder; see `TailStats` for the exact definitions. */
export function evaluateTailTs(values: Float64Array, holders: number, scenarios: number, alpha: number, tail: Tail): TailStats {
  const S = scenarios;
  const { t, m } = tailSize(alpha, S);
  const sign = tail === 'low' ? -1 : 1;
  const out = {
    alpha,
    tail,
    tailCount: m,
    var: new Float64Array(holders),
    cvar: new Float64Array(holders),
    worstScenario: new Int32Array(holders),
    worstValue: new Float64Array(holders),
  };
  const loss = new Float64Array(S);
  const order = new Int32Array(S);
  for (let k = 0; k < holders; k++) {
    const row = k * S;
    for (let s = 0; s < S; s++) {
      loss[s] = sign * values[row + s]!;
      order[s] = s;
    }
    // Worst first; equal losses by scenario index, so the order (and the worst index) is unique.
    order.sort((a, b) => loss[b]! - loss[a]! || a - b);
    let acc = 0;
    for (let i = 0; i < m - 1; i++) acc += loss[order[i]!]!;
    const lm = loss[order[m - 1]!]!;
    acc += (t - (m - 1)) * lm;
    out.var[k] = lm;
    out.cvar[k] = acc / t;
    const w = order[0]!;
    out.worstScenario[k] = w;
    out.worstValue[k] = values[row + w]!;
  }
  return out;
}
