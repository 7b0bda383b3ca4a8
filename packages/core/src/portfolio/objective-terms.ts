/**
 * Per-instrument objective coefficients shared by the QP builder and the evaluator, all in
 * numeraire money over the horizon: the processed alpha, carry (dividends, borrow, financing)
 * as rates on notional, and the risk horizon factor. Both sides call these, so a setting means
 * the same thing in the model and in the check; the check's arithmetic is its own.
 */
import type { Universe } from '../data/universe.js';
import type { PortfolioConfig } from './config.js';

/** Alpha after apply / normalise / scale, per instrument (expected return over the horizon). */
export function processAlpha(universe: Universe, config: PortfolioConfig): Float64Array {
  const n = universe.instruments.length;
  const out = new Float64Array(n);
  if (!config.alpha.apply) return out;
  const live = universe.instruments.filter((u) => u.tradable);
  const raw = live.map((u) => u.alpha);
  const mean = raw.length ? raw.reduce((s, a) => s + a, 0) / raw.length : 0;
  const std = raw.length > 1 ? Math.sqrt(raw.reduce((s, a) => s + (a - mean) ** 2, 0) / (raw.length - 1)) : 0;
  const norm = config.alpha.normalize;
  for (const u of universe.instruments) {
    let a = u.alpha;
    if (norm === 'demean') a -= mean;
    else if (norm === 'zscore') a = std > 0 ? ((a - mean) / std) * (config.alpha.targetStd ?? std) : 0;
    out[u.index] = a * config.alpha.scale;
  }
  return out;
}

export interface CarryRates {
  /** Dividend yield over the horizon (received long, paid short); 0 for futures. */
  readonly dividend: Float64Array;
  /** Borrow cost rate on the short notional over the horizon. */
  readonly borrow: Float64Array;
  /** Financing cost rate on the long notional over the horizon. */
  readonly financing: Float64Array;
}

export function carryRates(universe: Universe, config: PortfolioConfig): CarryRates {
  const n = universe.instruments.length;
  const dividend = new Float64Array(n);
  const borrow = new Float64Array(n);
  const financing = new Float64Array(n);
  const h = config.horizonDays;
  for (const u of universe.instruments) {
    // A future's price carries its financing and dividends; nothing is borrowed or lent.
    if (u.type === 'Future') continue;
    if (config.costs.dividends) dividend[u.index] = (u.dividendYield * h) / 365;
    if (config.costs.borrow) borrow[u.index] = (u.borrowRate * h) / 360;
    if (config.costs.financing) financing[u.index] = (u.financingRate * h) / 360;
  }
  return { dividend, borrow, financing };
}

/** Annual variance → horizon variance. */
export const riskHorizonFactor = (config: PortfolioConfig): number => config.horizonDays / 365;

/**
 * Impact coefficient per instrument: trading U (numeraire) costs `impact[i] · U²`, from
 * quadratic_cost k: k · U² / ADV. Zero when impact is off; Infinity when ADV is unknown.
 */
export function impactCoefficients(universe: Universe, config: PortfolioConfig): Float64Array {
  const out = new Float64Array(universe.instruments.length);
  if (!config.costs.impact) return out;
  for (const u of universe.instruments) out[u.index] = u.quadraticCost === 0 ? 0 : u.advNotional > 0 ? u.quadraticCost / u.advNotional : Infinity;
  return out;
}

/**
 * Cost of posted margin over the horizon, per unit of margin (annual `costs.marginFunding`,
 * ACT/360). Besides being a real carry cost, it pins down the hedge decomposition: without it
 * any decomposition under the budget would do, and the solver would wander among them.
 */
export const marginFundingRate = (config: PortfolioConfig): number => (config.costs.marginFunding * config.horizonDays) / 360;

/** Whether the model carries margin (and, with hedge credit, the hedge decomposition). */
export const usesMarginModel = (config: PortfolioConfig, hasMarginConstraint: boolean): boolean => hasMarginConstraint || config.costs.marginFunding > 0;
