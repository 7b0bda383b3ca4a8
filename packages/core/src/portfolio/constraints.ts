/**
 * The constraint engine (seed 03 §9): every instrument, group and portfolio constraint of a
 * config, plus the restrictions table and the universe's frozen instruments, in one normalised
 * form `{lower, upper, soft, penalty}` with its unit and where it came from. The QP builder
 * compiles this list; the evaluator checks the same list against a book, independently.
 */
import type { Universe } from '../data/universe.js';
import type { BoundSpec, GroupMeasure, InstrumentLimits, PortfolioConfig } from './config.js';

export const CONSTRAINT_LEVELS = ['instrument', 'group', 'portfolio'] as const;
export type ConstraintLevel = (typeof CONSTRAINT_LEVELS)[number];

export const CONSTRAINT_KINDS = [
  // per instrument
  'positionNotional',
  'positionAdv',
  'tradeNotional',
  'tradeAdv',
  'marginContribution',
  'noNewShorts',
  'noNewLongs',
  'restricted',
  'frozen',
  // groups and portfolio: a measure over a member set
  'groupExposure',
  'factorExposure',
  'net',
  'gross',
  'leverage',
  'longLeg',
  'shortLeg',
  'turnover',
  'marginBudget',
  'cash',
  'marketNeutral',
  'factorNeutral',
] as const;
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number];

/**
 * What a bound is measured in. `money`: numeraire; `nav`: fraction of NAV; `adv`: fraction of
 * the instrument's ADV; `navMultiple`: gross / NAV.
 */
export const CONSTRAINT_UNITS = ['money', 'nav', 'adv', 'navMultiple'] as const;
export type ConstraintUnit = (typeof CONSTRAINT_UNITS)[number];

/**
 * The value a constraint bounds, in money before division by `scale`:
 * - instrument kinds: see CONSTRAINT_VALUES in README (position h, |h|, |market trade|, m·|h|, h − h0);
 * - `measure` over `members`: net Σh, gross Σ|h|, long Σh⁺, short Σh⁻, turnover Σ|u|, margin (with hedge credit);
 * - `factor`: Σ loading·h; `currency`: post-trade cash.
 */
export interface ConstraintSpec {
  readonly id: string;
  readonly level: ConstraintLevel;
  readonly kind: ConstraintKind;
  /** In `unit`; ±Infinity when absent. */
  readonly lower: number;
  readonly upper: number;
  readonly soft: boolean;
  /** Objective money per numeraire unit of violation; 0 for hard constraints. */
  readonly penalty: number;
  readonly unit: ConstraintUnit;
  /** Money per unit: 1, NAV or the instrument's ADV. */
  readonly scale: number;
  /** JSON path in the config, or `restrictions.parquet:12:no_new_shorts`, or `universe`. */
  readonly source: string;
  readonly instrument?: number;
  readonly measure?: GroupMeasure;
  readonly members?: Int32Array;
  readonly factor?: number;
  readonly currency?: string;
}

export interface ConstraintIssue {
  readonly severity: 'error' | 'warning';
  /** The constraints on both sides of a contradiction (one for a lone problem). */
  readonly constraints: readonly string[];
  readonly paths: readonly string[];
  readonly message: string;
}

const unitScale = (unit: 'money' | 'nav', nav: number): number => (unit === 'nav' ? nav : 1);
const lo = (b: BoundSpec | undefined) => (b?.lower == null ? -Infinity : b.lower);
const hi = (b: BoundSpec | undefined) => (b?.upper == null ? Infinity : b.upper);

/** Per-instrument limits after defaults and overrides, with the JSON path of each field. */
function resolveInstrumentLimits(config: PortfolioConfig, universe: Universe) {
  const n = universe.instruments.length;
  const limits: InstrumentLimits[] = new Array(n);
  const paths: Record<string, string>[] = new Array(n);
  const defaults = config.constraints.instrument.defaults;
  const defaultPaths: Record<string, string> = {};
  for (const k of Object.keys(defaults)) defaultPaths[k] = `constraints.instrument.defaults.${k}`;
  for (let i = 0; i < n; i++) {
    limits[i] = defaults;
    paths[i] = defaultPaths;
  }
  config.constraints.instrument.overrides.forEach((o, oi) => {
    const { instruments: ids, types, ...fields } = o;
    const targets = new Set<number>();
    ids?.forEach((id) => {
      const i = universe.byId.get(id);
      if (i !== undefined) targets.add(i);
    });
    if (types) universe.instruments.forEach((u) => (types as readonly string[]).includes(u.type) && targets.add(u.index));
    for (const i of targets) {
      limits[i] = { ...limits[i], ...fields };
      const p = { ...paths[i] };
      for (const k of Object.keys(fields)) p[k] = `constraints.instrument.overrides[${oi}].${k}`;
      paths[i] = p;
    }
  });
  return { limits, paths };
}

