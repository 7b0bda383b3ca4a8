import { describe, expect, it } from 'vitest';
import { createMulberry32Rng } from '../random/index.js';
import { roundSchedule } from './round.js';

describe('roundSchedule (largest remainder under caps)', () => {
  it('sums to S exactly, respects every cap and moves no bin by a whole share, on random inputs', () => {
    const rng = createMulberry32Rng(7);
    let checked = 0;
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rng.next() * 500);
      const total = Math.floor(rng.next() * 300_000);
      // Whole-share caps (some zero, some unlimited), then a continuous x inside them summing to S.
      const caps = Array.from({ length: n }, () => {
        const r = rng.next();
        return r < 0.05 ? 0 : r < 0.2 ? Infinity : Math.floor(rng.next() * (3 * total) / n) + 1;
      });
      const room = caps.reduce((s, c) => s + (Number.isFinite(c) ? c : total), 0);
      const target = Math.min(total, room);
      const w = caps.map((c) => (c === 0 ? 0 : rng.next()));
      // Water-fill w under the caps by simple iteration so x is feasible and sums to target.
      const x = new Float64Array(n);
      let left = target;
      let free = caps.map((c, t) => c > 0 && w[t]! > 0);
      for (let pass = 0; pass < 100 && left > 1e-9 * Math.max(1, target); pass++) {
        const ws = free.reduce((s, f, t) => s + (f ? w[t]! : 0), 0);
        if (ws === 0) break;
        let spent = 0;
        for (let t = 0; t < n; t++) {
          if (!free[t]) continue;
          const add = Math.min((left * w[t]!) / ws, caps[t]! - x[t]!);
          x[t]! += add;
          spent += add;
        }
        left -= spent;
        free = free.map((f, t) => f && x[t]! < caps[t]!);
      }
      const sumX = x.reduce((s, v) => s + v, 0);
      if (Math.abs(sumX - target) > 1e-6 * Math.max(1, target)) continue; // could not place it all
      const y = roundSchedule(x, caps, target);
      expect(y.reduce((s, v) => s + v, 0)).toBe(target);
      // One assertion per trial (thousands of expect calls would dominate the test's time).
      const bad = y.findIndex((v, t) => !Number.isInteger(v) || v < 0 || v > caps[t]! || Math.abs(v - x[t]!) >= 1);
      expect(bad).toBe(-1);
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
  });

  it('gives the remainder to the largest fractions, earlier bin on ties', () => {
    expect(roundSchedule([1.5, 1.5, 1.2, 0.8], [9, 9, 9, 9], 5)).toEqual([2, 1, 1, 1]);
    expect(roundSchedule([100 / 3, 100 / 3, 100 / 3], [Infinity, Infinity, Infinity], 100)).toEqual([34, 33, 33]);
  });

  it('equals a plain sort-based largest remainder (ties to the earlier bin) on inputs full of ties', () => {
    const rng = createMulberry32Rng(19);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng.next() * 60);
      // Quarter-share fractions make ties common; unlimited caps so the plain reference applies.
      const x = Array.from({ length: n }, () => Math.floor(rng.next() * 40) * 0.25);
      const total = Math.round(x.reduce((s, v) => s + v, 0));
      const scaled = x.map((v) => (v * total) / Math.max(1e-9, x.reduce((s, w) => s + w, 0)));
      const caps = new Array<number>(n).fill(Infinity);
      const floors = scaled.map(Math.floor);
      const order = scaled.map((v, t) => t).sort((a, b) => scaled[b]! - floors[b]! - (scaled[a]! - floors[a]!) || a - b);
      let d = total - floors.reduce((s, v) => s + v, 0);
      const ref = [...floors];
      for (const t of order) if (d > 0) (ref[t]! += 1), d--;
      if (d !== 0) continue;
      expect(roundSchedule(scaled, caps, total)).toEqual(ref);
    }
  });

  it('never lifts a bin above its cap, even when that bin has the largest fraction', () => {
    // x sums to 3 but bin 0 sits at its cap of 1 after clamping 1.9: the share goes elsewhere.
    expect(roundSchedule([1.9, 0.6, 0.5], [1, 5, 5], 3)).toEqual([1, 1, 1]);
  });
});
