import { describe, expect, it } from 'vitest';
import { createMulberry32Rng, type Rng } from '../random/index.js';
import { solveLinearImpact, solvePowerLawImpact, solvePowerLawImpactSearch } from './solve-separable.js';

/**
 * Independent reference: plain bisection on the multiplier ν of the KKT conditions
 * x_t(ν) = min(cap_t, (g_t')⁻¹(ν)), run until the bracket cannot shrink further.
 */
function bisectReference(inverseMarginal: (t: number, nu: number) => number, caps: Float64Array, total: number) {
  const n = caps.length;
  const at = (nu: number) => Float64Array.from({ length: n }, (_, t) => Math.min(caps[t]!, inverseMarginal(t, nu)));
  const sum = (x: Float64Array) => x.reduce((s, v) => s + v, 0);
  let lo = 0;
  let hi = 1;
  while (sum(at(hi)) < total) hi *= 2;
  for (let i = 0; i < 5000; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (sum(at(mid)) < total) lo = mid;
    else hi = mid;
  }
  return { x: at(hi), nu: hi };
}

const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let scale = 0;
  let d = 0; // plain loops: this runs on every random instance
  for (let t = 0; t < a.length; t++) {
    scale = Math.max(scale, Math.abs(b[t]!));
    d = Math.max(d, Math.abs(a[t]! - b[t]!));
  }
  return d / Math.max(scale, 1e-300);
};

/** KKT of min Σ g_t s.t. Σx = S, 0 ≤ x ≤ cap, checked directly with the marginal costs. */
function kkt(x: Float64Array, marginal: (t: number, v: number) => number, caps: Float64Array, total: number, nu: number) {
  let stat = 0;
  let comp = 0;
  let sum = 0;
  let bound = 0;
  let free = 0;
  let capped = 0;
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    sum += v;
    bound = Math.max(bound, -v, v - caps[t]!);
    const g = marginal(t, v);
    if (v === caps[t]!) {
      capped++;
      comp = Math.max(comp, (g - nu) / nu); // capped: marginal cost ≤ ν
    } else {
      free++;
      stat = Math.max(stat, Math.abs(g - nu) / nu); // free: marginal cost = ν
    }
  }
  return { stat, comp, sumErr: Math.abs(sum - total) / total, bound, free, capped };
}

function randomCase(rng: Rng, n: number, total: number, capShare: number) {
  const coef = Float64Array.from({ length: n }, () => Math.exp(rng.normal() * 0.8) * 1e-3);
  // Caps around the average bin, some tight, a few zero, all whole shares; keep Σcap ≥ S.
  const caps = Float64Array.from({ length: n }, () => (rng.next() < 0.05 ? 0 : Math.floor((total / n) * (0.6 + capShare * rng.next() * 2))));
  let room = caps.reduce((s, v) => s + v, 0);
  for (let t = 0; room < total; t = (t + 1) % n) {
    caps[t] = caps[t]! + 1;
    room++;
  }
  return { coef, caps };
}

describe('linear impact: exact water-filling', () => {
  it('equals the KKT solution (independent bisection) to 1e-9 on random capped instances', () => {
    const rng = createMulberry32Rng(11);
    let bindingSeen = 0;
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + Math.floor(rng.next() * 400);
      const total = 1 + Math.floor(rng.next() * 200_000);
      const { coef: beta, caps } = randomCase(rng, n, total, rng.next());
      const sol = solveLinearImpact(beta, caps, total);
      const ref = bisectReference((t, nu) => nu / (2 * beta[t]!), caps, total);
      expect(maxRelDiff(sol.x, ref.x)).toBeLessThan(1e-9);
      const k = kkt(sol.x, (t, v) => 2 * beta[t]! * v, caps, total, sol.multiplier);
      expect(k.sumErr).toBeLessThan(1e-12);
      expect(k.bound).toBeLessThanOrEqual(0);
      if (k.free > 0) expect(k.stat).toBeLessThan(1e-12);
      expect(k.comp).toBeLessThan(1e-12);
      expect(Math.abs(sol.multiplier - ref.nu) / ref.nu).toBeLessThan(1e-9);
      if (k.capped > 0 && k.free > 0) bindingSeen++;
    }
    expect(bindingSeen).toBeGreaterThan(10); // the caps really bound in many trials
  });

  it('is x ∝ 1/β without caps', () => {
    const beta = Float64Array.from([1, 2, 4, 8]);
    const sol = solveLinearImpact(beta, new Float64Array(4).fill(Infinity), 1500);
    expect(Array.from(sol.x)).toEqual([800, 400, 200, 100]);
    expect(sol.cappedBins).toBe(0);
  });

  it('fills every bin to its cap when Σcap = S, and gives zeros for S = 0', () => {
    const beta = Float64Array.from([3, 1, 2]);
    const caps = Float64Array.from([10, 0, 5]);
    expect(Array.from(solveLinearImpact(beta, caps, 15).x)).toEqual([10, 0, 5]);
    expect(Array.from(solveLinearImpact(beta, caps, 0).x)).toEqual([0, 0, 0]);
  });
});

