/**
 * Pre-solve diagnostics: contradictions between hard constraints that no book can satisfy,
 * found from interval arithmetic alone, each naming both sides (constraint ids and their
 * config paths). Soft constraints can always be met at a price and are not checked. The
 * checks are sufficient for infeasibility, not necessary: a set that passes can still be
 * infeasible (the solver then says so).
 */
import type { Universe } from '../data/universe.js';
import type { ConstraintIssue, ConstraintSpec } from './constraints.js';
import { instrumentBounds, type InstrumentBounds } from './instrument-bounds.js';
import type { Conversion } from './synthetics.js';

const fmt = (x: number): string => (Math.abs(x) >= 1e4 ? x.toExponential(4) : x.toPrecision(6));

/** How far conversions alone could move each instrument (numeraire). */
function conversionReach(n: number, conversions: readonly Conversion[]): Float64Array {
  const reach = new Float64Array(n);
  for (const c of conversions) {
    reach[c.leader] = (reach[c.leader] as number) + c.cap;
    c.members.forEach((m, j) => {
      reach[m] = (reach[m] as number) + Math.abs(c.weights[j] as number) * c.cap;
    });
  }
  return reach;
}

/** The range each position can reach: limits ∩ (current ± trade cap ± conversion reach). */
export function reachableRanges(universe: Universe, b: InstrumentBounds, conversions: readonly Conversion[]) {
  const n = universe.instruments.length;
  const reach = conversionReach(n, conversions);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const h0 = (universe.instruments[i] as (typeof universe.instruments)[number]).notional0;
    const move = (b.fixed[i] ? 0 : (b.tradeCap[i] as number)) + (reach[i] as number);
    lo[i] = Math.max(b.posLo[i] as number, h0 - move);
    hi[i] = Math.min(b.posHi[i] as number, h0 + move);
  }
  return { lo, hi, reach };
}

/** The most frequent source among the given constraints (to name "the instrument limits"). */
function commonSource(cs: (ConstraintSpec | null)[]): string {
  const count = new Map<string, number>();
  for (const c of cs) if (c) count.set(c.source, (count.get(c.source) ?? 0) + 1);
  let best = 'no instrument limit';
  let bestN = 0;
  for (const [s, k] of count) if (k > bestN) [best, bestN] = [s, k];
  return best;
}

