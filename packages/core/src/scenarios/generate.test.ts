import { describe, expect, it } from 'vitest';
import { cholesky } from './cholesky.js';
import { generateBondScenarios, type ScenarioGeneratorSettings, type ScenarioSecurity } from './generate.js';

// Moment tests: every tolerance is 4 standard errors of the estimator at the sample size,
// computed from the model's own kurtosis (3 for normal, 3 + 6/(ν−4) for Student-t).
const N = 20_000;
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x: number[]) => {
  const m = mean(x);
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
};
const corr = (x: number[], y: number[]) => {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};

const securities: ScenarioSecurity[] = [
  { type: 'government', duration: 8, convexity: 0, idiosyncraticVol: 0 },
  { type: 'corporate', duration: 6, spreadDuration: 5, convexity: 0, idiosyncraticVol: 0.02 },
  { type: 'government', duration: 17, convexity: 380, idiosyncraticVol: 0 },
];

const base: ScenarioGeneratorSettings = {
  count: N,
  seed: 42,
  horizonDays: 10,
  model: 'normal',
  degreesOfFreedom: 10,
  ratesVol: 0.012,
  creditVol: 0.008,
  ratesCreditCorrelation: -0.4,
};

describe.each([
  ['normal', 3],
  ['student-t', 3 + 6 / (10 - 4)],
] as const)('generateBondScenarios (%s)', (model, kurtosis) => {
  const g = generateBondScenarios(securities, { ...base, model });
  const col = (k: number, stride: number, data: Float64Array) => Array.from({ length: N }, (_, i) => data[i * stride + k]!);
  const dy = col(0, 2, g.factors);
  const dc = col(1, 2, g.factors);
  const scale = Math.sqrt(10 / 365);
  const sdSe = (sigma: number) => sigma * Math.sqrt((kurtosis - 1) / (4 * N));
  // Sample correlation of an elliptical law: variance (1 + κₑ)(1 − ρ²)²/N, κₑ = (kurtosis − 3)/3.
  const corrSe = (rho: number) => (1 - rho * rho) * Math.sqrt((1 + (kurtosis - 3) / 3) / N);

  it('factors have mean 0, the requested vols scaled by √(h/365), and the requested correlation', () => {
    const sy = base.ratesVol * scale;
    const sc = base.creditVol * scale;
    expect(Math.abs(mean(dy))).toBeLessThan((4 * sy) / Math.sqrt(N));
    expect(Math.abs(mean(dc))).toBeLessThan((4 * sc) / Math.sqrt(N));
    expect(Math.abs(sd(dy) - sy)).toBeLessThan(4 * sdSe(sy));
    expect(Math.abs(sd(dc) - sc)).toBeLessThan(4 * sdSe(sc));
    expect(Math.abs(corr(dy, dc) - base.ratesCreditCorrelation)).toBeLessThan(4 * corrSe(base.ratesCreditCorrelation));
  });

  it('maps factors to prices through duration, spread duration and noise', () => {
    const gov = col(0, 3, g.returns);
    const corp = col(1, 3, g.returns);
    // Zero convexity, no noise: exactly −D·Δy.
    expect(Math.max(...gov.map((r, i) => Math.abs(r + 8 * dy[i]!)))).toBeLessThan(1e-15);
    const sy = base.ratesVol * scale;
    const sc = base.creditVol * scale;
    const si = 0.02 * scale;
    const rho = base.ratesCreditCorrelation;
    const expected = Math.sqrt(36 * sy * sy + 25 * sc * sc + 2 * 6 * 5 * rho * sy * sc + si * si);
    // The corporate return mixes t-factors and t-noise with one mixing variable: still a
    // scale mixture with the same kurtosis, so the same standard error applies.
    expect(Math.abs(sd(corp) - expected)).toBeLessThan(4 * sdSe(expected));
    expect(Math.abs(mean(corp))).toBeLessThan((4 * expected) / Math.sqrt(N));
    // Correlation of the corporate return with the rates factor.
    const rhoCy = (-(6 * sy) - 5 * rho * sc) * sy / (expected * sy);
    expect(Math.abs(corr(corp, dy) - rhoCy)).toBeLessThan(4 * corrSe(rhoCy));
  });

  it('convexity adds ½·C·Δy² to each draw', () => {
    const longBond = col(2, 3, g.returns);
    expect(Math.max(...longBond.map((r, i) => Math.abs(r - (-17 * dy[i]! + 0.5 * 380 * dy[i]! ** 2))))).toBeLessThan(1e-15);
  });

  it('tails: 3σ exceedances match the model (normal 0.27%; t heavier)', () => {
    const sy = base.ratesVol * scale;
    const exceed = dy.filter((x) => Math.abs(x) > 3 * sy).length;
    const pNormal = 0.0026998;
    const se = Math.sqrt(N * pNormal * (1 - pNormal));
    if (model === 'normal') expect(Math.abs(exceed - N * pNormal)).toBeLessThan(4 * se);
    else expect(exceed).toBeGreaterThan(N * pNormal + 4 * se);
  });
});

describe('scenario generator determinism and guards', () => {
  it('same seed, same scenarios; another seed, others', () => {
    const a = generateBondScenarios(securities, { ...base, count: 50 });
    const b = generateBondScenarios(securities, { ...base, count: 50 });
    const c = generateBondScenarios(securities, { ...base, count: 50, seed: 43 });
    expect(Array.from(a.returns)).toEqual(Array.from(b.returns));
    expect(Array.from(a.returns)).not.toEqual(Array.from(c.returns));
  });

  it('prices stay positive under absurd vols', () => {
    const g = generateBondScenarios(securities, { ...base, count: 500, ratesVol: 5 });
    expect(Math.min(...g.returns)).toBeGreaterThan(-1);
  });

  it('rejects ν ≤ 2 and a non-positive-definite correlation', () => {
    expect(() => generateBondScenarios(securities, { ...base, model: 'student-t', degreesOfFreedom: 2 })).toThrow(RangeError);
    expect(() => cholesky([1, 1.2, 1.2, 1], 2)).toThrow(/positive definite/);
  });
});
