/**
 * The independent validator. It recomputes every metric of every account in every scenario
 * (base σ = 0 included) from the RAW request and the assignment rows — not from solver
 * variables and not from the compiled model the strategies use (model.ts / metrics.ts): it is
 * written separately and plainly on purpose, so a bug in the compiled path shows up as a
 * disagreement instead of being repeated.
 *
 * It also checks the assignment itself: every trade assigned exactly once in full (or in whole
 * lots with allowSplit), only known trades and accounts, non-negative quantities, and every
 * ratio denominator > 0 in every scenario. Nothing is reported optimal/feasible unless
 * `ok` is true.
 */
import type { AllocationRequest, ConstraintSpec, MetricSpec, SecuritySpec } from './schema.js';
import type { AccountReport, AssignmentRow, ComplianceRow, MetricReport, ScenarioSet } from './types.js';

export interface ValidationReport {
  /** Every hard constraint passes in every scenario and the assignment is well formed. */
  readonly ok: boolean;
  readonly accounts: AccountReport[];
  readonly compliance: ComplianceRow[];
  /** Why `ok` is false, one line per problem (empty when ok). */
  readonly problems: string[];
  /** With `seriesFor`: that constraint's quantity in every scenario (index 0 = base). */
  readonly series?: number[];
}

export interface ValidateOptions {
  /** Also return one constraint's constrained quantity in every scenario (for charts). */
  readonly seriesFor?: { readonly account: string; readonly constraint: string };
}

interface Holding {
  readonly sec: SecuritySpec;
  /** Column of the security in the scenario matrix (securities order). */
  readonly col: number;
  readonly qty: number;
  readonly dv01: number;
}

function matches(term: MetricSpec['terms'][number], sec: SecuritySpec): boolean {
  const f = term.filter;
  if (!f) return true;
  const inList = (v: string | readonly string[] | undefined, x: string | undefined) =>
    v === undefined || (typeof v === 'string' ? v === x : x !== undefined && v.includes(x));
  return (
    inList(f.type, sec.type) &&
    inList(f.issuer, sec.issuer) &&
    inList(f.rating, sec.rating) &&
    (f.securities === undefined || f.securities.includes(sec.id)) &&
    !(f.excludeSecurities ?? []).includes(sec.id)
  );
}

function termWeight(term: MetricSpec['terms'][number], secId: string): number {
  return term.weights?.bySecurity?.[secId] ?? term.weights?.default ?? term.weight ?? 1;
}

/**
 * A metric bound to one account's holdings: a cash coefficient, a constant (dv01 terms, which
 * do not move with prices) and, per holding, the face amount that is valued at the scenario's
 * dirty price (weight × P, |P|, P⁺ or P⁻ by the term's value kind; equity counts every P).
 */
interface BoundMetric {
  readonly cash: number;
  readonly constant: number;
  readonly face: Float64Array;
}

function bindMetric(metric: MetricSpec, holdings: readonly Holding[]): BoundMetric {
  let cash = 0;
  let constant = 0;
  const face = new Float64Array(holdings.length);
  for (const term of metric.terms) {
    const w = term.weight ?? 1;
    if (term.value === 'cash' || term.value === 'equity') {
      cash += w;
      if (term.value === 'equity') holdings.forEach((hd, h) => (face[h]! += w * hd.qty));
      continue;
    }
    holdings.forEach((hd, h) => {
      if (!matches(term, hd.sec)) return;
      const wt = termWeight(term, hd.sec.id);
      switch (term.value) {
        case 'mv':
          face[h]! += wt * hd.qty;
          break;
        case 'gross':
          face[h]! += wt * Math.abs(hd.qty);
          break;
        case 'long':
          face[h]! += wt * Math.max(hd.qty, 0);
          break;
        case 'short':
          face[h]! += wt * Math.max(-hd.qty, 0);
          break;
        case 'dv01':
          constant += (wt * hd.qty * hd.dv01) / 100;
          break;
      }
    });
  }
  return { cash, constant, face };
}

/** One metric's value given the holdings' dirty prices per 100 face (same order as holdings). */
function metricValue(m: BoundMetric, cash: number, dirty: Float64Array): number {
  let total = m.cash * cash + m.constant;
  for (let h = 0; h < dirty.length; h++) total += (m.face[h]! * dirty[h]!) / 100;
  return total;
}

const BUILTIN: Record<string, MetricSpec> = {
  cash: { id: 'cash', terms: [{ value: 'cash' }] },
  equity: { id: 'equity', terms: [{ value: 'equity' }] },
};

