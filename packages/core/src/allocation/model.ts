/**
 * The normalised allocation model every strategy works on: index maps, dense arrays, and each
 * account's metrics compiled into per-security coefficient vectors by value kind.
 *
 * A metric M of account a, at post-trade positions P (face, per security) and cash', in
 * scenario σ (σ = 0 base, σ ≥ 1 row σ−1 of the scenario matrix R):
 *
 *   e_s(P)  = mv_s·P + gross_s·|P| + long_s·max(P,0) + short_s·max(−P,0)
 *   M(σ)    = cash·cash' + Σ_s e_s(P_s)·(p_s(1 + R[σ,s]) + c_s)/100 + Σ_s dv01_s·P_s·dv01(s)/100
 *           = base(P, cash') + Σ_s e_s(P_s)·p_s/100·R[σ,s]
 *
 * so a metric's scenario sweep is one dense product (holders = accounts × metrics with weights
 * e_s·p_s/100, items = securities). Constraints compile to rows `g = Σ coef·M_i op rhs`; a ratio
 * [num, den] ≤ L becomes `num − L·den ≤ 0`. Slack is `rhs − g` for `<=`, `g − rhs` for `>=`;
 * headroom is slack / normaliser (see `constraintNormaliser`).
 */
import type {
  AllocationRequest,
  ConstraintOp,
  ConstraintSpec,
  FilterSpec,
  MetricSpec,
  SecuritySpec,
  SecurityType,
} from './schema.js';

export const TYPE_CODE = { government: 0, corporate: 1 } as const satisfies Record<SecurityType, number>;

export interface CompiledMetric {
  readonly id: string;
  readonly builtin: boolean;
  /** Coefficient of post-trade cash. */
  readonly cash: number;
  /** Per security (length nSec); zero where a filter excludes the security. */
  readonly mv: Float64Array;
  readonly gross: Float64Array;
  readonly long: Float64Array;
  readonly short: Float64Array;
  readonly dv01: Float64Array;
  /** True when any gross/long/short coefficient is non-zero (the metric needs |P| or P±). */
  readonly usesSplit: boolean;
}

export const CONSTRAINT_KINDS = ['metric', 'ratio', 'linear'] as const;
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number];

export interface CompiledConstraint {
  readonly id: string;
  readonly kind: ConstraintKind;
  readonly op: ConstraintOp;
  /** The user's limit (for a ratio: the ratio's limit). */
  readonly limit: number;
  /** g = Σ coef·M[metric]; compared with rhs. */
  readonly rows: readonly { readonly metric: number; readonly coef: number }[];
  readonly rhs: number;
  /** Metric indices of a ratio's numerator and denominator. */
  readonly ratio?: { readonly num: number; readonly den: number } | undefined;
  /** Present on soft constraints: penalty per unit of normalised violation. */
  readonly softPenalty?: number | undefined;
  /** Money scale used to normalise slack into headroom (> 0). */
  readonly normaliser: number;
  /** JSON path of the constraint, e.g. `accounts[1].constraints[2]`. */
  readonly path: string;
  readonly spec: ConstraintSpec;
}

export interface CompiledAccount {
  readonly id: string;
  readonly cash0: number;
  /** Pre-trade positions, face, length nSec. */
  readonly pos0: Float64Array;
  /** Annual financing rates per security (by the security's type); NaN where not given. */
  readonly rateLong: Float64Array;
  readonly rateShort: Float64Array;
  /** User metrics in order, then the built-ins `cash` and `equity` unless user-defined. */
  readonly metrics: readonly CompiledMetric[];
  readonly metricIndex: ReadonlyMap<string, number>;
  readonly constraints: readonly CompiledConstraint[];
  /** |cash| + base gross before trades (≥ 1): the money scale of the account. */
  readonly refScale: number;
}

export interface AllocationModel {
  readonly request: AllocationRequest;
  readonly nSec: number;
  readonly nTrade: number;
  readonly nAcc: number;
  readonly securityIds: readonly string[];
  readonly securityIndex: ReadonlyMap<string, number>;
  readonly secType: Uint8Array;
  /** Clean price per 100 face. */
  readonly price: Float64Array;
  readonly accrued: Float64Array;
  /** dv01 per 100 face (0 when unknown; parse rejects dv01 metrics on such securities). */
  readonly dv01: Float64Array;
  readonly tradeIds: readonly string[];
  readonly tradeIndex: ReadonlyMap<string, number>;
  readonly tradeSec: Int32Array;
  /** +1 buy, −1 sell. */
  readonly tradeSign: Float64Array;
  /** Face, > 0. */
  readonly tradeQty: Float64Array;
  /** Cash paid per unit face bought: (price_t + accrued_t)/100. */
  readonly tradeCashPerFace: Float64Array;
  /** Number of lots of each trade: q/lot with allowSplit, else 1 (the whole trade). */
  readonly tradeLots: Int32Array;
  readonly accounts: readonly CompiledAccount[];
  readonly accountIndex: ReadonlyMap<string, number>;
  /** Traded notional plus pre-trade gross over all accounts at base dirty prices (≥ 0). */
  readonly bookSize: number;
}

