/**
 * Seeded scenario generator for bond books: two correlated factors — a rates factor Δy (parallel
 * yield change) and a credit factor Δc (spread change, corporates only) — plus idiosyncratic
 * noise, mapped to relative clean-price changes through duration and convexity:
 *
 *   government  r = −D·Δy + ½·C·Δy² + ε
 *   corporate   r = −D·Δy − SD·Δc + ½·C·(Δy + Δc)² + ε          (SD = spread duration, default D)
 *
 * Factor vols are annualised absolute changes (0.01 = 100 bp a year), idiosyncratic vols
 * annualised relative price changes; all scale by √(horizonDays/365). Factors are correlated
 * through the Cholesky factor of their correlation matrix.
 *
 * `normal`: Gaussian draws. `student-t`: a multivariate t with ν degrees of freedom — every draw
 * of a scenario (factors and noise) shares one mixing variable √((ν−2)/χ²_ν), which keeps each
 * marginal's variance at the requested vol while the tails move together (a stressed day is
 * stressed for every bond). Returns are floored at −0.99 so prices stay positive (only
 * reachable with absurd vols).
 */
import { cholesky } from './cholesky.js';
import { createRng } from '../random/index.js';

export const SCENARIO_FACTORS = ['rates', 'credit'] as const;

export interface ScenarioSecurity {
  readonly type: 'government' | 'corporate';
  readonly duration: number;
  readonly convexity?: number | undefined;
  readonly spreadDuration?: number | undefined;
  /** Annualised idiosyncratic price vol. */
  readonly idiosyncraticVol: number;
}

export interface ScenarioGeneratorSettings {
  readonly count: number;
  readonly seed: number;
  readonly horizonDays: number;
  readonly model: 'normal' | 'student-t';
  /** Student-t only, > 2. */
  readonly degreesOfFreedom: number;
  /** Annualised absolute yield-change vol of the rates factor. */
  readonly ratesVol: number;
  /** Annualised absolute spread-change vol of the credit factor. */
  readonly creditVol: number;
  /** Correlation of the rates and credit factors, in (−1, 1). */
  readonly ratesCreditCorrelation: number;
}

export interface GeneratedScenarios {
  readonly count: number;
  readonly nSec: number;
  /** count × nSec row-major relative clean-price changes. */
  readonly returns: Float64Array;
  /** count × 2 row-major factor draws (Δy, Δc) over the horizon. */
  readonly factors: Float64Array;
}

export const RETURN_FLOOR = -0.99;

export function generateBondScenarios(securities: readonly ScenarioSecurity[], settings: ScenarioGeneratorSettings): GeneratedScenarios {
  const { count, horizonDays, model, degreesOfFreedom: nu } = settings;
  if (model === 'student-t' && !(nu > 2)) throw new RangeError('degreesOfFreedom must be > 2');
  const n = securities.length;
  const rng = createRng(settings.seed);
  const scale = Math.sqrt(horizonDays / 365);
  const L = cholesky([1, settings.ratesCreditCorrelation, settings.ratesCreditCorrelation, 1], 2);
  const volY = settings.ratesVol * scale;
  const volC = settings.creditVol * scale;
  const D = Float64Array.from(securities, (s) => s.duration);
  const C = Float64Array.from(securities, (s) => s.convexity ?? 0);
  const SD = Float64Array.from(securities, (s) => (s.type === 'corporate' ? (s.spreadDuration ?? s.duration) : 0));
  const isCorp = Uint8Array.from(securities, (s) => (s.type === 'corporate' ? 1 : 0));
  const idio = Float64Array.from(securities, (s) => s.idiosyncraticVol * scale);

  const returns = new Float64Array(count * n);
  const factors = new Float64Array(count * 2);
  for (let k = 0; k < count; k++) {
    const w = model === 'student-t' ? Math.sqrt((nu - 2) / rng.chiSquare(nu)) : 1;
    const z0 = rng.normal();
    const z1 = rng.normal();
    const dy = (L[0]! * z0) * volY * w;
    const dc = (L[2]! * z0 + L[3]! * z1) * volC * w;
    factors[2 * k] = dy;
    factors[2 * k + 1] = dc;
    const row = k * n;
    for (let s = 0; s < n; s++) {
      const eps = idio[s]! > 0 ? rng.normal() * idio[s]! * w : 0;
      let r: number;
      if (isCorp[s]) {
        const d = dy + dc;
        r = -D[s]! * dy - SD[s]! * dc + 0.5 * C[s]! * d * d + eps;
      } else {
        r = -D[s]! * dy + 0.5 * C[s]! * dy * dy + eps;
      }
      returns[row + s] = r < RETURN_FLOOR ? RETURN_FLOOR : r;
    }
  }
  return { count, nSec: n, returns, factors };
}
