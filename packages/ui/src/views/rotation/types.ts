/** The parts of MODELS.md §4 (RotationRequest / the rotate result) the view reads. */
export const ROTATION_ENGINES = ['greedy', 'qp'] as const;
export type RotationEngine = (typeof ROTATION_ENGINES)[number];

export interface RotationNameSpec {
  symbol: string;
  z: number;
  weight?: number;
  beta?: number;
  sector?: string;
  price?: number;
  shares?: number;
  restricted?: boolean;
  [k: string]: unknown;
}
export interface RotationRequestLike {
  universe?: RotationNameSpec[];
  correlation?: unknown;
  covariance?: unknown;
  returns?: unknown;
  config?: Record<string, unknown>;
  state?: Record<string, unknown>;
  engine?: RotationEngine;
}

export interface RotationChange {
  symbol: string;
  from: number;
  to: number;
  reason: string;
  rank?: number;
  pair?: string;
  utility?: number;
}
export interface OmsOrder {
  symbol: string;
  side: 'buy' | 'sell';
  shares: number;
}
export interface RotationResult {
  engine: RotationEngine;
  targets: Record<string, number>;
  changes: RotationChange[];
  orders: OmsOrder[];
  decision: { trade: boolean; reasons: string[]; portfolioDrift: number; maxNameDrift: number; heldBack: { symbol: string; reason: string }[] };
  info: Record<string, unknown>;
}

export interface RankedRow {
  rank: number;
  symbol: string;
  sector: string | undefined;
  z: number;
  beta: number | undefined;
  current: number;
  target: number;
  delta: number;
  reason: string | undefined;
  pair: string | undefined;
  side: string | undefined;
  shares: number | undefined;
  heldBack: string | undefined;
}

/** Rank by z (1 = best, ties by symbol), as the engine ranks; joined with changes, orders and held-back names. */
export function rankedUniverse(universe: readonly RotationNameSpec[], result: RotationResult): RankedRow[] {
  const change = new Map(result.changes.map((c) => [c.symbol, c]));
  const order = new Map(result.orders.map((o) => [o.symbol, o]));
  const held = new Map(result.decision.heldBack.map((h) => [h.symbol, h.reason]));
  const sorted = universe.slice().sort((a, b) => b.z - a.z || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return sorted.map((u, i) => {
    const c = change.get(u.symbol);
    const o = order.get(u.symbol);
    const current = u.weight ?? 0;
    const target = result.targets[u.symbol] ?? current;
    return {
      rank: c?.rank ?? i + 1,
      symbol: u.symbol,
      sector: u.sector,
      z: u.z,
      beta: u.beta,
      current,
      target,
      delta: target - current,
      reason: c?.reason,
      pair: c?.pair,
      side: o?.side,
      shares: o?.shares,
      heldBack: held.get(u.symbol),
    };
  });
}

export interface ReplayPoint {
  minute: number;
  turnover: number;
}
export interface ReplaySide {
  turnover: number;
  turnoverAfterBuild?: number;
  startNav?: number;
  endNav?: number;
  bars?: number;
  finalBookSize?: number;
  hysteresis?: { K: number; K_buy: number; K_sell: number };
  policy?: { no_trade_band: number };
  stats?: { tradeDecisions?: number; orders?: number; fills?: number; entries?: number; exits?: number; roundTrips?: number; spreadCost?: number };
  series: ReplayPoint[];
}

/**
 * The replay answer, read tolerantly: a per-bar series may come as `perBar` / `cycles`
 * (`{minute, turnover}` or `{minute, tradedNotional}`) or `turnoverPerBar` (numbers).
 */
export function readReplaySide(raw: unknown): ReplaySide | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const startNav = typeof r.startNav === 'number' ? r.startNav : undefined;
  const list = (Array.isArray(r.perBar) ? r.perBar : Array.isArray(r.cycles) ? r.cycles : undefined) as Record<string, unknown>[] | undefined;
  let series: ReplayPoint[] = [];
  if (list) {
    series = list.map((p, i) => ({
      minute: typeof p.minute === 'number' ? p.minute : i,
      turnover: typeof p.turnover === 'number' ? p.turnover : typeof p.tradedNotional === 'number' && startNav ? p.tradedNotional / startNav : 0,
    }));
  } else if (Array.isArray(r.turnoverPerBar)) {
    series = (r.turnoverPerBar as unknown[]).map((t, i) => ({ minute: i, turnover: typeof t === 'number' ? t : 0 }));
  }
  return { ...(r as unknown as Omit<ReplaySide, 'series'>), turnover: typeof r.turnover === 'number' ? r.turnover : Number.NaN, series };
}

export function cumulative(series: readonly ReplayPoint[]): number[] {
  let s = 0;
  return series.map((p) => (s += p.turnover));
}