/** Post-trade state of one account: positions (face per security) and cash. */
export interface AccountState {
  readonly positions: Float64Array;
  cash: number;
}

export function filterMatches(filter: FilterSpec | undefined, sec: SecuritySpec): boolean {
  if (!filter) return true;
  const has = <T>(v: T | readonly T[] | undefined, x: T | undefined) =>
    v === undefined || (x !== undefined && (Array.isArray(v) ? (v as readonly T[]).includes(x) : v === x));
  if (!has(filter.type, sec.type)) return false;
  if (!has(filter.issuer, sec.issuer)) return false;
  if (!has(filter.rating, sec.rating)) return false;
  if (filter.securities && !filter.securities.includes(sec.id)) return false;
  if (filter.excludeSecurities?.includes(sec.id)) return false;
  return true;
}

/** dv01 per 100 face: given, else duration·dirty/10 000, else undefined. */
export function securityDv01(sec: SecuritySpec): number | undefined {
  if (sec.dv01 !== undefined) return sec.dv01;
  if (sec.duration !== undefined) return (sec.duration * (sec.price + sec.accrued)) / 10_000;
  return undefined;
}

function compileMetric(m: MetricSpec, securities: readonly SecuritySpec[]): CompiledMetric {
  const n = securities.length;
  const out = {
    mv: new Float64Array(n),
    gross: new Float64Array(n),
    long: new Float64Array(n),
    short: new Float64Array(n),
    dv01: new Float64Array(n),
  };
  let cash = 0;
  for (const t of m.terms) {
    const w = t.weight ?? 1;
    if (t.value === 'cash' || t.value === 'equity') {
      cash += w;
      if (t.value === 'equity') for (let s = 0; s < n; s++) out.mv[s]! += w;
      continue;
    }
    const vec = out[t.value];
    for (let s = 0; s < n; s++) {
      const sec = securities[s]!;
      if (!filterMatches(t.filter, sec)) continue;
      vec[s]! += t.weights?.bySecurity?.[sec.id] ?? t.weights?.default ?? w;
    }
  }
  const usesSplit = [out.gross, out.long, out.short].some((v) => v.some((x) => x !== 0));
  return { id: m.id, builtin: false, cash, ...out, usesSplit };
}

function builtinMetric(id: 'cash' | 'equity', n: number): CompiledMetric {
  const z = () => new Float64Array(n);
  return {
    id,
    builtin: true,
    cash: 1,
    mv: id === 'equity' ? new Float64Array(n).fill(1) : z(),
    gross: z(),
    long: z(),
    short: z(),
    dv01: z(),
    usesSplit: false,
  };
}

/**
 * Money scale that turns a constraint's slack into headroom: |limit| for metric and linear
 * constraints, |limit|·den₀ for a ratio (den₀ = the denominator before trades at base prices);
 * when that is zero (e.g. `cash >= 0`), the account's `refScale`.
 */
export function constraintNormaliser(kind: ConstraintKind, limit: number, den0: number, refScale: number): number {
  const l = kind === 'ratio' ? Math.abs(limit) * Math.max(den0, 0) : Math.abs(limit);
  return l > 0 ? l : refScale;
}

/** Metric value at base prices for given positions and cash (used for den₀). */
export function metricBase(m: CompiledMetric, model: Pick<AllocationModel, 'price' | 'accrued' | 'dv01'>, st: AccountState): number {
  let v = m.cash * st.cash;
  const P = st.positions;
  for (let s = 0; s < P.length; s++) {
    const p = P[s]!;
    if (p === 0) continue;
    const e = m.mv[s]! * p + m.gross[s]! * Math.abs(p) + m.long[s]! * Math.max(p, 0) + m.short[s]! * Math.max(-p, 0);
    v += (e * (model.price[s]! + model.accrued[s]!)) / 100 + (m.dv01[s]! * p * model.dv01[s]!) / 100;
  }
  return v;
}

/**
 * Builds the normalised model from a parsed, semantically checked request (see `parse.ts`;
 * unknown ids are assumed already rejected).
 */
