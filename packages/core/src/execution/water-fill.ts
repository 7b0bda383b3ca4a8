/**
 * Exact water-filling: find m ≥ 0 with Σ_t min(cap_t, m·u_t) = S and return x_t = min(cap_t, m·u_t).
 *
 * Both separable models reduce to this. For g_t(x) = β_t x² the KKT conditions give
 * x_t = min(cap_t, ν/(2β_t)), i.e. u_t ∝ 1/β_t; for g_t(x) = η_t x^(1+a) with one exponent they give
 * x_t = min(cap_t, (ν/(η_t(1+a)))^(1/a)) = min(cap_t, m·u_t) with m = ν^(1/a) and u_t ∝ η_t^(−1/a):
 * linear in m, so no iterative search is needed.
 *
 * Method: the total F(m) = Σ min(cap_t, m·u_t) is piecewise linear and increasing with kinks at the
 * breakpoints b_t = cap_t/u_t. Sort the breakpoints, bisect over them (log₂N passes of O(N)) for
 * the segment holding S, then solve that segment's linear equation in closed form:
 * m = (S − Σ_{capped} cap_t) / Σ_{free} u_t. The caller guarantees Σ cap_t ≥ S.
 */
export interface WaterFillResult {
  readonly x: Float64Array;
  /** The level m (when every bin is capped: the lowest level at which they all are). */
  readonly level: number;
  readonly cappedBins: number;
}

export function waterFill(u: Float64Array, caps: Float64Array, total: number): WaterFillResult {
  const n = u.length;
  const x = new Float64Array(n);
  if (total === 0) return { x, level: 0, cappedBins: 0 };

  // Breakpoints of the bins that can bind (a finite cap). No caps: one closed-form step.
  let nb = 0;
  for (let t = 0; t < n; t++) if (binds(u[t]!, caps[t]!)) nb++;
  let threshold = -Infinity; // bins with breakpoint ≤ threshold are capped
  if (nb > 0) {
    const b = new Float64Array(nb);
    for (let t = 0, k = 0; t < n; t++) {
      if (binds(u[t]!, caps[t]!)) b[k++] = caps[t]! / u[t]!;
    }
    b.sort();
    // Largest j with F(b_j) ≤ S (F is nondecreasing); F(b_j) is exact arithmetic on the inputs.
    let lo = -1;
    let hi = nb;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (fillAt(u, caps, b[mid]!) <= total) lo = mid;
      else hi = mid;
    }
    if (lo >= 0) threshold = b[lo]!;
  }

  // Closed form on the segment: capped bins at their cap, the rest share S − Σcapped by u.
  let capped = 0;
  let cappedSum = 0;
  let freeU = 0;
  for (let t = 0; t < n; t++) {
    const c = caps[t]!;
    if (binds(u[t]!, c) && c / u[t]! <= threshold) {
      capped++;
      cappedSum += c;
    } else freeU += u[t]!;
  }
  const rest = Math.max(0, total - cappedSum);
  // Every bin capped (Σcap = S): the lowest level that caps them all, i.e. the threshold.
  const level = freeU > 0 ? rest / freeU : Math.max(0, threshold);
  for (let t = 0; t < n; t++) {
    const c = caps[t]!;
    // Multiply before dividing so x_t is the exact share u_t/U of the remainder.
    x[t] = binds(u[t]!, c) && c / u[t]! <= threshold ? c : freeU > 0 ? (rest * u[t]!) / freeU : 0;
  }
  return { x, level, cappedBins: capped };
}

// A bin with u_t = 0 (a weight that underflowed) gets nothing at any level, so its cap never binds.
const binds = (u: number, cap: number): boolean => u > 0 && Number.isFinite(cap);

function fillAt(u: Float64Array, caps: Float64Array, m: number): number {
  let s = 0;
  for (let t = 0; t < u.length; t++) {
    const v = m * u[t]!;
    const c = caps[t]!;
    s += v < c ? v : c;
  }
  return s;
}
