import { createMulberry32Rng } from '../random/index.js';
import type { BarQuote } from './broker.js';
import type { FactorRisk } from './risk-model.js';

/**
 * A seeded intraday sample for replay: ~500 names through one session in 5-minute bars.
 *
 * - Scores: AR(1) around a name's mean, zₜ = μ + φ (zₜ₋₁ − μ) + σ εₜ, φ = 0.98 per bar (half-life ≈ 34 bars, under 3 hours),
 *   μ ~ N(0, 0.5²), σ² = 0.75 (1 − φ²) so that z has unit variance. Two regime shifts (11:30 and
 *   14:00) redraw μ for a quarter of the names; the second also lifts one sector by +0.6.
 * - Returns: one market and one sector factor, rᵢ = σ_bar (mᵢ f + sᵢ g_sector + √(1 − mᵢ² − sᵢ²) e)
 *   + κ zᵢ σ_bar (scores are weakly predictive, κ = 0.05), σ_bar = vol / √(252 · 78).
 *   The matching correlation Cᵢⱼ = mᵢmⱼ + sᵢsⱼ [same sector] is returned for the QP, and the
 *   factor structure it comes from (`factors`: C = LLᵀ + diag(1 − mᵢ² − sᵢ²), L = [m | s·sector]),
 *   which `factorRiskOf` scales by the names' vols into Σ = BFBᵀ + D (exactly D C D).
 * - ATR: a daily ATR in price units, 1.25 · price · vol / √252.
 * - Spreads: a baseline of 3–25 bp by liquidity; each bar, each name blows out (×5) with 1%
 *   probability. Volume per bar: ADV in shares on a U-shaped intraday profile.
 * - Vol: annualised, at baseline except for five names at ×2.5 from 13:00 to 13:30 (a vol spike).
 */

export interface SampleName {
  readonly symbol: string;
  readonly sector: string;
  readonly beta: number;
  /** Linear cost per unit of traded notional (half-spread plus fees). */
  readonly cost: number;
  /** ADV in the numeraire. */
  readonly adv: number;
  readonly baselineVol: number;
  readonly baselineSpreadBps: number;
  readonly openPrice: number;
}

export interface SampleQuote extends BarQuote {
  readonly z: number;
  /** Daily ATR in price units. */
  readonly atr: number;
  readonly vol: number;
}

export interface SampleBar {
  /** Minutes since the open at the end of the bar (the decision time). */
  readonly minute: number;
  /** One quote per name, in `names` order. */
  readonly quotes: readonly SampleQuote[];
}

export interface SampleDay {
  readonly seed: number;
  readonly barMinutes: number;
  readonly names: readonly SampleName[];
  readonly bars: readonly SampleBar[];
  /** n × n row-major correlation of the return model. */
  readonly correlation: Float64Array;
  /** The same correlation in factor form (unit-variance, uncorrelated factors). */
  readonly factors: SampleFactors;
}

/** C = LLᵀ + diag(specific): the sample's correlation as a factor model, in correlation units. */
export interface SampleFactors {
  /** `market`, then one factor per sector (in SECTORS order). */
  readonly names: readonly string[];
  /** n × k row-major: mᵢ on the market, sᵢ on the name's own sector, 0 elsewhere. */
  readonly loadings: Float64Array;
  /** n residual variances 1 − mᵢ² − sᵢ². */
  readonly specific: Float64Array;
}

/**
 * Σ = D C D of the sample in factor form: B = D L, F = I, d = vol² · specific. `vols` are the
 * names' annualised vols at the bar (they move in the vol spike), in `names` order.
 */
export function factorRiskOf(factors: SampleFactors, vols: ArrayLike<number>): FactorRisk {
  const k = factors.names.length;
  const n = factors.specific.length;
  const loadings = new Float64Array(n * k);
  const specificVariance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = vols[i]!;
    for (let a = 0; a < k; a++) loadings[i * k + a] = v * factors.loadings[i * k + a]!;
    specificVariance[i] = v * v * factors.specific[i]!;
  }
  const covariance = new Float64Array(k * k);
  for (let a = 0; a < k; a++) covariance[a * k + a] = 1;
  return { kind: 'factor', factors: factors.names, loadings, covariance, specificVariance };
}

export interface SampleDaySpec {
  readonly seed?: number;
  readonly names?: number;
  readonly barMinutes?: number;
  readonly sectors?: number;
  /** Session length in minutes (390 = 09:30–16:00). */
  readonly sessionMinutes?: number;
}

const SECTORS = ['Tech', 'Health', 'Financials', 'Energy', 'Industrials', 'Staples', 'Discretionary', 'Materials', 'Utilities', 'RealEstate', 'Telecom'];

