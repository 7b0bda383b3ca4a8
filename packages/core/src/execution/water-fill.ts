/**
 * Exact water-filling: find m ≥ 0 with Σ_t min(cap_t, m·u_t) = S and return x_t = min(cap_t, m·u_t).
 *
 * Both separable models reduce to this. For g_t(x) = β_t x² the KKT conditions give
 * x_t = min(cap_t, ν/(2β_t)), i.e. u_t ∝ 1/β_t; for g_t(x) = η_t x^(1+a) with one exponent they give
 * x_t = min(cap_t, (ν/(η_t(1+a)))^(1/a)) = min(cap_t, m·u_t) with m = ν^(1/a) and u_t ∝ η_t^(−1/a):
 * linear in m, so no iterative search is needed.
 *
 * Method: the total F(m) = Σ min(cap_t, m·u_t) is piecewise linear and increasing with kinks at the
 * breakpoints b_t = cap_t/u_t. Which breakpoints lie below the solution is decided by selection
 * (quickselect on the breakpoints, as for the continuous knapsack): evaluate F at a pivot
 * breakpoint; if F ≤ S every bin with a breakpoint ≤ pivot is capped, otherwise every bin above
 * it is free; recurse on the undecided rest. Expected O(N) — a full sort would be O(N log N), and
 * V8's typed-array sort alone costs more than the whole solve. Then the segment's linear equation
 * is solved in closed form: m = (S − Σ_{capped} cap_t) / Σ_{free} u_t. The caller guarantees
 * Σ cap_t ≥ S.
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

  const capped = new Uint8Array(n);
  const idx = new Int32Array(n);
  const bp = new Float64Array(n);
  let cappedSum = 0; // Σ cap over bins decided capped
  let freeU = 0; // Σ u over bins decided free
  let hi = 0;
  for (let t = 0; t < n; t++) {
    if (binds(u[t]!, caps[t]!)) {
      bp[t] = caps[t]! / u[t]!;
      idx[hi++] = t;
    } else freeU += u[t]!;
  }
  let lo = 0;
  let threshold = 0; // largest pivot found at or below the level
  let seed = 0x2545f491;
  while (hi > lo) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const p = bp[idx[lo + (seed % (hi - lo))]!]!;
    // Three-way partition of idx[lo..hi): [lo, i) below p, [i, j) equal, [j, hi) above.
    let i = lo;
    let j = lo;
    let k = hi;
    let capBelowEq = 0;
    let uAbove = 0;
    let uEq = 0;
    while (j < k) {
      const t = idx[j]!;
      const b = bp[t]!;
      if (b < p) {
        idx[j] = idx[i]!;
        idx[i] = t;
        i++;
        j++;
        capBelowEq += caps[t]!;
      } else if (b > p) {
        k--;
        idx[j] = idx[k]!;
        idx[k] = t;
        uAbove += u[t]!;
      } else {
        j++;
        capBelowEq += caps[t]!;
        uEq += u[t]!;
      }
    }
    if (cappedSum + capBelowEq + p * (freeU + uAbove) <= total) {
      // The level is at least p: every bin with breakpoint ≤ p is capped.
      for (let q = lo; q < j; q++) capped[idx[q]!] = 1;
      cappedSum += capBelowEq;
      threshold = Math.max(threshold, p);
      lo = j;
    } else {
      // The level is below p: every bin with breakpoint ≥ p stays free.
      freeU += uAbove + uEq;
      hi = i;
    }
  }

  let count = 0;
  for (let t = 0; t < n; t++) count += capped[t]!;
  const rest = Math.max(0, total - cappedSum);
  // Every bin capped (Σcap = S): the lowest level that caps them all, i.e. the threshold.
  const level = freeU > 0 ? rest / freeU : threshold;
  for (let t = 0; t < n; t++) {
    // Multiply before dividing so x_t is the exact share u_t/U of the remainder.
    x[t] = capped[t] ? caps[t]! : freeU > 0 ? (rest * u[t]!) / freeU : 0;
  }
  return { x, level, cappedBins: count };
}

// A bin with u_t = 0 (a weight that underflowed) gets nothing at any level, so its cap never binds.
const binds = (u: number, cap: number): boolean => u > 0 && Number.isFinite(cap);
