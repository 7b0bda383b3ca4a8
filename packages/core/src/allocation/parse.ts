/**
 * Turns untrusted JSON into an `AllocationRequest`: the Zod shape check, then every
 * cross-field check, all issues collected into one InputError naming each JSON path. Nothing
 * downstream re-checks ids: after this, every reference resolves.
 *
 * The ratio-denominator check needs the scenarios, so it runs separately
 * (`checkRatioDenominators` in denominator-bound.ts), still before any strategy starts.
 */
import { formatPath, InputError, parseOrThrow, type InputIssue } from '../contracts/index.js';
import { securityDv01 } from './model.js';
import { AllocationRequestSchema, BUILTIN_METRICS, type AllocationRequest, type SecurityType } from './schema.js';

type Path = readonly PropertyKey[];

/** Cap on scenarios × securities (8 bytes each: 400 MB), so a typo in `count` is an input error, not an OOM. */
export const MAX_SCENARIO_ENTRIES = 50_000_000;

export function parseAllocationRequest(data: unknown): AllocationRequest {
  const req = parseOrThrow(AllocationRequestSchema, data);
  const issues = checkAllocationRequest(req);
  if (issues.length) throw new InputError(issues);
  return req;
}

/** Every cross-field issue of a shape-valid request (empty when it is consistent). */
export function checkAllocationRequest(req: AllocationRequest): InputIssue[] {
  const issues: InputIssue[] = [];
  const add = (path: Path, message: string) => issues.push({ path: formatPath(path), message });

  const dupes = <T>(items: readonly T[], key: (t: T) => string, at: (i: number) => Path, what: string) => {
    const seen = new Map<string, number>();
    items.forEach((it, i) => {
      const k = key(it);
      const first = seen.get(k);
      if (first !== undefined) add(at(i), `duplicate ${what} id "${k}" (first at index ${first})`);
      else seen.set(k, i);
    });
    return seen;
  };

  const secIndex = dupes(req.securities, (s) => s.id, (i) => ['securities', i, 'id'], 'security');
  dupes(req.trades, (t) => t.id, (i) => ['trades', i, 'id'], 'trade');
  dupes(req.accounts, (a) => a.id, (i) => ['accounts', i, 'id'], 'account');
  const knownSec = (id: string) => secIndex.has(id);

  // Trades: securities exist; split trades are whole lots.
  const { allowSplit, lot } = req.options;
  const tradedTypes = new Set<SecurityType>();
  req.trades.forEach((t, i) => {
    if (!knownSec(t.security)) add(['trades', i, 'security'], `unknown security "${t.security}"`);
    else tradedTypes.add(req.securities[secIndex.get(t.security)!]!.type);
    if (allowSplit) {
      const lots = t.quantity / lot;
      if (Math.abs(lots - Math.round(lots)) > 1e-9 * Math.max(1, lots)) {
        add(['trades', i, 'quantity'], `${t.quantity} is not a whole number of lots of ${lot} (options.lot) while options.allowSplit is on`);
      }
    }
  });

  const usesFinancing = req.objective.terms.some((t) => t.kind === 'financingCost');
  const dv01Missing = new Set<number>();

  req.accounts.forEach((acc, ai) => {
    const at = (...p: PropertyKey[]): Path => ['accounts', ai, ...p];
    const heldTypes = new Set<SecurityType>(tradedTypes);
    for (const [sid, q] of Object.entries(acc.positions)) {
      if (!knownSec(sid)) add(at('positions', sid), `unknown security "${sid}"`);
      else if (q !== 0) heldTypes.add(req.securities[secIndex.get(sid)!]!.type);
    }

    // Financing: every type the account holds or may receive needs rates; long + short ≥ 0,
    // else holding a long and a short of the same size would earn money (an unbounded model).
    for (const type of ['government', 'corporate'] as const) {
      const r = acc.financing?.[type];
      if (!r) {
        if (usesFinancing && heldTypes.has(type)) {
          add(at('financing', type), `financing rates for ${type} securities are missing (the account holds or may receive them and the objective has financingCost)`);
        }
      } else if (r.long + r.short < 0) {
        add(at('financing', type), `long + short rate must be ≥ 0 (got ${r.long} + ${r.short}); otherwise a long and an equal short would earn money`);
      }
    }

    // Metrics.
    const metricIds = dupes(acc.metrics, (m) => m.id, (i) => at('metrics', i, 'id'), 'metric');
    acc.metrics.forEach((m, mi) => {
      if ((BUILTIN_METRICS as readonly string[]).includes(m.id)) {
        add(at('metrics', mi, 'id'), `"${m.id}" is a built-in metric id (post-trade ${m.id}); choose another id`);
      }
      m.terms.forEach((t, ti) => {
        const tp = (...p: PropertyKey[]) => at('metrics', mi, 'terms', ti, ...p);
        if (t.value === 'cash' || t.value === 'equity') {
          if (t.filter) add(tp('filter'), `a "${t.value}" term takes no filter (use an mv term for a filtered market value)`);
          if (t.weights) add(tp('weights'), `a "${t.value}" term takes no per-security weights`);
          return;
        }
        t.filter?.securities?.forEach((sid, k) => {
          if (!knownSec(sid)) add(tp('filter', 'securities', k), `unknown security "${sid}"`);
        });
        t.filter?.excludeSecurities?.forEach((sid, k) => {
          if (!knownSec(sid)) add(tp('filter', 'excludeSecurities', k), `unknown security "${sid}"`);
        });
        for (const sid of Object.keys(t.weights?.bySecurity ?? {})) {
          if (!knownSec(sid)) add(tp('weights', 'bySecurity', sid), `unknown security "${sid}"`);
        }
        if (t.value === 'dv01') {
          req.securities.forEach((s, si) => {
            if (securityDv01(s) === undefined) dv01Missing.add(si);
          });
        }
      });
    });

    // Constraints.
    dupes(acc.constraints, (c) => c.id, (i) => at('constraints', i, 'id'), 'constraint');
    const known = (id: string) => metricIds.has(id) || (BUILTIN_METRICS as readonly string[]).includes(id);
    acc.constraints.forEach((c, ci) => {
      const cp = (...p: PropertyKey[]) => at('constraints', ci, ...p);
      const unknown = (id: string, path: Path) =>
        add(path, `unknown metric "${id}" (account metrics: ${[...metricIds.keys(), ...BUILTIN_METRICS].join(', ')})`);
      if (c.metric !== undefined && !known(c.metric)) unknown(c.metric, cp('metric'));
      if (c.ratio) {
        c.ratio.forEach((id, k) => {
          if (!known(id)) unknown(id, cp('ratio', k));
        });
        if (c.ratio[0] === c.ratio[1]) add(cp('ratio'), 'numerator and denominator are the same metric');
      }
      c.lhs?.forEach((l, k) => {
        if (!known(l.metric)) unknown(l.metric, cp('lhs', k, 'metric'));
      });
    });
  });

  // dv01 metrics need a dv01 (or a duration to derive it) on the securities they can touch.
  for (const si of dv01Missing) add(['securities', si, 'dv01'], 'needed by a dv01 metric term: give dv01 or duration');

  // Scenarios.
  const sc = req.scenarios;
  const nSec = req.securities.length;
  if (sc && 'returns' in sc) {
    sc.returns.forEach((row, i) => {
      if (row.length !== nSec) {
        add(['scenarios', 'returns', i], `has ${row.length} returns; expected ${nSec} (one per security, in securities order)`);
        return;
      }
      row.forEach((r, j) => {
        if (!(r > -1)) add(['scenarios', 'returns', i, j], `return ${r} must be > -1 (prices stay positive)`);
      });
    });
  } else if (sc && 'generate' in sc) {
    req.securities.forEach((s, si) => {
      if (s.duration === undefined) add(['securities', si, 'duration'], 'needed to generate scenarios (rates/credit shocks map to prices through duration)');
    });
    const entries = sc.generate.count * nSec;
    if (entries > MAX_SCENARIO_ENTRIES) {
      add(['scenarios', 'generate', 'count'], `${sc.generate.count} scenarios × ${nSec} securities = ${entries} returns; at most ${MAX_SCENARIO_ENTRIES} fit in memory here`);
    }
    for (const sid of Object.keys(sc.generate.volatility.bySecurity ?? {})) {
      if (!knownSec(sid)) add(['scenarios', 'generate', 'volatility', 'bySecurity', sid], `unknown security "${sid}"`);
    }
  }

  // Objective.
  const seen = new Map<string, number>();
  req.objective.terms.forEach((t, i) => {
    if (seen.has(t.kind)) add(['objective', 'terms', i, 'kind'], `duplicate objective term "${t.kind}"`);
    seen.set(t.kind, i);
    if (t.kind === 'risk' && !sc) add(['objective', 'terms', i], 'the risk term needs scenarios (give scenarios.returns or scenarios.generate)');
    if (t.kind === 'headroom' && !req.accounts.some((a) => a.constraints.some((c) => !c.soft))) {
      add(['objective', 'terms', i], 'the headroom term needs at least one hard constraint');
    }
  });

  return issues;
}
