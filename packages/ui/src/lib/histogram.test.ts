import { describe, expect, it } from 'vitest';
import { histogram, quantile } from './histogram.js';

describe('histogram', () => {
  it('counts every finite value once, the maximum in the last bin', () => {
    const h = histogram([0, 1, 2, 3, 4, Number.NaN], 4);
    expect(h.edges).toEqual([0, 1, 2, 3, 4]);
    expect(h.counts).toEqual([1, 1, 1, 2]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(5);
  });
  it('handles a constant and an empty sample', () => {
    expect(histogram([5, 5, 5], 3).counts).toEqual([0, 3, 0]);
    expect(histogram([], 3)).toEqual({ edges: [], counts: [] });
  });
  it('quantiles interpolate between order statistics', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3], 1)).toBe(3);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
