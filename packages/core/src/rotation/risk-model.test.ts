import { describe, expect, it } from 'vitest';
import { buildRiskModel, denseFromFactorRisk, firstNonPsdPivot, ledoitWolfIntensity, riskQuadratic, sampleCovariance, type FactorRisk } from './risk-model.js';
import { createMulberry32Rng } from '../random/index.js';

type M = number[][];
const grid = (r: number, c: number, f: (i: number, j: number) => number): M => Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => f(i, j)));
const mat = (n: number, f: (i: number, j: number) => number): M => grid(n, n, f);
const mul = (a: M, b: M): M => grid(a.length, b[0]!.length, (i, j) => a[i]!.reduce((s, v, k) => s + v * b[k]![j]!, 0));
const tr = (a: M): M => grid(a[0]!.length, a.length, (i, j) => a[j]![i]!);

// Returns from a two-factor model, seeded.
function returnsSample(t: number, n: number, seed: number): M {
  const rng = createMulberry32Rng(seed);
  const load = Array.from({ length: n }, () => [0.5 + rng.next(), rng.normal()]);
  return Array.from({ length: t }, () => {
    const f = [rng.normal(), rng.normal()];
    return load.map((l) => 0.01 * (l[0]! * f[0]! + 0.5 * l[1]! * f[1]! + rng.normal()));
  });
}

/**
 * Ledoit–Wolf constant-correlation intensity written as the authors' covCor.m does it, in
 * whole-matrix steps (phiMat, thetaMat via x.^3'·x), an independent route to the same number.
 */
function covCorReference(r: M): number {
  const t = r.length;
  const n = r[0]!.length;
  const mean = Array.from({ length: n }, (_, j) => r.reduce((s, row) => s + row[j]!, 0) / t);
  const x = r.map((row) => row.map((v, j) => v - mean[j]!));
  const xtx = mul(tr(x), x);
  const sample = mat(n, (i, j) => xtx[i]![j]! / t);
  const v = sample.map((row, i) => row[i]!);
  const sd = v.map(Math.sqrt);
  let sumCorr = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sumCorr += sample[i]![j]! / (sd[i]! * sd[j]!);
  const rBar = (sumCorr - n) / (n * (n - 1));
  const prior = mat(n, (i, j) => (i === j ? v[i]! : rBar * sd[i]! * sd[j]!));
  const y = x.map((row) => row.map((a) => a * a));
  const yty = mul(tr(y), y);
  const phiMat = mat(n, (i, j) => yty[i]![j]! / t - (2 * xtx[i]![j]! * sample[i]![j]!) / t + sample[i]![j]! ** 2);
  let phi = 0;
  for (const row of phiMat) for (const a of row) phi += a;
  const x3 = x.map((row) => row.map((a) => a ** 3));
  const term1 = mul(tr(x3), x).map((row) => row.map((a) => a / t));
  const help = xtx.map((row) => row.map((a) => a / t));
  const thetaMat = mat(n, (i, j) => (i === j ? 0 : term1[i]![j]! - help[i]![i]! * sample[i]![j]! - help[i]![j]! * v[i]! + v[i]! * sample[i]![j]!));
  let rho = 0;
  for (let i = 0; i < n; i++) rho += phiMat[i]![i]!;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rho += rBar * (sd[j]! / sd[i]!) * thetaMat[i]![j]!;
  let gamma = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gamma += (sample[i]![j]! - prior[i]![j]!) ** 2;
  return Math.max(0, Math.min(1, (phi - rho) / gamma / t));
}

/** sklearn's ledoit_wolf_shrinkage (identity target), written in its own steps. */
function identityReference(r: M): number {
  const t = r.length;
  const n = r[0]!.length;
  const mean = Array.from({ length: n }, (_, j) => r.reduce((s, row) => s + row[j]!, 0) / t);
  const x = r.map((row) => row.map((v, j) => v - mean[j]!));
  const x2 = x.map((row) => row.map((a) => a * a));
  const emp = mul(tr(x), x).map((row) => row.map((a) => a / t));
  const mu = emp.reduce((s, row, i) => s + row[i]!, 0) / n;
  const betaMat = mul(tr(x2), x2);
  let beta_ = 0;
  for (const row of betaMat) for (const a of row) beta_ += a;
  let deltaSq = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) deltaSq += emp[i]![j]! ** 2;
  let delta_ = deltaSq / n;
  const beta = (1 / (n * t)) * (beta_ / t - deltaSq);
  delta_ = delta_ - 2 * mu * emp.reduce((s, row, i) => s + row[i]!, 0) / n + mu * mu;
  return Math.min(beta, delta_) / delta_;
}