export function validateAllocation(
  request: AllocationRequest,
  scenarios: ScenarioSet,
  assignments: readonly AssignmentRow[],
  opts: ValidateOptions = {},
): ValidationReport {
  const problems: string[] = [];
  let series: number[] | undefined;
  const tol = request.options.feasibilityTolerance;
  const secs = new Map(request.securities.map((s) => [s.id, s]));
  const secCol = new Map(request.securities.map((s, i) => [s.id, i]));
  const trades = new Map(request.trades.map((t) => [t.id, t]));
  const accountIds = new Set(request.accounts.map((a) => a.id));

  // 1. The assignment: known ids, full quantities, lots.
  const assigned = new Map<string, number>();
  for (const row of assignments) {
    if (!trades.has(row.trade)) problems.push(`assignment names unknown trade "${row.trade}"`);
    if (!accountIds.has(row.account)) problems.push(`assignment names unknown account "${row.account}"`);
    if (!(row.quantity >= 0)) problems.push(`trade ${row.trade} → ${row.account}: quantity ${row.quantity} is not ≥ 0`);
    if (request.options.allowSplit) {
      const lots = row.quantity / request.options.lot;
      if (Math.abs(lots - Math.round(lots)) > 1e-9 * Math.max(1, lots)) {
        problems.push(`trade ${row.trade} → ${row.account}: ${row.quantity} is not a whole number of lots of ${request.options.lot}`);
      }
    }
    assigned.set(row.trade, (assigned.get(row.trade) ?? 0) + row.quantity);
  }
  for (const t of request.trades) {
    const got = assigned.get(t.id) ?? 0;
    if (Math.abs(got - t.quantity) > 1e-9 * t.quantity) problems.push(`trade ${t.id}: assigned ${got} of ${t.quantity}`);
    if (!request.options.allowSplit) {
      const rows = assignments.filter((r) => r.trade === t.id && r.quantity > 0).length;
      if (rows > 1) problems.push(`trade ${t.id} is split over ${rows} accounts but options.allowSplit is off`);
    }
  }

  // 2. Post-trade positions and cash per account.
  const compliance: ComplianceRow[] = [];
  const accounts: AccountReport[] = [];
  const S = scenarios.count;
  for (const acc of request.accounts) {
    const pos = new Map<string, number>(Object.entries(acc.positions));
    let cash = acc.cash;
    for (const row of assignments) {
      if (row.account !== acc.id) continue;
      const t = trades.get(row.trade);
      if (!t) continue;
      const sec = secs.get(t.security)!;
      const sign = t.side === 'buy' ? 1 : -1;
      pos.set(t.security, (pos.get(t.security) ?? 0) + sign * row.quantity);
      cash -= (sign * row.quantity * ((t.price ?? sec.price) + (t.accrued ?? sec.accrued))) / 100;
    }
    const holdingsOf = (p: ReadonlyMap<string, number>): Holding[] =>
      [...p]
        .filter(([, q]) => q !== 0)
        .map(([id, qty]) => {
          const sec = secs.get(id)!;
          return { sec, col: secCol.get(id)!, qty, dv01: sec.dv01 ?? ((sec.duration ?? 0) * (sec.price + sec.accrued)) / 10_000 };
        });
    const holdings = holdingsOf(pos);
    const metricSpecs = new Map<string, MetricSpec>(Object.entries(BUILTIN));
    for (const m of acc.metrics) metricSpecs.set(m.id, m);

    // Values of every metric in every scenario.
    const values = new Map<string, Float64Array>();
    const bound = [...metricSpecs].map(([id, m]) => {
      values.set(id, new Float64Array(S + 1));
      return [values.get(id)!, bindMetric(m, holdings)] as const;
    });
    const dirty = new Float64Array(holdings.length);
    for (let sigma = 0; sigma <= S; sigma++) {
      for (let h = 0; h < holdings.length; h++) {
        const hd = holdings[h]!;
        const r = sigma === 0 ? 0 : scenarios.returns[(sigma - 1) * scenarios.nSec + hd.col]!;
        dirty[h] = hd.sec.price * (1 + r) + hd.sec.accrued;
      }
      for (const [out, m] of bound) out[sigma] = metricValue(m, cash, dirty);
    }

    // Normaliser of a constraint (same definition as the objective, recomputed here).
    const holdings0 = holdingsOf(new Map(Object.entries(acc.positions)));
    const baseDirty = Float64Array.from(holdings0, (hd) => hd.sec.price + hd.sec.accrued);
    let gross0 = 0;
    for (const h of holdings0) gross0 += (Math.abs(h.qty) * (h.sec.price + h.sec.accrued)) / 100;
    const refScale = Math.max(Math.abs(acc.cash) + gross0, 1);
    const normaliser = (c: ConstraintSpec) => {
      let l = Math.abs(c.limit);
      if (c.ratio) l *= Math.max(metricValue(bindMetric(metricSpecs.get(c.ratio[1])!, holdings0), acc.cash, baseDirty), 0);
      return l > 0 ? l : refScale;
    };

    // 3. Compliance of every constraint in every scenario.
    const usage = new Map<string, Set<string>>();
    for (const c of acc.constraints) {
      const refs = c.metric !== undefined ? [[c.metric, 1] as const] : c.ratio ? [[c.ratio[0], 1] as const, [c.ratio[1], -Math.sign(c.limit) || -1] as const] : c.lhs!.map((l) => [l.metric, l.coef] as const);
      for (const [id, coef] of refs) {
        const dir = (c.op === '<=') === coef > 0 ? '<=' : '>=';
        if (!usage.has(id)) usage.set(id, new Set());
        usage.get(id)!.add(dir);
      }
      const n = normaliser(c);
      let worstH = Infinity;
      let worstS = 0;
      let worstQ = NaN;
      let baseQ = NaN;
      let pass = true;
      const capture: number[] | undefined = opts.seriesFor?.account === acc.id && opts.seriesFor.constraint === c.id ? (series = []) : undefined;
      for (let sigma = 0; sigma <= S; sigma++) {
        let q: number;
        let g: number;
        let rhs: number;
        let mag: number;
        if (c.metric !== undefined) {
          q = values.get(c.metric)![sigma]!;
          g = q;
          rhs = c.limit;
          mag = Math.abs(q);
        } else if (c.ratio) {
          const num = values.get(c.ratio[0])![sigma]!;
          const den = values.get(c.ratio[1])![sigma]!;
          if (!(den > 0)) {
            problems.push(`${acc.id}/${c.id}: ratio denominator "${c.ratio[1]}" is ${den} ≤ 0 in scenario ${sigma}`);
            pass = false;
          }
          q = num / den;
          g = num - c.limit * den;
          rhs = 0;
          mag = Math.abs(num) + Math.abs(c.limit * den);
        } else {
          q = 0;
          mag = 0;
          for (const l of c.lhs!) {
            const v = l.coef * values.get(l.metric)![sigma]!;
            q += v;
            mag += Math.abs(v);
          }
          g = q;
          rhs = c.limit;
        }
        capture?.push(q);
        const slack = c.op === '<=' ? rhs - g : g - rhs;
        if (slack < -tol * Math.max(1, Math.abs(rhs) + mag)) pass = false;
        if (sigma === 0) baseQ = q;
        const h = slack / n;
        if (h < worstH) {
          worstH = h;
          worstS = sigma;
          worstQ = q;
        }
      }
      const soft = c.soft !== undefined;
      if (!pass && !soft) problems.push(`${acc.id}/${c.id}: hard constraint fails (worst ${worstQ} ${c.op} ${c.limit} in scenario ${worstS})`);
      compliance.push({
        account: acc.id,
        constraint: c.id,
        kind: c.metric !== undefined ? 'metric' : c.ratio ? 'ratio' : 'linear',
        op: c.op,
        limit: c.limit,
        base: baseQ,
        worst: worstQ,
        worstScenario: worstS,
        headroom: worstH,
        pass,
        soft,
      });
    }

    // 4. Metric report.
    const metrics: MetricReport[] = [...metricSpecs.keys()].map((id) => {
      const v = values.get(id)!;
      let min = Infinity;
      let max = -Infinity;
      let minScenario = 0;
      let maxScenario = 0;
      v.forEach((x, s) => {
        if (x < min) [min, minScenario] = [x, s];
        if (x > max) [max, maxScenario] = [x, s];
      });
      const dirs = usage.get(id);
      const lowIsBad = dirs?.size === 1 && dirs.has('>=');
      return {
        id,
        base: v[0]!,
        worst: lowIsBad ? min : max,
        worstScenario: lowIsBad ? minScenario : maxScenario,
        min,
        minScenario,
        max,
        maxScenario,
      };
    });
    accounts.push({ id: acc.id, cash, metrics });
  }

  return { ok: problems.length === 0, accounts, compliance, problems, ...(series ? { series } : {}) };
}
