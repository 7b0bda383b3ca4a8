import { describe, expect, it } from 'vitest';
import {
  almgrenChrissClosedFormMoments,
  almgrenChrissConstants,
  almgrenChrissGradient,
  almgrenChrissTrajectory,
  evaluateAlmgrenChriss,
} from './almgren-chriss.js';

// The paper's worked example (Almgren & Chriss 2000, §4): X = 10⁶ shares over T = 5 days in
// daily periods, σ = 0.95 $/share/√day, η = 2.5e-6, γ = 2.5e-7, ε = 0.0625, λ = 1e-6.
const paper = { sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 1e-6, tau: 1 };
const X = 1e6;
const N = 5;

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** The paper's formulas, written out here independently of the module (acosh form of κ). */
function paperReference(p: typeof paper, total: number, periods: number) {
  const etaTilde = p.eta - 0.5 * p.gamma * p.tau;
  const kappaTilde2 = (p.lambda * p.sigma ** 2) / etaTilde;
  const kappa = Math.acosh(1 + 0.5 * kappaTilde2 * p.tau ** 2) / p.tau;
  const T = periods * p.tau;
  const x = Array.from({ length: periods + 1 }, (_, j) => (Math.sinh(kappa * (T - j * p.tau)) / Math.sinh(kappa * T)) * total);
  const n = Array.from({ length: periods }, (_, i) => x[i]! - x[i + 1]!);
  // E and V by their defining sums over the trajectory.
  const E = 0.5 * p.gamma * total ** 2 + p.epsilon * n.reduce((s, v) => s + Math.abs(v), 0) + (etaTilde / p.tau) * n.reduce((s, v) => s + v * v, 0);
  const V = p.sigma ** 2 * p.tau * x.slice(1).reduce((s, v) => s + v * v, 0);
  return { kappa, kappaTilde2, x, n, E, V };
}

describe('Almgren–Chriss closed form', () => {
  const ref = paperReference(paper, X, N);

  it('matches the paper’s trajectory on its example to 1e-12', () => {
    const { kappa } = almgrenChrissConstants(paper);
    expect(rel(kappa, ref.kappa)).toBeLessThan(1e-12);
    const tr = almgrenChrissTrajectory(paper, X, N);
    for (let j = 0; j <= N; j++) expect(Math.abs(tr.holdings[j]! - ref.x[j]!) / X).toBeLessThan(1e-12);
    for (let k = 0; k < N; k++) expect(rel(tr.trades[k]!, ref.n[k]!)).toBeLessThan(1e-12);
    expect(tr.trades.reduce((s, v) => s + v, 0)).toBeCloseTo(X, 6);
    // Sanity on the numbers themselves: κ ≈ 0.607/day, about 46% sold on day 1.
    expect(ref.kappa).toBeGreaterThan(0.6);
    expect(ref.kappa).toBeLessThan(0.61);
    expect(ref.n[0]! / X).toBeGreaterThan(0.45);
  });

  it('E and V of the trajectory equal the paper’s closed-form expressions', () => {
    const m = evaluateAlmgrenChriss(paper, almgrenChrissTrajectory(paper, X, N).trades);
    const cf = almgrenChrissClosedFormMoments(paper, X, N);
    expect(rel(m.expectedCost, ref.E)).toBeLessThan(1e-12);
    expect(rel(m.variance, ref.V)).toBeLessThan(1e-12);
    expect(rel(cf.expectedCost, ref.E)).toBeLessThan(1e-12);
    expect(rel(cf.variance, ref.V)).toBeLessThan(1e-12);
    expect(rel(m.cost, ref.E + paper.lambda * ref.V)).toBeLessThan(1e-12);
  });

  it('satisfies the discrete Euler–Lagrange equation x_{k−1} − 2x_k + x_{k+1} = κ̃²τ² x_k', () => {
    for (const [total, periods, lambda] of [
      [X, N, 1e-6],
      [250_000, 390, 2e-7],
      [1e6, 40, 1e-5],
    ] as const) {
      const p = { ...paper, lambda, tau: periods === 390 ? 1 / 390 : 1 };
      const { kappaTilde } = almgrenChrissConstants(p);
      const x = almgrenChrissTrajectory(p, total, periods).holdings;
      for (let k = 1; k < periods; k++) {
        const lhs = x[k - 1]! - 2 * x[k]! + x[k + 1]!;
        expect(Math.abs(lhs - kappaTilde ** 2 * p.tau ** 2 * x[k]!) / total).toBeLessThan(1e-12);
      }
    }
  });

  it('has equal marginal cost in every period (stationarity of E + λV under Σn = X)', () => {
    const g = almgrenChrissGradient(paper, almgrenChrissTrajectory(paper, X, N).trades);
    const spread = Math.max(...g) - Math.min(...g);
    expect(spread / Math.max(...g.map(Math.abs))).toBeLessThan(1e-12);
  });

  it('is the straight line when λ = 0 and stays finite for very large κT', () => {
    const flat = almgrenChrissTrajectory({ ...paper, lambda: 0 }, X, N);
    for (const v of flat.trades) expect(v).toBe(X / N);
    const steep = almgrenChrissTrajectory({ ...paper, lambda: 1 }, X, 23_400); // κT ≫ 710
    expect(steep.trades.every(Number.isFinite)).toBe(true);
    expect(rel(steep.trades.reduce((s, v) => s + v, 0), X)).toBeLessThan(1e-12);
  });
});