/** Unknown ids, factors and currencies in the config, as JSON paths. */
export function checkConfigReferences(config: PortfolioConfig, universe: Universe): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const factors = new Set(universe.factors);
  config.constraints.instrument.overrides.forEach((o, oi) =>
    o.instruments?.forEach((id, j) => {
      if (!universe.byId.has(id)) issues.push({ path: `constraints.instrument.overrides[${oi}].instruments[${j}]`, message: `unknown instrument "${id}"` });
    }),
  );
  config.constraints.groups.forEach((g, gi) => {
    g.members?.forEach((id, j) => {
      if (!universe.byId.has(id)) issues.push({ path: `constraints.groups[${gi}].members[${j}]`, message: `unknown instrument "${id}"` });
    });
    if (g.factor && !factors.has(g.factor)) issues.push({ path: `constraints.groups[${gi}].factor`, message: `unknown factor "${g.factor}"` });
  });
  const p = config.constraints.portfolio;
  const codes = new Set(universe.currencies.map((c) => c.code));
  for (const c of Object.keys(p.cash ?? {})) {
    if (!codes.has(c)) issues.push({ path: `constraints.portfolio.cash.${c}`, message: `currency ${c} is neither held nor in the cash table` });
  }
  if (p.marketNeutral?.by === 'beta' && !factors.has(p.marketNeutral.factor)) {
    issues.push({ path: 'constraints.portfolio.marketNeutral.factor', message: `unknown factor "${p.marketNeutral.factor}"` });
  }
  if (Array.isArray(p.factorNeutral?.factors)) {
    p.factorNeutral.factors.forEach((f, j) => {
      if (!factors.has(f)) issues.push({ path: `constraints.portfolio.factorNeutral.factors[${j}]`, message: `unknown factor "${f}"` });
    });
  }
  return issues;
}

/**
 * Expands a config against a universe into normalised constraints (no contradiction checks:
 * see `diagnoseConstraints`). Call `checkConfigReferences` first.
 */
