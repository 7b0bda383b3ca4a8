import { describe, expect, it } from 'vitest';
import { createRng } from './random/index.js';
import { selectLargest } from './select-largest.js';

describe('selectLargest', () => {
  it('puts the k largest first and returns the k-th largest, against a full sort', () => {
    const rng = createRng(17);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.int(0, 60);
      // Few distinct values in half the trials, so ties and equal-pivot bands are exercised.
      const distinct = trial % 2 === 0 ? 3 : 1e9;
      const xs = Array.from({ length: n }, () => Math.floor(rng.next() * distinct) - distinct / 2);
      const k = 1 + rng.int(0, n);
      const sorted = [...xs].sort((a, b) => b - a);
      const a = trial % 3 === 0 ? Float64Array.from(xs) : [...xs];
      expect(selectLargest(a, k)).toBe(sorted[k - 1]);
      expect(Array.from(a.slice(0, k)).sort((x, y) => y - x)).toEqual(sorted.slice(0, k));
      expect(Array.from(a).sort((x, y) => y - x)).toEqual(sorted);
    }
  });
});
