import { z } from 'zod';

/**
 * Seed 05's `OptimizationConfig`, names kept exactly as the seed writes them (snake_case, K_buy…),
 * defaults in one visible place. Weights are fractions of NAV; minutes are trading minutes.
 * Additions to the seed are marked "(Keel)".
 */
export const DEFAULT_OPTIMIZATION_CONFIG = Object.freeze({
  // Risk parameters
  /** λ: risk aversion on wᵀΣw (Σ annualised). */
  lambda_risk: 0.1,
  /** γ: weight of the linear cost term γ Σ cᵢ|wᵢ − w0ᵢ| (cᵢ a fraction of traded notional). */
  gamma_cost: 0.05,
  /** τ_U: a rotation must have utility above this (z units per unit of weight moved). */
  tau_utility: 0.0,

  // Portfolio constraints
  max_gross_exposure: 1.5,
  max_net_exposure: 0.3,
  per_name_cap: 0.1,
  /** Cap on each sector's net weight |Σ_{i∈s} wᵢ|. */
  sector_cap: 0.3,

  // Turnover constraints (per rebalance)
  max_turnover: 0.2,
  max_turnover_per_name: 0.05,

  // Beta neutrality |βᵀw| ≤ beta_tolerance (applied when the universe carries betas)
  beta_tolerance: 0.05,

  // Triggers
  portfolio_drift_threshold: 0.01,
  name_drift_threshold: 0.005,

  // Hysteresis: buy at rank ≤ K_buy, hold K names, sell beyond rank K_sell
  K: 20,
  K_buy: 18,
  K_sell: 24,

  // Alpha thresholds: buy above z_keep, cut below z_cut, rotate for a gain of at least delta_z_min
  z_keep: 0.8,
  z_cut: 0.2,
  delta_z_min: 0.25,
  /** ATR stop: sell a long when price ≤ reference − k_ATR · ATR. */
  k_ATR: 1.2,
  /** Dead-money timeout in minutes held without progress. */
  Tmax_min: 120,

  // (Keel) additions
  /** Σw = budget when set; otherwise only the net band |Σw| ≤ max_net_exposure applies. */
  budget: undefined as number | undefined,
  /** (Keel) QP only: forbid short positions. The greedy engine is always long-only. */
  long_only: false,
  /** (Keel) Timeout "progress": price − entryPrice ≥ min_progress_atr · ATR. */
  min_progress_atr: 0.5,
  /** (Keel) Liquidity: a trade larger than this fraction of ADV (notional) is blocked; needs state.nav. */
  max_adv_participation: 0.05,
  /** (Keel) Per-sector overrides of sector_cap. */
  sector_caps: {} as Record<string, number>,
  /** (Keel) Policy: names whose |target − current| is at most this are not traded (entries and exits always are). */
  no_trade_band: 0.002,
  /** (Keel) Policy: scheduled windows as HH:MM (exchange time) and their width in minutes. */
  windows: ['09:35', '10:30', '12:00', '14:30', '15:50'] as readonly string[],
  window_minutes: 5,
  /** (Keel) Policy: the session opens at this time; state.minute counts minutes since it. */
  session_open: '09:30',
  /** (Keel) Policy: a name's spread above this multiple of its baseline is a blowout (no trading in it). */
  spread_blowout_ratio: 3,
  /** (Keel) Policy: a name's vol above this multiple of its baseline is a vol spike (a risk override). */
  vol_spike_ratio: 2,
  /** (Keel) Ledoit–Wolf shrinkage of the risk model (see risk-model.ts). */
  shrinkage: 'none' as 'none' | 'constant_correlation' | 'identity',
  /** (Keel) Fixed shrinkage intensity δ ∈ [0, 1]; when unset and `returns` are given, LW's optimal δ. */
  shrinkage_intensity: undefined as number | undefined,
});

export type OptimizationConfig = {
  -readonly [K in keyof typeof DEFAULT_OPTIMIZATION_CONFIG]: (typeof DEFAULT_OPTIMIZATION_CONFIG)[K];
};

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const nonNeg = () => finite().refine((v) => v >= 0, 'must be ≥ 0');
const positive = () => finite().refine((v) => v > 0, 'must be > 0');
const count = () => z.number().int('must be an integer').min(1, 'must be ≥ 1');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

/** Every field optional; unknown fields are rejected (a misspelt K_sell must not pass silently). */
export const optimizationConfigSchema = z
  .object({
    lambda_risk: nonNeg(),
    gamma_cost: nonNeg(),
    tau_utility: finite(),
    max_gross_exposure: positive(),
    max_net_exposure: nonNeg(),
    per_name_cap: positive(),
    sector_cap: positive(),
    max_turnover: nonNeg(),
    max_turnover_per_name: nonNeg(),
    beta_tolerance: nonNeg(),
    portfolio_drift_threshold: nonNeg(),
    name_drift_threshold: nonNeg(),
    K: count(),
    K_buy: count(),
    K_sell: count(),
    z_keep: finite(),
    z_cut: finite(),
    delta_z_min: nonNeg(),
    k_ATR: nonNeg(),
    Tmax_min: nonNeg(),
    budget: finite(),
    long_only: z.boolean(),
    min_progress_atr: finite(),
    max_adv_participation: positive(),
    sector_caps: z.record(z.string(), positive()),
    no_trade_band: nonNeg(),
    windows: z.array(hhmm),
    window_minutes: positive(),
    session_open: hhmm,
    spread_blowout_ratio: positive(),
    vol_spike_ratio: positive(),
    shrinkage: z.enum(['none', 'constant_correlation', 'identity']),
    shrinkage_intensity: finite().refine((v) => v >= 0 && v <= 1, 'must be in [0, 1]'),
  })
  .partial()
  .strict();

export type OptimizationConfigSpec = z.infer<typeof optimizationConfigSchema>;

/** Defaults merged once, here. */
export function resolveConfig(spec: OptimizationConfigSpec | undefined): OptimizationConfig {
  const out = { ...DEFAULT_OPTIMIZATION_CONFIG, sector_caps: { ...DEFAULT_OPTIMIZATION_CONFIG.sector_caps } } as OptimizationConfig;
  for (const [k, v] of Object.entries(spec ?? {})) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Cap of sector `s`: the per-sector override, else sector_cap. */
export const sectorCapOf = (config: OptimizationConfig, sector: string): number => config.sector_caps[sector] ?? config.sector_cap;

/** Minutes since the session open of an HH:MM time. */
export function minutesSinceOpen(config: OptimizationConfig, hhmmText: string): number {
  const toMin = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return toMin(hhmmText) - toMin(config.session_open);
}
