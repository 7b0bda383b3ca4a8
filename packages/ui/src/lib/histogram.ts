/** Equal-width histogram of finite values (edges has bins + 1 entries); empty input gives no bins. */
export function histogram(values: readonly number[], bins = 30): { edges: number[]; counts: number[] } {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { edges: [], counts: [] };
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (lo === hi) {
    const pad = Math.abs(lo) * 1e-6 || 1e-6;
    lo -= pad;
    hi += pad;
  }
  const w = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * w);
  const counts = new Array<number>(bins).fill(0);
  for (const x of v) counts[Math.min(bins - 1, Math.floor((x - lo) / w))]!++;
  return { edges, counts };
}

/** Value at quantile q ∈ [0, 1] (linear interpolation between order statistics). */
export function quantile(values: readonly number[], q: number): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const pos = Math.min(1, Math.max(0, q)) * (v.length - 1);
  const i = Math.floor(pos);
  return i + 1 < v.length ? v[i]! + (pos - i) * (v[i + 1]! - v[i]!) : v[i]!;
}
