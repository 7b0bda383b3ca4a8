import { simulateFills, type BarQuote, type Fill, type FillSettings } from './broker.js';
import { resolveConfig, type OptimizationConfig, type OptimizationConfigSpec } from './config.js';
import { createWarmQpSolve } from './qp-backend.js';
import type { QpSolveFn } from './qp-contract.js';
import { planRotation } from './rotate.js';
import { factorRiskOf, type SampleBar, type SampleDay, type SampleFactors, type SampleName } from './sample.js';
import type { DecisionReason, ReasonCode, RotationEngine, RotationName, RotationProblem } from './types.js';

/**
 * Bar-by-bar replay: `runCycle(state, bar)` is the whole loop of seed 05 — mark to market, build
 * the universe, run the engine, ask the policy layer, turn weights into whole-share orders, fill
 * them on the simulated market — as a pure function: it never mutates `state` or `bar`, and the
 * same inputs give the same outputs (no clock, no randomness; timings are not part of the state).
 */

export interface ReplayPosition {
  readonly shares: number;
  readonly entryPrice: number;
  readonly highPrice: number;
  readonly entryMinute: number;
}

export interface ReplayStats {
  readonly cycles: number;
  readonly tradeDecisions: number;
  readonly orders: number;
  readonly fills: number;
  readonly filledShares: number;
  readonly tradedNotional: number;
  readonly spreadCost: number;
  readonly entries: number;
  readonly exits: number;
  /** Names bought and sold out again within the replay: churn. */
  readonly roundTrips: number;
  readonly engineReasons: Readonly<Partial<Record<ReasonCode, number>>>;
  readonly decisionReasons: Readonly<Partial<Record<DecisionReason, number>>>;
  readonly engineNotOptimal: number;
}

export interface ReplaySettings {
  readonly engine: RotationEngine;
  readonly config: OptimizationConfig;
  readonly fill: FillSettings;
  /** After an exit, the name may not be bought again for this many minutes. */
  readonly cooldownMinutes: number;
}

export interface ReplayState {
  readonly minute: number;
  readonly cash: number;
  readonly positions: Readonly<Record<string, ReplayPosition>>;
  readonly cooldownUntil: Readonly<Record<string, number>>;
  /** Names entered during the replay (for round-trip counting). */
  readonly enteredToday: Readonly<Record<string, true>>;
  readonly settings: ReplaySettings;
  readonly names: readonly SampleName[];
  readonly correlation?: Float64Array;
  /** The day's factor structure: when present the QP uses it (factor form) instead of the correlation. */
  readonly factors?: SampleFactors;
  readonly stats: ReplayStats;
}

export interface CycleReport {
  readonly minute: number;
  readonly nav: number;
  readonly trade: boolean;
  readonly reasons: readonly DecisionReason[];
  readonly orders: number;
  readonly fills: readonly Fill[];
  readonly bookSize: number;
}

const emptyStats: ReplayStats = Object.freeze({
  cycles: 0,
  tradeDecisions: 0,
  orders: 0,
  fills: 0,
  filledShares: 0,
  tradedNotional: 0,
  spreadCost: 0,
  entries: 0,
  exits: 0,
  roundTrips: 0,
  engineReasons: {},
  decisionReasons: {},
  engineNotOptimal: 0,
});

/**
 * The sample's replay configuration: seed 05's defaults for a long-only book invested up to
 * 100% (net band |Σw| ≤ 1; the greedy engine invests min(net, gross) = 1, i.e. K slots of 5%),
 * and beta held below 1.2 instead of neutral (a long-only book cannot be beta-neutral:
 * |βᵀw| ≤ 0.05 with β > 0.6 is infeasible). No `budget`: Σw = 1 exactly cannot be reached from
 * cash under seed 05's max_turnover of 0.2 per rebalance, while the net band lets the QP build
 * the book 20% per bar.
 */
export const REPLAY_CONFIG: OptimizationConfigSpec = Object.freeze({ max_net_exposure: 1, long_only: true, beta_tolerance: 1.2 });

export function initialReplayState(
  day: Pick<SampleDay, 'names' | 'correlation'> & Partial<Pick<SampleDay, 'factors'>>,
  options: { engine?: RotationEngine; config?: OptimizationConfigSpec; cash?: number; participation?: number; cooldownMinutes?: number } = {},
): ReplayState {
  return {
    minute: 0,
    cash: options.cash ?? 10_000_000,
    positions: {},
    cooldownUntil: {},
    enteredToday: {},
    settings: {
      engine: options.engine ?? 'greedy',
      config: resolveConfig({ ...REPLAY_CONFIG, ...options.config }),
      fill: { participation: options.participation ?? 0.1 },
      cooldownMinutes: options.cooldownMinutes ?? 30,
    },
    names: day.names,
    correlation: day.correlation,
    ...(day.factors ? { factors: day.factors } : {}),
    stats: emptyStats,
  };
}

