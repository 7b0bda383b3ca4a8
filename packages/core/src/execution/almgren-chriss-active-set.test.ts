import { describe, expect, it } from 'vitest';
import { refineAlmgrenChrissActiveSet, solveAlmgrenChrissOnActiveSet } from './almgren-chriss-active-set.js';
import { almgrenChrissTrajectory } from './almgren-chriss.js';
import { createMulberry32Rng } from '../random/index.js';

const paper = { sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 1e-6, tau: 1 };

/**
 * E + λV written from the paper's definitions with holdings x_k = X − Σ_{i≤k} n_i, and its
 * gradient in that representation: ∂/∂n_j = ε + 2(η̃/τ)n_j − 2λσ²τ Σ_{k=j}^{N−1} x_k
 * (a different but equivalent form from the module's; they differ by a constant, which the
 * multiplier of Σn = X absorbs).
 */
function reference(p: typeof paper, X: number, n: ArrayLike<number>) {
  const N = n.length;
  const et = p.eta - 0.5 * p.gamma * p.tau;
  const x = [X];
  for (let k = 1; k <= N; k++) x.push(x[k - 1]! - n[k - 1]!);
  const grad = new Float64Array(N);
  let tail = 0; // Σ_{k=j}^{N−1} x_k, built from the back
  for (let j = N; j >= 1; j--) {
    if (j <= N - 1) tail += x[j]!;
    grad[j - 1] = p.epsilon + (2 * et / p.tau) * n[j - 1]! - 2 * p.lambda * p.sigma ** 2 * p.tau * tail;
  }
  return { grad };
}

function checkKkt(p: typeof paper, X: number, caps: Float64Array, n: Float64Array) {
  const { grad } = reference(p, X, n);
  const N = n.length;
  const sum = n.reduce((s, v) => s + v, 0);
  expect(Math.abs(sum - X) / X).toBeLessThan(1e-12);
  const free: number[] = [];
  for (let k = 0; k < N; k++) {
    expect(n[k]).toBeGreaterThanOrEqual(-1e-9);
    expect(n[k]).toBeLessThanOrEqual(caps[k]! + 1e-9);
    if (n[k]! > 1e-9 && n[k]! < caps[k]! - 1e-9) free.push(grad[k]!);
  }
  expect(free.length).toBeGreaterThan(0);
  const nu = free.reduce((s, v) => s + v, 0) / free.length;
  const scale = Math.max(...Array.from(grad, Math.abs));
  for (const g of free) expect(Math.abs(g - nu) / scale).toBeLessThan(1e-10);
  for (let k = 0; k < N; k++) {
    if (caps[k] === 0) continue;
    if (n[k]! >= caps[k]! - 1e-9) expect((grad[k]! - nu) / scale).toBeLessThan(1e-10); // capped: g ≤ ν
    else if (n[k]! <= 1e-9) expect((nu - grad[k]!) / scale).toBeLessThan(1e-10); // empty: g ≥ ν
  }
}

describe('Almgren–Chriss with caps: exact active set', () => {
  it('with nothing fixed, the reduced solve is the closed form', () => {
    const X = 1e6;
    const caps = new Float64Array(5).fill(Infinity);
    const n = solveAlmgrenChrissOnActiveSet(paper, X, caps, new Int8Array(5))!;
    const cf = almgrenChrissTrajectory(paper, X, 5).trades;
    for (let k = 0; k < 5; k++) expect(Math.abs(n[k]! - cf[k]!) / X).toBeLessThan(1e-12);
  });

  it('satisfies the KKT conditions (recomputed from the paper’s definitions) on random capped instances', () => {
    const rng = createMulberry32Rng(5);
    let binding = 0;
    for (let trial = 0; trial < 60; trial++) {
      const N = 2 + Math.floor(rng.next() * 80);
      const X = 1e4 + Math.floor(rng.next() * 2e6);
      const p = { ...paper, lambda: paper.lambda * Math.exp(rng.normal() * 2), tau: 5 / N };
      const closed = almgrenChrissTrajectory(p, X, N).trades;
      // Caps below the closed form's front-loading, a few zero bins, room for the order.
      const caps = Float64Array.from(closed, (v) => (rng.next() < 0.08 ? 0 : Math.floor(v * (0.5 + rng.next()))));
      let room = caps.reduce((s, v) => s + v, 0);
      for (let k = N - 1; room < X * 1.05; k = (k + N - 1) % N) {
        if (caps[k] === 0) continue;
        caps[k] = caps[k]! + Math.ceil(X / N);
        room += Math.ceil(X / N);
      }
      const clipped = Float64Array.from(closed, (v, k) => Math.min(v, caps[k]!));
      const out = refineAlmgrenChrissActiveSet(p, X, caps, clipped, 0);
      expect(out).not.toBeNull();
      checkKkt(p, X, caps, out!.trades);
      if (out!.trades.some((v, k) => v === caps[k] && caps[k]! > 0)) binding++;
    }
    expect(binding).toBeGreaterThan(30);
  });
});