describe('power-law impact', () => {
  it('water-filling equals the KKT solution to 1e-9 for exponents across (0, 1]', () => {
    const rng = createMulberry32Rng(23);
    for (const a of [0.05, 0.3, 0.5, 0.75, 1]) {
      for (let trial = 0; trial < 8; trial++) {
        const n = 1 + Math.floor(rng.next() * 400);
        const total = 1 + Math.floor(rng.next() * 150_000);
        const { coef: eta, caps } = randomCase(rng, n, total, rng.next());
        const sol = solvePowerLawImpact(eta, a, caps, total);
        const ref = bisectReference((t, nu) => Math.pow(nu / (eta[t]! * (1 + a)), 1 / a), caps, total);
        expect(maxRelDiff(sol.x, ref.x)).toBeLessThan(1e-9);
        const k = kkt(sol.x, (t, v) => eta[t]! * (1 + a) * Math.pow(v, a), caps, total, sol.multiplier);
        expect(k.sumErr).toBeLessThan(1e-12);
        expect(k.bound).toBeLessThanOrEqual(0);
        if (k.free > 0) expect(k.stat).toBeLessThan(1e-10);
        expect(k.comp).toBeLessThan(1e-10);
      }
    }
  });

  it('the multiplier search (per-bin exponents) equals the KKT solution to 1e-9', () => {
    const rng = createMulberry32Rng(37);
    for (let trial = 0; trial < 25; trial++) {
      const n = 1 + Math.floor(rng.next() * 400);
      const total = 1 + Math.floor(rng.next() * 150_000);
      const { coef: eta, caps } = randomCase(rng, n, total, rng.next());
      const a = Float64Array.from({ length: n }, () => 0.2 + 0.8 * rng.next());
      const sol = solvePowerLawImpactSearch(eta, a, caps, total);
      const ref = bisectReference((t, nu) => Math.pow(nu / (eta[t]! * (1 + a[t]!)), 1 / a[t]!), caps, total);
      expect(maxRelDiff(sol.x, ref.x)).toBeLessThan(1e-9);
      expect(Math.abs(sol.x.reduce((s, v) => s + v, 0) - total) / total).toBeLessThan(1e-12);
      expect(sol.iterations).toBeLessThan(100);
    }
  });

  it('the search and the water-filling agree when every bin has the same exponent', () => {
    const rng = createMulberry32Rng(41);
    const n = 390;
    const { coef: eta, caps } = randomCase(rng, n, 100_000, 0.8);
    const exact = solvePowerLawImpact(eta, 0.5, caps, 100_000);
    expect(exact.cappedBins).toBeGreaterThan(0);
    expect(exact.cappedBins).toBeLessThan(n); // ν is unique only with a free bin
    const search = solvePowerLawImpactSearch(eta, new Float64Array(n).fill(0.5), caps, 100_000);
    expect(maxRelDiff(search.x, exact.x)).toBeLessThan(1e-12);
    expect(Math.abs(search.multiplier - exact.multiplier) / exact.multiplier).toBeLessThan(1e-12);
  });
});