export function normalizeConstraints(config: PortfolioConfig, universe: Universe): ConstraintSpec[] {
  const out: ConstraintSpec[] = [];
  const nav = universe.nav;
  const { limits, paths } = resolveInstrumentLimits(config, universe);
  const all = Int32Array.from(universe.instruments.map((u) => u.index));

  // Per instrument: objects of one literal shape (no spreads: 60k of them at 15k instruments).
  const mk = (id: string, kind: ConstraintKind, i: number, lower: number, upper: number, b: BoundSpec | undefined, unit: ConstraintUnit, scale: number, source: string): ConstraintSpec => ({
    id,
    level: 'instrument',
    kind,
    lower,
    upper,
    soft: b?.soft ?? false,
    penalty: b?.soft ? (b.penalty ?? 0) : 0,
    unit,
    scale,
    source,
    instrument: i,
  });
  for (const u of universe.instruments) {
    const i = u.index;
    const l = limits[i] as InstrumentLimits;
    const p = paths[i] as Record<string, string>;
    const pre = `instrument:${u.id}:`;
    if (!u.tradable) {
      out.push(mk(`${pre}frozen`, 'frozen', i, 0, 0, undefined, 'money', 1, `universe (${u.frozenReason})`));
      continue;
    }
    if (u.restricted) out.push(mk(`${pre}restricted`, 'restricted', i, 0, 0, undefined, 'money', 1, 'restrictions.restricted'));
    const pn = l.positionNotional;
    if (pn) out.push(mk(`${pre}positionNotional`, 'positionNotional', i, lo(pn), hi(pn), pn, pn.unit, unitScale(pn.unit, nav), p.positionNotional as string));
    const pa = l.positionAdv;
    if (pa && u.advNotional > 0) out.push(mk(`${pre}positionAdv`, 'positionAdv', i, -Infinity, hi(pa), pa, 'adv', u.advNotional, p.positionAdv as string));
    const tn = l.tradeNotional;
    if (tn) out.push(mk(`${pre}tradeNotional`, 'tradeNotional', i, -Infinity, hi(tn), tn, tn.unit, unitScale(tn.unit, nav), p.tradeNotional as string));
    const ta = l.tradeAdv;
    // No ADV means no capacity: the cap is zero trades (scale 1, upper 0).
    if (ta) out.push(mk(`${pre}tradeAdv`, 'tradeAdv', i, -Infinity, u.advNotional > 0 ? hi(ta) : 0, ta, 'adv', u.advNotional > 0 ? u.advNotional : 1, p.tradeAdv as string));
    const mc = l.marginContribution;
    if (mc && u.marginRate > 0) out.push(mk(`${pre}marginContribution`, 'marginContribution', i, -Infinity, hi(mc), mc, mc.unit, unitScale(mc.unit, nav), p.marginContribution as string));
    if (u.noNewShorts || l.noNewShorts === true) {
      out.push(mk(`${pre}noNewShorts`, 'noNewShorts', i, noNewShortsLower(u.notional0), Infinity, undefined, 'money', 1, u.noNewShorts ? 'restrictions.no_new_shorts' : (p.noNewShorts as string)));
    }
    if (u.noNewLongs || l.noNewLongs === true) {
      out.push(mk(`${pre}noNewLongs`, 'noNewLongs', i, -Infinity, noNewLongsUpper(u.notional0), undefined, 'money', 1, u.noNewLongs ? 'restrictions.no_new_longs' : (p.noNewLongs as string)));
    }
  }

  // --- groups
  const factorIndex = new Map(universe.factors.map((f, i) => [f, i]));
  const fieldOf = (by: string, i: number): string => {
    const u = universe.instruments[i] as (typeof universe.instruments)[number];
    return by === 'sector' ? u.sector : by === 'industry' ? u.industry : by === 'country' ? u.country : by === 'currency' ? u.currency : u.type;
  };
  config.constraints.groups.forEach((g, gi) => {
    const source = `constraints.groups[${gi}]`;
    const soft = g.soft;
    const penalty = g.soft ? (g.penalty ?? 0) : 0;
    const scale = unitScale(g.unit, nav);
    if (g.by === 'factor') {
      out.push({ id: g.id ?? `group:factor:${g.factor}`, level: 'group', kind: 'factorExposure', lower: lo(g), upper: hi(g), soft, penalty, unit: g.unit, scale, source, factor: factorIndex.get(g.factor as string) as number });
      return;
    }
    if (g.by === 'custom') {
      const members = Int32Array.from((g.members ?? []).map((id) => universe.byId.get(id) as number));
      out.push({ id: g.id ?? `group:custom:${gi}:${g.measure}`, level: 'group', kind: 'groupExposure', lower: lo(g), upper: hi(g), soft, penalty, unit: g.unit, scale, source, measure: g.measure, members });
      return;
    }
    const buckets = new Map<string, number[]>();
    for (const i of all) {
      const v = fieldOf(g.by, i);
      if (g.value !== undefined && v !== g.value) continue;
      const list = buckets.get(v);
      if (list) list.push(i);
      else buckets.set(v, [i]);
    }
    if (g.value !== undefined && !buckets.has(g.value)) buckets.set(g.value, []);
    for (const [value, members] of [...buckets].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const id = g.id ? (g.value !== undefined ? g.id : `${g.id}:${value}`) : `group:${g.by}:${value}:${g.measure}`;
      out.push({ id, level: 'group', kind: 'groupExposure', lower: lo(g), upper: hi(g), soft, penalty, unit: g.unit, scale, source, measure: g.measure, members: Int32Array.from(members) });
    }
  });

  // --- portfolio
  const P = config.constraints.portfolio;
  const port = (kind: ConstraintKind, b: BoundSpec | undefined, measure: GroupMeasure, unitOverride?: ConstraintUnit) => {
    if (!b) return;
    const unit = unitOverride ?? b.unit;
    out.push({
      id: `portfolio:${kind}`,
      level: 'portfolio',
      kind,
      lower: lo(b),
      upper: hi(b),
      soft: b.soft,
      penalty: b.soft ? (b.penalty ?? 0) : 0,
      unit,
      scale: unit === 'money' ? 1 : nav,
      source: `constraints.portfolio.${kind}`,
      measure,
      members: all,
    });
  };
  port('net', P.net, 'net');
  port('gross', P.gross, 'gross');
  port('leverage', P.leverage, 'gross', 'navMultiple');
  port('longLeg', P.longLeg, 'long');
  port('shortLeg', P.shortLeg, 'short');
  port('turnover', P.turnover, 'turnover');
  port('marginBudget', P.marginBudget, 'margin');
  for (const [ccy, b] of Object.entries(P.cash ?? {}).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out.push({ id: `portfolio:cash:${ccy}`, level: 'portfolio', kind: 'cash', lower: lo(b), upper: hi(b), soft: b.soft, penalty: b.soft ? (b.penalty ?? 0) : 0, unit: b.unit, scale: unitScale(b.unit, nav), source: `constraints.portfolio.cash.${ccy}`, currency: ccy });
  }
  if (P.marketNeutral) {
    const m = P.marketNeutral;
    const common = { level: 'portfolio' as const, kind: 'marketNeutral' as const, lower: -m.tolerance, upper: m.tolerance, soft: m.soft, penalty: m.soft ? (m.penalty ?? 0) : 0, unit: m.unit, scale: unitScale(m.unit, nav), source: 'constraints.portfolio.marketNeutral' };
    if (m.by === 'net') out.push({ ...common, id: 'portfolio:marketNeutral', measure: 'net', members: all });
    else out.push({ ...common, id: 'portfolio:marketNeutral', factor: factorIndex.get(m.factor) as number });
  }
  if (P.factorNeutral) {
    const m = P.factorNeutral;
    const names = m.factors === 'all' ? universe.factors : m.factors;
    for (const f of names) {
      out.push({ id: `portfolio:factorNeutral:${f}`, level: 'portfolio', kind: 'factorNeutral', lower: -m.tolerance, upper: m.tolerance, soft: m.soft, penalty: m.soft ? (m.penalty ?? 0) : 0, unit: m.unit, scale: unitScale(m.unit, nav), source: 'constraints.portfolio.factorNeutral', factor: factorIndex.get(f) as number });
    }
  }
  return out;
}