export function generateSampleDay(spec: SampleDaySpec = {}): SampleDay {
  const seed = spec.seed ?? 1;
  const n = spec.names ?? 500;
  const barMinutes = spec.barMinutes ?? 5;
  const nSectors = Math.min(spec.sectors ?? SECTORS.length, SECTORS.length);
  const sessionMinutes = spec.sessionMinutes ?? 390;
  const nBars = Math.floor(sessionMinutes / barMinutes);
  const rng = createMulberry32Rng(seed);

  const names: SampleName[] = [];
  const market = new Float64Array(n);
  const sectorLoad = new Float64Array(n);
  const sectorIdx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = rng.int(0, nSectors);
    sectorIdx[i] = s;
    market[i] = 0.3 + 0.3 * rng.next();
    sectorLoad[i] = 0.2 + 0.3 * rng.next();
    const adv = Math.exp(Math.log(2e7) + 1.5 * rng.normal()); // lognormal, median $20M
    const spread = Math.min(25, Math.max(3, 10 - 5 * Math.log10(adv / 2e7) + 2 * rng.normal()));
    names.push({
      symbol: `R${String(i).padStart(3, '0')}`,
      sector: SECTORS[s]!,
      beta: Math.round((0.6 + 0.8 * rng.next()) * 100) / 100,
      cost: (spread / 2 + 1) / 1e4,
      adv,
      baselineVol: 0.15 + 0.35 * rng.next(),
      baselineSpreadBps: Math.round(spread * 10) / 10,
      openPrice: Math.round(Math.exp(Math.log(60) + 0.8 * rng.normal()) * 100) / 100,
    });
  }
  const correlation = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      correlation[i * n + j] = i === j ? 1 : market[i]! * market[j]! + (sectorIdx[i] === sectorIdx[j] ? sectorLoad[i]! * sectorLoad[j]! : 0);
    }
  }
  const k = 1 + nSectors;
  const factorLoadings = new Float64Array(n * k);
  const specific = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    factorLoadings[i * k] = market[i]!;
    factorLoadings[i * k + 1 + sectorIdx[i]!] = sectorLoad[i]!;
    specific[i] = 1 - market[i]! ** 2 - sectorLoad[i]! ** 2;
  }
  const factors: SampleFactors = { names: ['market', ...SECTORS.slice(0, nSectors)], loadings: factorLoadings, specific };

  const phi = 0.98;
  const sigmaZ = Math.sqrt(0.75 * (1 - phi * phi));
  const mu = Float64Array.from({ length: n }, () => 0.5 * rng.normal());
  const z = Float64Array.from(mu, (m) => m + Math.sqrt(0.75) * rng.normal());
  const price = Float64Array.from(names, (x) => x.openPrice);
  const shifts = [Math.round(120 / barMinutes), Math.round(270 / barMinutes)]; // 11:30, 14:00
  const liftedSector = rng.int(0, nSectors);
  const spiking = new Set(Array.from({ length: 5 }, () => rng.int(0, n)));
  const profile = Array.from({ length: nBars }, (_, b) => {
    const x = (b + 0.5) / nBars;
    return 1 + 1.5 * (x - 0.5) ** 2 * 4; // U shape: 2.5× at the ends
  });
  const profileSum = profile.reduce((a, b) => a + b, 0);

  const bars: SampleBar[] = [];
  for (let b = 0; b < nBars; b++) {
    const minute = (b + 1) * barMinutes;
    if (b === shifts[0] || b === shifts[1]) {
      for (let i = 0; i < n; i++) {
        if (rng.next() < 0.25) mu[i] = 0.5 * rng.normal();
        if (b === shifts[1] && sectorIdx[i] === liftedSector) mu[i] = mu[i]! + 0.6;
      }
    }
    const f = rng.normal();
    const g = Array.from({ length: nSectors }, () => rng.normal());
    const quotes: SampleQuote[] = [];
    for (let i = 0; i < n; i++) {
      const x = names[i]!;
      z[i] = mu[i]! + phi * (z[i]! - mu[i]!) + sigmaZ * rng.normal();
      const sBar = x.baselineVol / Math.sqrt(252 * (390 / barMinutes));
      const idio = Math.sqrt(Math.max(0, 1 - market[i]! ** 2 - sectorLoad[i]! ** 2));
      const r = sBar * (market[i]! * f + sectorLoad[i]! * g[sectorIdx[i]!]! + idio * rng.normal()) + 0.05 * z[i]! * sBar;
      price[i] = price[i]! * Math.exp(r);
      const blowout = rng.next() < 0.01;
      const vol = spiking.has(i) && minute > 210 && minute <= 240 ? 2.5 * x.baselineVol : x.baselineVol;
      quotes.push({
        symbol: x.symbol,
        z: z[i]!,
        mid: price[i]!,
        spreadBps: blowout ? 5 * x.baselineSpreadBps : x.baselineSpreadBps,
        volume: Math.floor(((x.adv / x.openPrice) * profile[b]!) / profileSum),
        atr: (1.25 * price[i]! * x.baselineVol) / Math.sqrt(252),
        vol,
      });
    }
    bars.push({ minute, quotes });
  }
  return { seed, barMinutes, names, bars, correlation, factors };
}
