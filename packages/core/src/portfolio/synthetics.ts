/**
 * Synthetic trades and hedged packages (seed 03 §6–7), both defined by an index instrument
 * (ETF or future) and its basket:
 *
 * - a conversion moves notional s (numeraire, signed, leader side) between the leader and its
 *   basket: leader +s, member j −w_j·s. ETF create/redeem is in kind (no cash moves); an EFP
 *   exchanges the future for the basket, whose leg settles in cash. The legs satisfy the
 *   synthetic equivalence x_E + Σ_j x_j = 0 (Σ w_j = 1) by construction.
 * - a hedged package p of size z is the same leg vector held as a position; margin is charged
 *   at the package rate on |z| and at the instruments' own rates on what is left over
 *   (r = h − Σ_p z_p·legs_p), so a future hedged by its basket uses far less margin than the
 *   two legs on their own. The margin of a book is the least such charge over all z.
 */
import type { Universe } from '../data/universe.js';
import type { PortfolioConfig } from './config.js';

export const CONVERSION_KINDS = ['createRedeem', 'efp'] as const;
export type ConversionKind = (typeof CONVERSION_KINDS)[number];

export interface Conversion {
  readonly kind: ConversionKind;
  readonly leader: number;
  readonly members: Int32Array;
  readonly weights: Float64Array;
  /** |s| ≤ cap (numeraire). */
  readonly cap: number;
  /** Cost as a fraction of |s|. */
  readonly cost: number;
}

export interface HedgePackage {
  readonly leader: number;
  readonly members: Int32Array;
  readonly weights: Float64Array;
  /** Margin rate on |z|. */
  readonly rate: number;
}

export function listConversions(universe: Universe, config: PortfolioConfig): Conversion[] {
  const s = config.synthetics;
  const out: Conversion[] = [];
  for (const u of universe.instruments) {
    if (!u.synthetic?.valid || !u.tradable || u.restricted) continue;
    const bk = universe.baskets.get(u.synthetic.basketId);
    if (!bk) continue;
    if (u.type === 'ETF' && s.createRedeem && s.maxCreateRedeemNotional > 0) {
      out.push({ kind: 'createRedeem', leader: u.index, members: bk.members, weights: bk.weights, cap: s.maxCreateRedeemNotional, cost: s.createRedeemCost });
    } else if (u.type === 'Future' && s.efp && s.maxEfpNotional > 0) {
      out.push({ kind: 'efp', leader: u.index, members: bk.members, weights: bk.weights, cap: s.maxEfpNotional, cost: s.efpCost });
    }
  }
  return out;
}

/**
 * One hedged package per basket, led by its front future (index arbitrage: the future against
 * the cash basket). Several leaders on one basket (two expiries, an ETF) would make the
 * decomposition non-unique — the same hedge could be booked against either — which costs the
 * solver dearly and changes nothing in the margin, so later expiries and ETFs are margined
 * on their own.
 */
export function listHedgePackages(universe: Universe, config: PortfolioConfig): HedgePackage[] {
  if (!config.synthetics.hedgeCredit) return [];
  const byBasket = new Map<string, (typeof universe.instruments)[number]>();
  for (const u of universe.instruments) {
    if (u.type !== 'Future' || !u.synthetic?.valid) continue;
    const prev = byBasket.get(u.synthetic.basketId);
    if (!prev || (u.expiry ?? '') < (prev.expiry ?? '') || ((u.expiry ?? '') === (prev.expiry ?? '') && u.id < prev.id)) byBasket.set(u.synthetic.basketId, u);
  }
  const out: HedgePackage[] = [];
  for (const [basketId, u] of [...byBasket].sort((a, b) => a[1].index - b[1].index)) {
    const bk = universe.baskets.get(basketId);
    if (!bk) continue;
    out.push({ leader: u.index, members: bk.members, weights: bk.weights, rate: u.packageMarginRate ?? config.synthetics.hedgedMarginRate });
  }
  return out;
}
