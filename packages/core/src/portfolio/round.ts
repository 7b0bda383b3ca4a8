/**
 * Rounding the optimal book to what can be traded: ETF creations/redemptions in whole creation
 * units (whole shares without one) and EFPs in whole contracts, basket legs scaled and rounded
 * to whole shares; final positions to whole shares / contracts, nearest, never crossing the
 * instrument's hard position limits or its trade cap (through the shared orders module); FX to
 * cents of the bought currency. Market trades are final − current − conversion legs, whole by
 * construction. The rounded book is then evaluated like any other, and what rounding broke is
 * reported, not hidden.
 */
import { ordersFromTargets } from '../orders/index.js';
import type { Universe } from '../data/universe.js';
import type { BookConversion, PortfolioBook } from './evaluate.js';
import type { InstrumentBounds } from './instrument-bounds.js';
import type { Conversion } from './synthetics.js';

export interface RoundedBook {
  readonly book: PortfolioBook;
  /** Whole-share market trades per instrument (final − current − conversion legs). */
  readonly marketShares: Float64Array;
  /** Net conversion legs per instrument (whole shares). */
  readonly conversionShares: Float64Array;
  /** FX bought per currency in that currency (signed, cents). */
  readonly fxLocal: ReadonlyMap<string, number>;
}

const roundTo = (x: number, step: number): number => Math.round(x / step) * step;

/**
 * FX trades below this fraction of NAV are dropped when rounding: an interior-point answer
 * leaves an unused FX variable at ~1e-12 of NAV, which at cents of JPY became a 0.01 JPY order.
 * $10 on a $1bn book.
 */
export const FX_DUST = 1e-8;

export function roundBook(universe: Universe, bounds: InstrumentBounds, conversions: readonly Conversion[], book: PortfolioBook): RoundedBook {
  const inst = universe.instruments;
  const n = inst.length;
  // 1. Conversions first: the leader to whole creation units / contracts, legs scaled with it.
  const legsRaw = new Float64Array(n);
  const legsRounded = new Float64Array(n);
  const rounded: BookConversion[] = [];
  for (const bc of book.conversions) {
    const cv = conversions[bc.conversion] as Conversion;
    const idx = [cv.leader, ...cv.members];
    idx.forEach((i, j) => (legsRaw[i] = (legsRaw[i] as number) + (bc.legShares[j] as number)));
    const leader = inst[cv.leader] as (typeof inst)[number];
    const raw = bc.legShares[0] as number;
    const unit = leader.type === 'ETF' && leader.creationUnit ? leader.creationUnit : 1;
    const lead = roundTo(raw, unit);
    if (lead === 0 || raw === 0) continue;
    const legShares = new Float64Array(bc.legShares.length);
    legShares[0] = lead;
    for (let j = 1; j < legShares.length; j++) legShares[j] = Math.round(((bc.legShares[j] as number) * lead) / raw);
    idx.forEach((i, j) => (legsRounded[i] = (legsRounded[i] as number) + (legShares[j] as number)));
    rounded.push({ conversion: bc.conversion, legShares });
  }
  // 2. Final positions keep the optimal market trades: what a conversion did not do in whole
  // units stays in the position it came from (the basket instead of the ETF — the same
  // exposure). Rounded to the nearest whole share within the position limits and within the
  // trade cap around current + legs.
  const shares = new Float64Array(n);
  const targets = [];
  for (const u of inst) {
    shares[u.index] = u.shares0;
    if (!u.tradable || !(u.unitValue > 0)) continue;
    const i = u.index;
    const base = u.shares0 + (legsRounded[i] as number);
    const target = (book.shares[i] as number) + (legsRounded[i] as number) - (legsRaw[i] as number);
    let lo = bounds.posLo[i] as number;
    let hi = bounds.posHi[i] as number;
    const cap = bounds.fixed[i] ? 0 : (bounds.tradeCap[i] as number);
    if (Number.isFinite(cap)) {
      const tlo = Math.max(lo, (base * u.unitValue) - cap);
      const thi = Math.min(hi, (base * u.unitValue) + cap);
      if (tlo <= thi) {
        lo = tlo;
        hi = thi;
      }
    }
    targets.push({
      symbol: u.id,
      price: u.unitValue,
      currentShares: u.shares0,
      targetShares: target,
      ...(Number.isFinite(lo) ? { minNotional: lo } : {}),
      ...(Number.isFinite(hi) ? { maxNotional: hi } : {}),
    });
  }
  for (const row of ordersFromTargets({ targets }).rows) shares[universe.byId.get(row.symbol) as number] = row.finalShares;
  const marketShares = new Float64Array(n);
  for (let i = 0; i < n; i++) marketShares[i] = (shares[i] as number) - (inst[i] as (typeof inst)[number]).shares0 - (legsRounded[i] as number);

  // 3. FX to cents of the bought currency; below FX_DUST of NAV it is solver noise, not an order.
  const fxTrades = new Map<string, number>();
  const fxLocal = new Map<string, number>();
  for (const [ccy, t] of book.fxTrades) {
    if (Math.abs(t) < FX_DUST * universe.nav) continue;
    const fx = universe.currencies.find((c) => c.code === ccy)?.fx ?? NaN;
    const local = Math.round((t / fx) * 100) / 100;
    if (local === 0) continue;
    fxLocal.set(ccy, local);
    fxTrades.set(ccy, local * fx);
  }
  return {
    book: { shares, conversions: rounded, fxTrades, ...(book.hedge ? { hedge: book.hedge } : {}) },
    marketShares,
    conversionShares: legsRounded,
    fxLocal,
  };
}
