import type { OmsOrder } from '../orders/types.js';
import type { OptimizationConfig } from './config.js';
import type { FactorRisk } from './risk-model.js';

export const ROTATION_ENGINES = ['greedy', 'qp'] as const;
export type RotationEngine = (typeof ROTATION_ENGINES)[number];

/**
 * Why a name's target differs from (or deliberately equals) its current weight. One code per
 * entry of `changes`; entries with `from === to` record a decision not to trade (a hold kept in
 * the hysteresis band, a trade blocked).
 */
export const REASON_CODES = [
  /** Sold: z below z_cut (a low performer is not protected by the rank band). */
  'cut_low_score',
  /** Sold: rank beyond K_sell. */
  'cut_rank',
  /** Sold: the book held more than K names; worst-ranked first. */
  'cut_excess',
  /** Sold: the greedy engine is long-only, a short is closed. */
  'close_short',
  /** Bought into a free slot: rank ≤ K_buy and z > z_keep. */
  'buy_top_rank',
  /** One leg of a rotation whose utility cleared τ_U and whose z gain cleared Δz_min. */
  'rotate_utility',
  /** Kept although ranked in (K, K_sell]: the band at work. */
  'hold_in_band',
  /** Kept (rank ≤ K); weight moved to its slot. */
  'rebalance',
  /** Sized down to respect a per-name or sector cap. */
  'trim_cap',
  /** Sold: price at or below reference − k_ATR · ATR. */
  'stop_atr',
  /** Sold: held longer than Tmax_min without progress. */
  'timeout',
  /** Wanted trade not done: larger than max_adv_participation of ADV. */
  'blocked_liquidity',
  /** Wanted trade not done: restricted name. */
  'blocked_restricted',
  /** Wanted buy not done: its sector is at its cap. */
  'blocked_sector',
  /** Wanted buy not done: the name is cooling down after an exit. */
  'blocked_cooldown',
  /** QP engine: the optimiser moved the weight (no rule; the objective did). */
  'optimizer',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Reason codes that record a decision not to trade. */
export const NO_TRADE_REASONS: readonly ReasonCode[] = ['hold_in_band', 'blocked_liquidity', 'blocked_restricted', 'blocked_sector', 'blocked_cooldown'];

export interface RotationChange {
  readonly symbol: string;
  readonly from: number;
  readonly to: number;
  readonly reason: ReasonCode;
  /** Rank by z (1 = best), ties by symbol. */
  readonly rank?: number;
  /** For rotate_utility: the other leg and the utility that cleared the threshold. */
  readonly pair?: string;
  readonly utility?: number;
}

/** One name of the universe, after validation and defaults. */
export interface RotationName {
  readonly symbol: string;
  readonly z: number;
  /** Current weight (fraction of NAV, signed). */
  readonly weight: number;
  readonly beta?: number;
  readonly sector?: string;
  /** Linear trading cost per unit of traded notional (0.0005 = 5 bp). */
  readonly cost: number;
  /** Annualised volatility. */
  readonly vol?: number;
  /** Average daily volume in the numeraire. */
  readonly adv?: number;
  /** Average true range, in price units. */
  readonly atr?: number;
  readonly heldMinutes?: number;
  readonly price?: number;
  /** Signed whole shares held now (for orders). */
  readonly shares?: number;
  readonly entryPrice?: number;
  /** Highest price since entry (trailing stop reference); entryPrice when absent. */
  readonly highPrice?: number;
  /** Quoted bid-ask spread in basis points of mid, and its normal level. */
  readonly spreadBps?: number;
  readonly baselineSpreadBps?: number;
  /** Normal level of `vol`, for the vol-spike override. */
  readonly baselineVol?: number;
  readonly restricted: boolean;
  /** Minutes before the name may be bought again (after an exit); 0 = free. */
  readonly cooldownMinutes: number;
}

export interface RotationState {
  /** Minutes since the session open. */
  readonly minute?: number;
  readonly killSwitch: boolean;
  /** What the kill switch does: halt all trading (default) or flatten the book. */
  readonly killSwitchAction: 'halt' | 'flatten';
  /** A vol spike flagged by the signals layer (names' vol vs baseline also count). */
  readonly volSpike: boolean;
  /** Net asset value in the numeraire: needed for orders and the liquidity check. */
  readonly nav?: number;
}

/** A validated request: row-major matrices, defaults merged. */
export interface RotationProblem {
  readonly universe: readonly RotationName[];
  readonly config: OptimizationConfig;
  /** n × n row-major; at most one of correlation/covariance. */
  readonly correlation?: Float64Array;
  readonly covariance?: Float64Array;
  /** T × n row-major return history, for Ledoit–Wolf. */
  readonly returns?: { readonly rows: number; readonly data: Float64Array };
  /** Σ = BFBᵀ + D in factor form, rows in universe order (exclusive with the dense sources). */
  readonly factorModel?: FactorRisk;
  readonly state: RotationState;
}

/** Target weights by symbol, in universe order. */
export interface RotationTargets {
  readonly symbols: readonly string[];
  readonly weights: Float64Array;
}

export interface GreedyInfo {
  readonly engine: 'greedy';
  /** Weight of one slot: min(investable / K, per_name_cap). */
  readonly slotWeight: number;
  readonly investable: number;
  readonly bookSize: number;
  readonly reasonCounts: Partial<Record<ReasonCode, number>>;
  /** Caps broken by names that could not trade (restricted or blocked), named. */
  readonly capBreaches: readonly string[];
  readonly liquidityChecked: boolean;
  readonly timeMs: number;
}

export interface EngineResult<I> {
  readonly targets: Float64Array;
  readonly changes: readonly RotationChange[];
  readonly info: I;
}

export const DECISION_REASONS = [
  'kill_switch',
  'kill_switch_flatten',
  'portfolio_drift',
  'name_drift',
  'scheduled_window',
  'vol_spike',
  'no_trigger',
  'within_bands',
  'spread_blowout',
  'engine_not_optimal',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export interface PolicyDecision {
  readonly trade: boolean;
  readonly reasons: readonly DecisionReason[];
  /** L1 drift ‖w_target − w_current‖₁ and the largest per-name drift. */
  readonly portfolioDrift: number;
  readonly maxNameDrift: number;
  /** Names held back by the no-trade band or a spread blowout. */
  readonly heldBack: readonly { readonly symbol: string; readonly reason: 'no_trade_band' | 'spread_blowout' }[];
}

export interface RotationResult {
  readonly engine: RotationEngine;
  /** Target weight per symbol (the engine's, before the policy's bands). */
  readonly targets: Readonly<Record<string, number>>;
  readonly changes: readonly RotationChange[];
  readonly orders: readonly OmsOrder[];
  readonly decision: PolicyDecision;
  readonly info: Readonly<Record<string, unknown>>;
}