export function buildAllocationModel(request: AllocationRequest): AllocationModel {
  const secs = request.securities;
  const nSec = secs.length;
  const securityIndex = new Map(secs.map((s, i) => [s.id, i]));
  const secType = Uint8Array.from(secs, (s) => TYPE_CODE[s.type]);
  const price = Float64Array.from(secs, (s) => s.price);
  const accrued = Float64Array.from(secs, (s) => s.accrued);
  const dv01 = Float64Array.from(secs, (s) => securityDv01(s) ?? 0);

  const trades = request.trades;
  const nTrade = trades.length;
  const tradeSec = Int32Array.from(trades, (t) => securityIndex.get(t.security)!);
  const tradeSign = Float64Array.from(trades, (t) => (t.side === 'buy' ? 1 : -1));
  const tradeQty = Float64Array.from(trades, (t) => t.quantity);
  const tradeCashPerFace = Float64Array.from(trades, (t, i) => {
    const s = tradeSec[i]!;
    return ((t.price ?? price[s]!) + (t.accrued ?? accrued[s]!)) / 100;
  });
  const { allowSplit, lot } = request.options;
  const tradeLots = Int32Array.from(trades, (t) => (allowSplit ? Math.round(t.quantity / lot) : 1));

  let bookSize = 0;
  for (let t = 0; t < nTrade; t++) bookSize += tradeQty[t]! * tradeCashPerFace[t]!;

  const accounts: CompiledAccount[] = request.accounts.map((acc, ai) => {
    const pos0 = new Float64Array(nSec);
    for (const [sid, q] of Object.entries(acc.positions)) pos0[securityIndex.get(sid)!] = q;
    let gross0 = 0;
    for (let s = 0; s < nSec; s++) gross0 += (Math.abs(pos0[s]!) * (price[s]! + accrued[s]!)) / 100;
    bookSize += gross0;
    const refScale = Math.max(Math.abs(acc.cash) + gross0, 1);
    const rateLong = new Float64Array(nSec).fill(NaN);
    const rateShort = new Float64Array(nSec).fill(NaN);
    for (let s = 0; s < nSec; s++) {
      const r = acc.financing?.[secs[s]!.type];
      if (r) {
        rateLong[s] = r.long;
        rateShort[s] = r.short;
      }
    }
    const metrics: CompiledMetric[] = acc.metrics.map((m) => compileMetric(m, secs));
    for (const b of ['cash', 'equity'] as const) if (!metrics.some((m) => m.id === b)) metrics.push(builtinMetric(b, nSec));
    const metricIndex = new Map(metrics.map((m, i) => [m.id, i]));
    const st: AccountState = { positions: pos0, cash: acc.cash };
    const constraints = acc.constraints.map((c, ci): CompiledConstraint => {
      const path = `accounts[${ai}].constraints[${ci}]`;
      const idx = (id: string) => metricIndex.get(id)!;
      let kind: ConstraintKind;
      let rows: { metric: number; coef: number }[];
      let rhs = c.limit;
      let ratio: { num: number; den: number } | undefined;
      let den0 = 0;
      if (c.ratio) {
        kind = 'ratio';
        ratio = { num: idx(c.ratio[0]), den: idx(c.ratio[1]) };
        rows = [
          { metric: ratio.num, coef: 1 },
          { metric: ratio.den, coef: -c.limit },
        ];
        rhs = 0;
        den0 = metricBase(metrics[ratio.den]!, { price, accrued, dv01 }, st);
      } else if (c.lhs) {
        kind = 'linear';
        rows = c.lhs.map((l) => ({ metric: idx(l.metric), coef: l.coef }));
      } else {
        kind = 'metric';
        rows = [{ metric: idx(c.metric), coef: 1 }];
      }
      return {
        id: c.id,
        kind,
        op: c.op,
        limit: c.limit,
        rows,
        rhs,
        ratio,
        softPenalty: c.soft?.penalty,
        normaliser: constraintNormaliser(kind, c.limit, den0, refScale),
        path,
        spec: c,
      };
    });
    return { id: acc.id, cash0: acc.cash, pos0, rateLong, rateShort, metrics, metricIndex, constraints, refScale };
  });

  return {
    request,
    nSec,
    nTrade,
    nAcc: accounts.length,
    securityIds: secs.map((s) => s.id),
    securityIndex,
    secType,
    price,
    accrued,
    dv01,
    tradeIds: trades.map((t) => t.id),
    tradeIndex: new Map(trades.map((t, i) => [t.id, i])),
    tradeSec,
    tradeSign,
    tradeQty,
    tradeCashPerFace,
    tradeLots,
    accounts,
    accountIndex: new Map(accounts.map((a, i) => [a.id, i])),
    bookSize,
  };
}

/** Post-trade state of every account for a trade × account quantity matrix (face, row-major). */
export function buildAccountStates(model: AllocationModel, quantities: Float64Array): AccountState[] {
  const states = model.accounts.map((a) => ({ positions: Float64Array.from(a.pos0), cash: a.cash0 }));
  for (let t = 0; t < model.nTrade; t++) {
    const s = model.tradeSec[t]!;
    for (let a = 0; a < model.nAcc; a++) {
      const q = quantities[t * model.nAcc + a]!;
      if (q === 0) continue;
      const st = states[a]!;
      st.positions[s]! += model.tradeSign[t]! * q;
      st.cash -= model.tradeSign[t]! * q * model.tradeCashPerFace[t]!;
    }
  }
  return states;
}
