import { fitImpactModels, type Fill, type ImpactFit } from './fit.js';
import { createMulberry32Rng } from '../random/index.js';
import type { ExecutionRequest, ImpactModelName } from './types.js';

/**
 * The embedded sample: a synthetic but realistic trading day (seeded, so always the same).
 * - 390 one-minute bins; market volume U-shaped, w(u) = 0.55 + 1.8·(2u − 1)², 4,000,000 shares a
 *   day (heavy at the open and the close, about 4× thinner at midday).
 * - Fills follow the square-root law: slippage_bps = η_t·√size · e^{0.35ξ} + 0.3ξ′ with
 *   η_t = 0.19·√(v̄ / v_t) (impact higher when the market is thin), ξ, ξ′ standard normal; the
 *   additive noise sometimes gives negative slippage, as real fills do.
 * - Fill counts per bin follow volume (≈ 5,400 fills); sizes log-normal around 150·√(v_t/v̄).
 */
export const SAMPLE_SEED = 20240104;
export const SAMPLE_INTERVALS = 390;
export const SAMPLE_DAILY_VOLUME = 4_000_000;
export const SAMPLE_TOTAL_SHARES = 100_000;
export const SAMPLE_PARTICIPATION = 0.06;

export function sampleVolumeProfile(intervals = SAMPLE_INTERVALS, dailyVolume = SAMPLE_DAILY_VOLUME): number[] {
  const w = Array.from({ length: intervals }, (_, t) => {
    const u = (t + 0.5) / intervals;
    return 0.55 + 1.8 * (2 * u - 1) ** 2;
  });
  const sum = w.reduce((s, v) => s + v, 0);
  return w.map((v) => Math.round((dailyVolume * v) / sum));
}

export function generateSampleFills(seed = SAMPLE_SEED, intervals = SAMPLE_INTERVALS): Fill[] {
  const rng = createMulberry32Rng(seed);
  const volume = sampleVolumeProfile(intervals);
  const mean = volume.reduce((s, v) => s + v, 0) / intervals;
  const fills: Fill[] = [];
  for (let t = 0; t < intervals; t++) {
    const rel = volume[t]! / mean;
    const eta = 0.19 * Math.sqrt(1 / rel);
    const count = 4 + Math.round(10 * rel * (0.5 + rng.next()));
    for (let i = 0; i < count; i++) {
      const size = Math.max(1, Math.min(5000, Math.round(150 * Math.sqrt(rel) * Math.exp(0.7 * rng.normal()))));
      const slippage = eta * Math.sqrt(size) * Math.exp(0.35 * rng.normal()) + 0.3 * rng.normal();
      fills.push({ time: t + rng.next(), size, slippageBps: Math.round(slippage * 1e4) / 1e4 });
    }
  }
  return fills;
}

let cachedFit: ImpactFit | null = null;

/** The models fitted on the sample fills (computed once). */
export function sampleImpactFit(): ImpactFit {
  cachedFit ??= fitImpactModels(generateSampleFills(), { intervals: SAMPLE_INTERVALS });
  return cachedFit;
}

/** The Almgren–Chriss paper's example (X = 10⁶ shares, 5 daily periods). */
export const ALMGREN_CHRISS_PAPER_REQUEST: ExecutionRequest = Object.freeze({
  totalShares: 1_000_000,
  intervals: 5,
  impact: Object.freeze({ model: 'almgrenChriss', sigma: 0.95, eta: 2.5e-6, gamma: 2.5e-7, epsilon: 0.0625, lambda: 1e-6, tau: 1 } as const),
});

/**
 * The request `keel schedule` runs without a file: S = 100,000 shares over 390 bins, the sample
 * volume profile, 6% participation, and the model fitted on the sample fills (Almgren–Chriss:
 * the paper's example).
 */
export function sampleExecutionRequest(model: ImpactModelName = 'linear'): ExecutionRequest {
  if (model === 'almgrenChriss') return ALMGREN_CHRISS_PAPER_REQUEST;
  const fit = sampleImpactFit();
  return {
    totalShares: SAMPLE_TOTAL_SHARES,
    intervals: SAMPLE_INTERVALS,
    impact:
      model === 'linear'
        ? { model: 'linear', beta: fit.linear.beta }
        : { model: 'powerLaw', eta: fit.powerLaw.eta, exponent: fit.powerLaw.exponent },
    volume: sampleVolumeProfile(),
    participation: SAMPLE_PARTICIPATION,
  };
}