export function diagnoseConstraints(
  universe: Universe,
  constraints: readonly ConstraintSpec[],
  conversions: readonly Conversion[],
  hasHedgeCredit: boolean,
  bounds?: InstrumentBounds,
): ConstraintIssue[] {
  const issues: ConstraintIssue[] = [];
  const b = bounds ?? instrumentBounds(universe, constraints);
  const n = universe.instruments.length;
  const { lo, hi, reach } = reachableRanges(universe, b, conversions);
  const id = (c: ConstraintSpec | null) => c?.id ?? 'none';
  const src = (c: ConstraintSpec | null) => c?.source ?? 'none';

  // 1. Per instrument: empty limits, or limits out of reach of the allowed trading.
  for (let i = 0; i < n; i++) {
    const u = universe.instruments[i] as (typeof universe.instruments)[number];
    const pl = b.posLo[i] as number;
    const ph = b.posHi[i] as number;
    if (pl > ph) {
      const A = b.posLoBy[i] as ConstraintSpec | null;
      const B = b.posHiBy[i] as ConstraintSpec | null;
      issues.push({ severity: 'error', constraints: [id(A), id(B)], paths: [src(A), src(B)], message: `${u.id}: position floor ${fmt(pl)} (${id(A)}) is above its cap ${fmt(ph)} (${id(B)})` });
      continue;
    }
    if ((lo[i] as number) > (hi[i] as number)) {
      const h0 = u.notional0;
      const side = h0 > ph ? b.posHiBy[i] : b.posLoBy[i];
      const by = b.fixed[i] ? b.fixedBy[i] : b.tradeCapBy[i];
      const bound = h0 > ph ? ph : pl;
      issues.push({
        severity: 'error',
        constraints: [id(side ?? null), id(by ?? null)],
        paths: [src(side ?? null), src(by ?? null)],
        message: `${u.id}: the current position ${fmt(h0)} must move to ${fmt(bound)} (${id(side ?? null)}) but ${b.fixed[i] ? 'it cannot trade' : `its trades are capped at ${fmt(b.tradeCap[i] as number)}`} (${id(by ?? null)})`,
      });
    }
  }
  if (issues.length) return issues;

  // 2. Group and portfolio measures against what the members can reach.
  // Only group and portfolio constraints are looked at below: a list of those, not a map of
  // all 60,000 (the per-instrument ones are covered by the per-instrument pass above).
  const hard = constraints.filter((c) => !c.soft && c.level !== 'instrument');
  const byId = new Map(hard.map((c) => [c.id, c]));
  for (const c of hard) {
    if (!c.members || !c.measure) continue;
    const lower = c.lower * c.scale;
    const upper = c.upper * c.scale;
    const members = c.members;
    // Named only when there is something to report: the scan is O(members).
    let cached: string | undefined;
    const source = () => (cached ??= commonSource([...members].flatMap((i) => [b.posHiBy[i] ?? null, b.posLoBy[i] ?? null, b.tradeCapBy[i] ?? null, b.fixedBy[i] ?? null])));
    // Plain loops: a reducer callback would box every partial sum (150,000 of them at 15k).
    const minAbs = (i: number) => ((lo[i] as number) > 0 ? (lo[i] as number) : (hi[i] as number) < 0 ? -(hi[i] as number) : 0);
    if (c.measure === 'net') {
      let maxNet = 0;
      let minNet = 0;
      for (let j = 0; j < members.length; j++) {
        const i = members[j] as number;
        maxNet += hi[i] as number;
        minNet += lo[i] as number;
      }
      if (maxNet < lower) issues.push({ severity: 'error', constraints: [c.id, 'instrument limits'], paths: [c.source, source()], message: `${c.id}: floor ${fmt(lower)} is above the sum of its ${members.length} members' reachable maxima ${fmt(maxNet)} (position limits, trade caps, restrictions)` });
      if (minNet > upper) issues.push({ severity: 'error', constraints: [c.id, 'instrument limits'], paths: [c.source, source()], message: `${c.id}: cap ${fmt(upper)} is below the sum of its ${members.length} members' reachable minima ${fmt(minNet)}` });
    } else if (c.measure === 'gross' || c.measure === 'long' || c.measure === 'short') {
      let forced = 0;
      for (let j = 0; j < members.length; j++) {
        const i = members[j] as number;
        forced += c.measure === 'gross' ? minAbs(i) : c.measure === 'long' ? Math.max(lo[i] as number, 0) : Math.max(-(hi[i] as number), 0);
      }
      if (forced > upper) issues.push({ severity: 'error', constraints: [c.id, 'instrument limits'], paths: [c.source, source()], message: `${c.id}: cap ${fmt(upper)} is below the ${c.measure} exposure its members cannot avoid, ${fmt(forced)}` });
    } else if (c.measure === 'turnover') {
      let forced = 0;
      for (let j = 0; j < members.length; j++) {
        const i = members[j] as number;
        const h0 = (universe.instruments[i] as (typeof universe.instruments)[number]).notional0;
        const dist = Math.max((b.posLo[i] as number) - h0, h0 - (b.posHi[i] as number), 0);
        forced += Math.max(dist - (reach[i] as number), 0);
      }
      if (forced > upper) issues.push({ severity: 'error', constraints: [c.id, 'instrument limits'], paths: [c.source, source()], message: `${c.id}: cap ${fmt(upper)} is below the trading the position limits force, ${fmt(forced)}` });
    } else if (c.measure === 'margin' && !hasHedgeCredit) {
      let forced = 0;
      for (let j = 0; j < members.length; j++) {
        const i = members[j] as number;
        forced += minAbs(i) * (universe.instruments[i] as (typeof universe.instruments)[number]).marginRate;
      }
      if (forced > upper) issues.push({ severity: 'error', constraints: [c.id, 'instrument limits'], paths: [c.source, source()], message: `${c.id}: budget ${fmt(upper)} is below the margin its members cannot avoid, ${fmt(forced)}` });
    }
  }

  // 3. Portfolio pairs: net against gross / leverage / legs.
  const net = byId.get('portfolio:net');
  const grossCaps = ['portfolio:gross', 'portfolio:leverage', 'portfolio:marketNeutral'].map((k) => byId.get(k)).filter((c): c is ConstraintSpec => !!c && c.measure !== undefined);
  if (net) {
    const nl = net.lower * net.scale;
    const nu = net.upper * net.scale;
    for (const g of grossCaps) {
      const gu = g.measure === 'net' ? Math.max(Math.abs(g.lower), Math.abs(g.upper)) * g.scale : g.upper * g.scale;
      if (g.measure === 'net') {
        if (nl > g.upper * g.scale || nu < g.lower * g.scale) issues.push({ severity: 'error', constraints: [net.id, g.id], paths: [net.source, g.source], message: `net band [${fmt(nl)}, ${fmt(nu)}] does not meet the market-neutral band [${fmt(g.lower * g.scale)}, ${fmt(g.upper * g.scale)}]` });
      } else if (nl > gu || nu < -gu) {
        issues.push({ severity: 'error', constraints: [net.id, g.id], paths: [net.source, g.source], message: `net ${nl > gu ? `floor ${fmt(nl)}` : `cap ${fmt(nu)}`} is outside ±${g.kind} cap ${fmt(gu)}` });
      }
    }
    const long = byId.get('portfolio:longLeg');
    if (long && nl > long.upper * long.scale) issues.push({ severity: 'error', constraints: [net.id, long.id], paths: [net.source, long.source], message: `net floor ${fmt(nl)} is above the long-leg cap ${fmt(long.upper * long.scale)}` });
    const short = byId.get('portfolio:shortLeg');
    if (short && nu < -short.upper * short.scale) issues.push({ severity: 'error', constraints: [net.id, short.id], paths: [net.source, short.source], message: `net cap ${fmt(nu)} is below minus the short-leg cap ${fmt(-short.upper * short.scale)}` });
  }

  // 4. Several bounds on one factor exposure.
  const perFactor = new Map<number, ConstraintSpec[]>();
  for (const c of hard) if (c.factor !== undefined) perFactor.set(c.factor, [...(perFactor.get(c.factor) ?? []), c]);
  for (const cs of perFactor.values()) {
    for (let a = 0; a < cs.length; a++) {
      for (let z = a + 1; z < cs.length; z++) {
        const A = cs[a] as ConstraintSpec;
        const B = cs[z] as ConstraintSpec;
        if (A.lower * A.scale > B.upper * B.scale || B.lower * B.scale > A.upper * A.scale) {
          issues.push({ severity: 'error', constraints: [A.id, B.id], paths: [A.source, B.source], message: `${universe.factors[A.factor as number]} exposure: [${fmt(A.lower * A.scale)}, ${fmt(A.upper * A.scale)}] (${A.id}) and [${fmt(B.lower * B.scale)}, ${fmt(B.upper * B.scale)}] (${B.id}) do not overlap` });
        }
      }
    }
  }

  // 5. Soft constraints: a note that they may be violated at a price.
  return issues;
}