describe('risk model', () => {
  it.each([
    [60, 8, 1],
    [25, 12, 2],
    [200, 5, 3],
  ])('Ledoit–Wolf constant-correlation intensity matches covCor.m (T=%i, n=%i)', (t, n, seed) => {
    const r = returnsSample(t, n, seed);
    const { x, s } = sampleCovariance(Float64Array.from(r.flat()), t, n);
    const ours = ledoitWolfIntensity(x, s, t, n, 'constant_correlation');
    const ref = covCorReference(r);
    expect(ours).toBeGreaterThan(0);
    expect(Math.abs(ours - ref)).toBeLessThan(1e-10 * Math.max(1, ref));
  });

  it.each([
    [60, 8, 4],
    [20, 30, 5],
  ])('Ledoit–Wolf identity intensity matches sklearn’s formula (T=%i, n=%i)', (t, n, seed) => {
    const r = returnsSample(t, n, seed);
    const { x, s } = sampleCovariance(Float64Array.from(r.flat()), t, n);
    const ours = ledoitWolfIntensity(x, s, t, n, 'identity');
    expect(Math.abs(ours - identityReference(r))).toBeLessThan(1e-10);
  });

  it('builds Σ = D C D, shrinks toward the target with a given intensity', () => {
    const corr = Float64Array.from([1, 0.5, 0.5, 1]);
    const m = buildRiskModel({ n: 2, correlation: corr, vols: [0.2, 0.4], shrinkage: 'identity', intensity: 0.5 });
    // S = [[.04,.04],[.04,.16]], target m I with m = 0.1 → 0.5 S + 0.5 · 0.1 I.
    expect(Array.from(m.sigma)).toEqual([0.07, 0.02, 0.02, 0.13].map((v, k) => expect.closeTo(v, 15 - (k % 1))));
    expect(m.shrinkage).toEqual({ target: 'identity', intensity: 0.5, estimated: false });
  });

  it('detects a matrix that is not positive semidefinite', () => {
    expect(firstNonPsdPivot(Float64Array.from([1, 0.5, 0.5, 1]), 2)).toBeNull();
    expect(firstNonPsdPivot(Float64Array.from([1, 1, 1, 1]), 2)).toBeNull(); // singular but PSD
    expect(firstNonPsdPivot(Float64Array.from([1, 2, 2, 1]), 2)?.pivot).toBe(1);
  });
});

describe('factor risk (Σ = BFBᵀ + D)', () => {
  const rng = createMulberry32Rng(5);
  const n = 9;
  const k = 3;
  const B = grid(n, k, () => rng.normal());
  const G = grid(k, k, () => rng.normal());
  const F = mul(G, tr(G));
  const d = Array.from({ length: n }, () => rng.next());
  const model: FactorRisk = { kind: 'factor', factors: ['a', 'b', 'c'], loadings: Float64Array.from(B.flat()), covariance: Float64Array.from(F.flat()), specificVariance: Float64Array.from(d) };
  const sigma = mul(mul(B, F), tr(B)).map((row, i) => row.map((v, j) => v + (i === j ? d[i]! : 0)));

  it('writes out the dense Σ', () => {
    const dense = denseFromFactorRisk(model);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(dense[i * n + j]).toBeCloseTo(sigma[i]![j]!, 12);
  });

  it('computes wᵀΣw in factor form as the dense product does', () => {
    const w = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : rng.normal()));
    const dense = w.reduce((s, wi, i) => s + wi * w.reduce((t, wj, j) => t + sigma[i]![j]! * wj, 0), 0);
    expect(riskQuadratic(model, w)).toBeCloseTo(dense, 10);
    expect(riskQuadratic(Float64Array.from(sigma.flat()), w)).toBeCloseTo(dense, 10);
  });
});

describe('exact factor form of a returns-based Σ', () => {
  const r = returnsSample(15, 30, 8);
  const data = Float64Array.from(r.flat());
  it.each([
    ['none', undefined, 15],
    ['identity', undefined, 15],
    ['constant_correlation', undefined, 16],
    ['constant_correlation', 0.4, 16],
  ] as const)('shrinkage %s (intensity %s): BFBᵀ + D is the dense Σ', (shrinkage, intensity, k) => {
    const m = buildRiskModel({ n: 30, returns: { rows: 15, data }, shrinkage, ...(intensity !== undefined ? { intensity } : {}) });
    const f = m.factorForm!;
    expect(f.factors.length).toBe(k);
    const dense = denseFromFactorRisk(f);
    let worst = 0;
    for (let i = 0; i < dense.length; i++) worst = Math.max(worst, Math.abs(dense[i]! - m.sigma[i]!));
    expect(worst).toBeLessThan(1e-15);
    expect(firstNonPsdPivot(f.covariance, k)).toBeNull();
  });
  it('has none for a correlation or a covariance', () => {
    expect(buildRiskModel({ n: 2, correlation: Float64Array.of(1, 0.5, 0.5, 1), vols: [0.2, 0.3], shrinkage: 'none' }).factorForm).toBeUndefined();
  });
});