/** Switches the engine at run time (seed 05's `switch_engine_type`). */
export const withEngine = (state: ReplayState, engine: RotationEngine): ReplayState => ({ ...state, settings: { ...state.settings, engine } });

const bump = <K extends string>(m: Readonly<Partial<Record<K, number>>>, k: K, by = 1): Partial<Record<K, number>> => ({ ...m, [k]: (m[k] ?? 0) + by });

export function navOf(state: ReplayState, bar: SampleBar): number {
  let nav = state.cash;
  state.names.forEach((x, i) => {
    const p = state.positions[x.symbol];
    if (p) nav += p.shares * bar.quotes[i]!.mid;
  });
  return nav;
}

/**
 * The book's names at `bar` as universe rows: static data, the bar's quote, the held position if
 * any, and a cooldown only while one runs (absent means 0, as in a request).
 */
export function universeAt(state: ReplayState, bar: SampleBar, nav: number): (Omit<RotationName, 'restricted' | 'cooldownMinutes'> & { cooldownMinutes?: number })[] {
  return state.names.map((x, i) => {
    const q = bar.quotes[i]!;
    const p = state.positions[x.symbol];
    const cooldown = Math.max(0, (state.cooldownUntil[x.symbol] ?? 0) - bar.minute);
    return {
      symbol: x.symbol,
      z: q.z,
      weight: p ? (p.shares * q.mid) / nav : 0,
      beta: x.beta,
      sector: x.sector,
      cost: x.cost,
      vol: q.vol,
      baselineVol: x.baselineVol,
      adv: x.adv,
      atr: q.atr,
      price: q.mid,
      spreadBps: q.spreadBps,
      baselineSpreadBps: x.baselineSpreadBps,
      ...(cooldown > 0 ? { cooldownMinutes: cooldown } : {}),
      ...(p ? { shares: p.shares, entryPrice: p.entryPrice, highPrice: Math.max(p.highPrice, q.mid), heldMinutes: bar.minute - p.entryMinute } : {}),
    };
  });
}

/** One decision interval. Pure: returns the next state and what happened. */
export function runCycle(state: ReplayState, bar: SampleBar, deps: { solve?: QpSolveFn } = {}): { state: ReplayState; report: CycleReport } {
  const { settings, names } = state;
  if (bar.quotes.length !== names.length) throw new Error(`bar at minute ${bar.minute} has ${bar.quotes.length} quotes for ${names.length} names`);
  const nav = navOf(state, bar);
  const universe: RotationName[] = universeAt(state, bar, nav).map((row) => ({ restricted: false, cooldownMinutes: 0, ...row }));
  const problem: RotationProblem = {
    universe,
    config: settings.config,
    ...(settings.engine === 'qp' && state.factors
      ? { factorModel: factorRiskOf(state.factors, universe.map((u) => u.vol!)) }
      : settings.engine === 'qp' && state.correlation
        ? { correlation: state.correlation }
        : {}),
    state: { minute: bar.minute, killSwitch: false, killSwitchAction: 'halt', volSpike: false, nav },
  };
  const plan = planRotation(problem, { engine: settings.engine, ...(deps.solve ? { solve: deps.solve } : {}) });
  const quotes = new Map<string, BarQuote>(bar.quotes.map((q) => [q.symbol, q]));
  const { fills } = simulateFills(plan.orders, quotes, settings.fill);

  // Positions, cash and entry data after the fills.
  const positions: Record<string, ReplayPosition> = {};
  names.forEach((x, i) => {
    const p = state.positions[x.symbol];
    if (p) positions[x.symbol] = { ...p, highPrice: Math.max(p.highPrice, bar.quotes[i]!.mid) };
  });
  const cooldownUntil = { ...state.cooldownUntil };
  const enteredToday = { ...state.enteredToday };
  let cash = state.cash;
  let stats = state.stats;
  let entries = 0;
  let exits = 0;
  let roundTrips = 0;
  let notional = 0;
  let filledShares = 0;
  let spreadCost = 0;
  for (const f of fills) {
    const signed = f.side === 'buy' ? f.shares : -f.shares;
    const p = positions[f.symbol];
    const next = (p?.shares ?? 0) + signed;
    cash -= signed * f.price;
    notional += f.shares * f.price;
    filledShares += f.shares;
    spreadCost += f.cost;
    if (!p) {
      positions[f.symbol] = { shares: next, entryPrice: f.price, highPrice: f.price, entryMinute: bar.minute };
      enteredToday[f.symbol] = true;
      entries++;
    } else if (next === 0) {
      delete positions[f.symbol];
      cooldownUntil[f.symbol] = bar.minute + settings.cooldownMinutes;
      exits++;
      if (enteredToday[f.symbol]) roundTrips++;
    } else {
      const adding = Math.sign(next) === Math.sign(p.shares) && Math.abs(next) > Math.abs(p.shares);
      const entryPrice = adding ? (p.entryPrice * p.shares + f.price * signed) / next : p.entryPrice;
      positions[f.symbol] = { ...p, shares: next, entryPrice };
    }
  }
  let engineReasons = stats.engineReasons;
  if (plan.policy.decision.trade) for (const c of plan.result.changes) engineReasons = bump(engineReasons, c.reason);
  let decisionReasons = stats.decisionReasons;
  for (const r of plan.policy.decision.reasons) decisionReasons = bump(decisionReasons, r);
  const notOptimal = plan.result.info.engine === 'qp' && plan.result.info.status !== 'optimal' ? 1 : 0;
  stats = {
    cycles: stats.cycles + 1,
    tradeDecisions: stats.tradeDecisions + (plan.policy.decision.trade ? 1 : 0),
    orders: stats.orders + plan.orders.length,
    fills: stats.fills + fills.length,
    filledShares: stats.filledShares + filledShares,
    tradedNotional: stats.tradedNotional + notional,
    spreadCost: stats.spreadCost + spreadCost,
    entries: stats.entries + entries,
    exits: stats.exits + exits,
    roundTrips: stats.roundTrips + roundTrips,
    engineReasons,
    decisionReasons,
    engineNotOptimal: stats.engineNotOptimal + notOptimal,
  };
  const next: ReplayState = { ...state, minute: bar.minute, cash, positions, cooldownUntil, enteredToday, stats };
  return {
    state: next,
    report: {
      minute: bar.minute,
      nav,
      trade: plan.policy.decision.trade,
      reasons: plan.policy.decision.reasons,
      orders: plan.orders.length,
      fills,
      bookSize: Object.keys(positions).length,
    },
  };
}

