import { selectLargest } from '../select-largest.js';

/**
 * Whole shares from a continuous schedule: every bin gets ⌊x_t⌋, then the D = S − Σ⌊x_t⌋ shares
 * left go one each to the bins with the largest fractional parts among those still below their
 * cap (largest remainder; ties to the earlier bin).
 *
 * Guarantee (tested on random inputs): if caps are whole numbers, 0 ≤ x_t ≤ cap_t and Σx = S up
 * to rounding, the result sums to S exactly, respects every cap and moves no bin by a full share
 * (|y_t − x_t| < 1). Why it cannot fail: D = Σ frac(x_t) < #{t : frac(x_t) > 0}, and a bin with a
 * fractional part has ⌊x_t⌋ < x_t ≤ cap_t, so ⌊x_t⌋ + 1 ≤ cap_t. For inputs that break the
 * premise (Σx off by more than rounding) it still returns Σy = S with 0 ≤ y ≤ cap whenever
 * Σ cap ≥ S, by repeated passes.
 */
export function roundSchedule(x: ArrayLike<number>, capsOrNull: ArrayLike<number> | null, total: number): number[] {
  const n = x.length;
  const cap = capsOrNull ? (t: number) => capsOrNull[t]! : () => Infinity;
  // Plain arrays: small typed arrays cost microseconds each to allocate (off-heap backing store).
  const y = new Array<number>(n);
  const frac = new Array<number>(n);
  let sum = 0;
  for (let t = 0; t < n; t++) {
    const v = Math.min(Math.max(x[t]!, 0), cap(t));
    const f = Math.floor(v);
    y[t] = f;
    frac[t] = v - f;
    sum += f;
  }
  let deficit = total - sum;
  if (deficit === 0) return y;
  if (deficit > 0) {
    // Fast path, the usual case: the D largest fractions among bins below their cap, found by
    // selection (O(N) expected) rather than a full sort; ties go to the earlier bin.
    const eligible: number[] = [];
    for (let t = 0; t < n; t++) if (y[t]! + 1 <= cap(t)) eligible.push(t);
    if (eligible.length >= deficit) {
      const theta = selectLargest(eligible.map((t) => frac[t]!), deficit);
      for (const t of eligible) if (frac[t]! > theta) (y[t]! += 1), deficit--;
      for (const t of eligible) if (deficit > 0 && frac[t] === theta) (y[t]! += 1), deficit--;
      return y;
    }
  }
  const order = Array.from({ length: n }, (_, t) => t);
  if (deficit > 0) {
    order.sort((a, b) => frac[b]! - frac[a]! || a - b);
    while (deficit > 0) {
      let moved = 0;
      for (let i = 0; i < n && deficit > 0; i++) {
        const t = order[i]!;
        if (y[t]! + 1 <= cap(t)) {
          y[t]! += 1;
          deficit--;
          moved++;
        }
      }
      if (moved === 0) throw new Error(`roundSchedule: caps hold ${total - deficit} of ${total} shares`);
    }
  } else {
    order.sort((a, b) => frac[a]! - frac[b]! || a - b);
    while (deficit < 0) {
      let moved = 0;
      for (let i = 0; i < n && deficit < 0; i++) {
        const t = order[i]!;
        if (y[t]! >= 1) {
          y[t]! -= 1;
          deficit++;
          moved++;
        }
      }
      if (moved === 0) throw new Error(`roundSchedule: cannot remove ${-deficit} shares`);
    }
  }
  return y;
}