/** No new shorts: the position may not fall below the current short (0 for a long); in money. */
function noNewShortsLower(notional0: number): number {
  return Math.min(notional0, 0);
}
/** No new longs: the position may not rise above the current long (0 for a short); in money. */
function noNewLongsUpper(notional0: number): number {
  return Math.max(notional0, 0);
}

/**
 * The constraints of `normalizeConstraints(config, repriced)` without re-expanding the config:
 * a price update moves only NAV-relative scales (unit `nav` / `navMultiple`: scale = NAV) and
 * the no-new-shorts / no-new-longs bounds (the current notional); ids, kinds, members, ADV
 * scales and sources stay. Constraints with nothing to change are returned as they were.
 * `constraints` must come from `normalizeConstraints` on a universe of the same structure
 * (the same instruments, tradability and ADV); the tests compare both paths.
 */
export function repriceConstraints(constraints: readonly ConstraintSpec[], universe: Universe): ConstraintSpec[] {
  const nav = universe.nav;
  const inst = universe.instruments;
  const out: ConstraintSpec[] = new Array(constraints.length);
  for (let j = 0; j < constraints.length; j++) {
    const c = constraints[j] as ConstraintSpec;
    const scale = c.unit === 'nav' || c.unit === 'navMultiple' ? nav : c.scale;
    let { lower, upper } = c;
    if (c.kind === 'noNewShorts') lower = noNewShortsLower((inst[c.instrument as number] as (typeof inst)[number]).notional0);
    else if (c.kind === 'noNewLongs') upper = noNewLongsUpper((inst[c.instrument as number] as (typeof inst)[number]).notional0);
    if (scale === c.scale && lower === c.lower && upper === c.upper) out[j] = c;
    else if (c.level === 'instrument') {
      // The literal shape of normalizeConstraints' per-instrument objects (a spread over 45,000
      // of them costs ten times as much).
      out[j] = { id: c.id, level: c.level, kind: c.kind, lower, upper, soft: c.soft, penalty: c.penalty, unit: c.unit, scale, source: c.source, instrument: c.instrument as number };
    } else out[j] = { ...c, scale, lower, upper };
  }
  return out;
}