export interface ReplaySummary {
  readonly engine: RotationEngine;
  readonly hysteresis: { readonly K: number; readonly K_buy: number; readonly K_sell: number };
  /** The policy's bands and triggers in force. */
  readonly policy: { readonly no_trade_band: number; readonly portfolio_drift_threshold: number; readonly name_drift_threshold: number };
  readonly bars: number;
  readonly startNav: number;
  readonly endNav: number;
  /** Traded notional over the starting NAV (the day's two-way turnover). */
  readonly turnover: number;
  /** Turnover after the first decision (which builds the book from cash). */
  readonly turnoverAfterBuild: number;
  readonly stats: ReplayStats;
  readonly finalBookSize: number;
}

/**
 * Replays a whole day from cash. With the QP engine and no `solve` given, one warm-started
 * workspace is reused across bars (same sparsity every bar: only q, bounds and values change).
 */
export function replayDay(
  day: SampleDay,
  options: Parameters<typeof initialReplayState>[1] & { solve?: QpSolveFn; onCycle?: (r: CycleReport) => void } = {},
): ReplaySummary {
  let state = initialReplayState(day, options);
  const startNav = state.cash;
  let afterBuild = 0;
  const warm = !options.solve && state.settings.engine === 'qp' ? createWarmQpSolve() : undefined;
  const solve = options.solve ?? warm;
  try {
    for (const [k, bar] of day.bars.entries()) {
      const r = runCycle(state, bar, solve ? { solve } : {});
      state = r.state;
      if (k === 0) afterBuild = state.stats.tradedNotional;
      options.onCycle?.(r.report);
    }
  } finally {
    warm?.dispose();
  }
  const last = day.bars[day.bars.length - 1]!;
  const c = state.settings.config;
  return {
    engine: state.settings.engine,
    hysteresis: { K: c.K, K_buy: c.K_buy, K_sell: c.K_sell },
    policy: { no_trade_band: c.no_trade_band, portfolio_drift_threshold: c.portfolio_drift_threshold, name_drift_threshold: c.name_drift_threshold },
    bars: day.bars.length,
    startNav,
    endNav: navOf(state, last),
    turnover: state.stats.tradedNotional / startNav,
    turnoverAfterBuild: (state.stats.tradedNotional - afterBuild) / startNav,
    stats: state.stats,
    finalBookSize: Object.keys(state.positions).length,
  };
}

/**
 * The evidence that the bands work: the same day replayed with the configured bands and
 * without, everything else equal. Greedy: rank hysteresis K_buy ≤ K ≤ K_sell against
 * K_buy = K = K_sell = K. QP (ranks play no part in it): the policy's no-trade band and drift
 * triggers against none (band and thresholds 0: trade whenever the optimum moves).
 */
export function compareHysteresis(day: SampleDay, options: Parameters<typeof replayDay>[1] = {}): { band: ReplaySummary; noBand: ReplaySummary } {
  const band = replayDay(day, options);
  const K = band.hysteresis.K;
  const off =
    band.engine === 'greedy' ? { K, K_buy: K, K_sell: K } : { no_trade_band: 0, portfolio_drift_threshold: 0, name_drift_threshold: 0 };
  const noBand = replayDay(day, { ...options, config: { ...options.config, ...off } });
  return { band, noBand };
}
