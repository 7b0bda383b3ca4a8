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

export interface ConstraintSet {
  readonly constraints: readonly ConstraintSpec[];
  readonly issues: readonly ConstraintIssue[];
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

  for (const u of universe.instruments) {
    const i = u.index;
    const l = limits[i] as InstrumentLimits;
    const p = paths[i] as Record<string, string>;
    const base = { level: 'instrument' as const, instrument: i };
    if (!u.tradable) {
      out.push({ ...base, id: `instrument:${u.id}:frozen`, kind: 'frozen', lower: 0, upper: 0, soft: false, penalty: 0, unit: 'money', scale: 1, source: `universe (${u.frozenReason})` });
      continue;
    }
    if (u.restricted) {
      out.push({ ...base, id: `instrument:${u.id}:restricted`, kind: 'restricted', lower: 0, upper: 0, soft: false, penalty: 0, unit: 'money', scale: 1, source: 'restrictions.restricted' });
    }
    const soft = (b: BoundSpec) => ({ soft: b.soft, penalty: b.soft ? (b.penalty ?? 0) : 0 });
    if (l.positionNotional) {
      const b = l.positionNotional;
      out.push({ ...base, id: `instrument:${u.id}:positionNotional`, kind: 'positionNotional', lower: lo(b), upper: hi(b), ...soft(b), unit: b.unit, scale: unitScale(b.unit, nav), source: p.positionNotional as string });
    }
    if (l.positionAdv && u.advNotional > 0) {
      const b = l.positionAdv;
      out.push({ ...base, id: `instrument:${u.id}:positionAdv`, kind: 'positionAdv', lower: -Infinity, upper: hi(b), ...soft(b), unit: 'adv', scale: u.advNotional, source: p.positionAdv as string });
    }
    if (l.tradeNotional) {
      const b = l.tradeNotional;
      out.push({ ...base, id: `instrument:${u.id}:tradeNotional`, kind: 'tradeNotional', lower: -Infinity, upper: hi(b), ...soft(b), unit: b.unit, scale: unitScale(b.unit, nav), source: p.tradeNotional as string });
    }
    if (l.tradeAdv) {
      const b = l.tradeAdv;
      // No ADV means no capacity: the cap is zero trades (scale 1, upper 0).
      out.push({ ...base, id: `instrument:${u.id}:tradeAdv`, kind: 'tradeAdv', lower: -Infinity, upper: u.advNotional > 0 ? hi(b) : 0, ...soft(b), unit: 'adv', scale: u.advNotional > 0 ? u.advNotional : 1, source: p.tradeAdv as string });
    }
    if (l.marginContribution && u.marginRate > 0) {
      const b = l.marginContribution;
      out.push({ ...base, id: `instrument:${u.id}:marginContribution`, kind: 'marginContribution', lower: -Infinity, upper: hi(b), ...soft(b), unit: b.unit, scale: unitScale(b.unit, nav), source: p.marginContribution as string });
    }
    const nns = u.noNewShorts || l.noNewShorts === true;
    const nnl = u.noNewLongs || l.noNewLongs === true;
    if (nns) {
      out.push({ ...base, id: `instrument:${u.id}:noNewShorts`, kind: 'noNewShorts', lower: Math.min(u.notional0, 0), upper: Infinity, soft: false, penalty: 0, unit: 'money', scale: 1, source: u.noNewShorts ? 'restrictions.no_new_shorts' : (p.noNewShorts as string) });
    }
    if (nnl) {
      out.push({ ...base, id: `instrument:${u.id}:noNewLongs`, kind: 'noNewLongs', lower: -Infinity, upper: Math.max(u.notional0, 0), soft: false, penalty: 0, unit: 'money', scale: 1, source: u.noNewLongs ? 'restrictions.no_new_longs' : (p.noNewLongs as string) });
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
