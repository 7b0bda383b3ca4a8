/**
 * Order rows shared by every engine that trades (portfolio construction, rotation).
 * MODELS.md §2: OMS rows are exactly `symbol,side,shares` (whole shares, always positive, the
 * direction in `side`); FX rows are `currency_pair,side,notional`.
 */

export const ORDER_SIDES = ['buy', 'sell'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export interface OmsOrder {
  readonly symbol: string;
  readonly side: OrderSide;
  /** Whole shares, a positive integer. */
  readonly shares: number;
}

export interface FxOrder {
  /** e.g. `EURUSD`: buy = buy the base currency (EUR) against the quote (USD). */
  readonly currencyPair: string;
  readonly side: OrderSide;
  /** Amount of the base currency, positive. */
  readonly notional: number;
}

/**
 * One instrument's target. Give exactly one of `targetWeight` (fraction of NAV, signed),
 * `targetNotional` (numeraire, signed) or `targetShares` (signed, may be fractional).
 * `minNotional`/`maxNotional` bound the post-trade position (numeraire, signed): the rounded
 * position never crosses them.
 */
export interface OrderTarget {
  readonly symbol: string;
  /** Price per share in the numeraire, > 0. */
  readonly price: number;
  /** Signed whole shares held now (+ long). */
  readonly currentShares: number;
  readonly targetWeight?: number;
  readonly targetNotional?: number;
  readonly targetShares?: number;
  readonly minNotional?: number;
  readonly maxNotional?: number;
}

export interface OrdersFromTargetsSpec {
  /** Net asset value in the numeraire; required when any row gives `targetWeight`. */
  readonly nav?: number;
  readonly targets: readonly OrderTarget[];
  /**
   * `nearest` (default): the post-trade position is the whole number of shares nearest the
   * target (ties toward the current position, i.e. the smaller trade).
   * `toward_current`: never overshoot the target; the trade is rounded toward zero.
   */
  readonly rounding?: OrderRounding;
}

export const ORDER_ROUNDINGS = ['nearest', 'toward_current'] as const;
export type OrderRounding = (typeof ORDER_ROUNDINGS)[number];

export interface OrderRow {
  readonly symbol: string;
  readonly currentShares: number;
  /** Unrounded target in shares. */
  readonly targetShares: number;
  /** Whole-share position after the order. */
  readonly finalShares: number;
  /** finalShares − currentShares (signed). */
  readonly tradeShares: number;
  /** True when no whole number of shares lies within [minNotional, maxNotional]; finalShares then
   * sits on the side of the bound nearer zero. */
  readonly boundsUnattainable: boolean;
}

export interface OrdersResult {
  /** Non-zero orders, sorted by symbol (code-unit order). */
  readonly orders: readonly OmsOrder[];
  /** Every target, sorted by symbol, including those with no trade. */
  readonly rows: readonly OrderRow[];
}
