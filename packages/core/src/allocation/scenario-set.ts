/**
 * The request's scenarios as one dense S × nSec matrix (base excluded; σ = 0 is the base and
 * σ ≥ 1 is row σ−1). Explicit returns are copied; generated ones come from the seeded bond
 * generator in `../scenarios`, with the defaults of `ALLOCATION_DEFAULTS.generate`.
 */
import { generateBondScenarios } from '../scenarios/index.js';
import { ALLOCATION_DEFAULTS, type AllocationRequest } from './schema.js';
import type { ScenarioSet } from './types.js';

export function buildScenarioSet(req: AllocationRequest): ScenarioSet {
  const nSec = req.securities.length;
  const sc = req.scenarios;
  if (!sc) return { count: 0, nSec, returns: new Float64Array(0) };
  if ('returns' in sc) {
    const returns = new Float64Array(sc.returns.length * nSec);
    sc.returns.forEach((row, i) => returns.set(row, i * nSec));
    return { count: sc.returns.length, nSec, returns };
  }
  const g = sc.generate;
  const G = ALLOCATION_DEFAULTS.generate;
  const idio = g.volatility.idiosyncratic;
  const idioFor = (type: 'government' | 'corporate') =>
    typeof idio === 'number' ? idio : (idio?.[type] ?? G.volatility.idiosyncratic[type]);
  const gen = generateBondScenarios(
    req.securities.map((s) => ({
      type: s.type,
      duration: s.duration ?? 0,
      convexity: s.convexity,
      spreadDuration: s.spreadDuration,
      idiosyncraticVol: g.volatility.bySecurity?.[s.id] ?? s.idiosyncraticVol ?? idioFor(s.type),
    })),
    {
      count: g.count,
      seed: g.seed,
      horizonDays: g.horizonDays ?? req.options.horizonDays,
      model: g.model,
      degreesOfFreedom: g.degreesOfFreedom,
      ratesVol: g.volatility.rates ?? G.volatility.rates,
      creditVol: g.volatility.credit ?? G.volatility.credit,
      ratesCreditCorrelation: g.correlation.ratesCredit ?? G.correlation.ratesCredit,
    },
  );
  return { count: gen.count, nSec, returns: gen.returns };
}
