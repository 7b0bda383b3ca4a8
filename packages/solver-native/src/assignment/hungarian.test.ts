import { describe, expect, it } from 'vitest';
import { rng } from '../model/test-support/reference.js';
import { solveAssignment } from './hungarian.js';

/** Reference: the best of all injective maps from the smaller side, by enumeration. */
function bruteForce(cost: number[], nRows: number, nCols: number): number {
  const transpose = nRows > nCols;
  const r = transpose ? nCols : nRows;
  const c = transpose ? nRows : nCols;
  const at = (i: number, j: number) => (transpose ? cost[j * nCols + i]! : cost[i * nCols + j]!);
  let best = Infinity;
  const used = new Array<boolean>(c).fill(false);
  const rec = (i: number, acc: number) => {
    if (i === r) {
      best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < c; j++) {
      if (used[j]) continue;
      used[j] = true;
      rec(i + 1, acc + at(i, j));
      used[j] = false;
    }
  };
  rec(0, 0);
  return best;
}

describe('solveAssignment (Hungarian)', () => {
  it('matches enumeration on random square and rectangular matrices', () => {
    const r = rng(5);
    for (let t = 0; t < 60; t++) {
      const nRows = 1 + Math.floor(r() * 6);
      const nCols = 1 + Math.floor(r() * 6);
      const cost = Array.from({ length: nRows * nCols }, () => Math.round((r() * 200 - 50) * 100) / 100);
      const res = solveAssignment(cost, nRows, nCols);
      expect(res.cost).toBeCloseTo(bruteForce(cost, nRows, nCols), 9);
      // A valid matching: min(nRows, nCols) pairs, consistent both ways.
      let pairs = 0;
      res.rowToCol.forEach((j, i) => {
        if (j >= 0) {
          pairs++;
          expect(res.colToRow[j]).toBe(i);
        }
      });
      expect(pairs).toBe(Math.min(nRows, nCols));
    }
  });

  it('handles the empty case and rejects bad input', () => {
    expect(solveAssignment([], 0, 0).cost).toBe(0);
    expect(Array.from(solveAssignment([], 0, 3).colToRow)).toEqual([-1, -1, -1]);
    expect(() => solveAssignment([1, 2, 3], 2, 2)).toThrow(/assignment.cost/);
    expect(() => solveAssignment([1, NaN, 3, 4], 2, 2)).toThrow(/assignment.cost\[0\]\[1\]/);
  });

  it('solves a 300×300 instance to the same cost as a perturbed-identity construction', () => {
    // Cost 0 on a hidden permutation, ≥ 1 elsewhere: the optimum is exactly 0 and that permutation.
    const n = 300;
    const r = rng(9);
    const perm = [...Array(n).keys()].sort(() => r() - 0.5);
    const cost = new Float64Array(n * n).map(() => 1 + r() * 10);
    perm.forEach((j, i) => (cost[i * n + j] = 0));
    const res = solveAssignment(cost, n, n);
    expect(res.cost).toBe(0);
    perm.forEach((j, i) => expect(res.rowToCol[i]).toBe(j));
  });
});
