/**
 * Independent references for the MIP strategies: every allocation of a tiny book is enumerated,
 * checked by the independent validator (validate.ts, which recomputes everything from the raw
 * request), and priced by a financing cost written here from the raw request — nothing of the
 * MIP's model is used.
 */
import type { AllocationRequest } from '../../schema.js';
import type { AssignmentRow, ScenarioSet } from '../../types.js';
import { validateAllocation } from '../../validate.js';

/** Financing cost from the raw request: Σ_a Σ_s rate(sign)·|P|·(p + c)/100 · horizon/360. */
export function rawFinancingCost(req: AllocationRequest, rows: readonly AssignmentRow[]): number {
  const sec = new Map(req.securities.map((s) => [s.id, s]));
  const trade = new Map(req.trades.map((t) => [t.id, t]));
  let total = 0;
  for (const acc of req.accounts) {
    const pos = new Map(Object.entries(acc.positions));
    for (const r of rows) {
      if (r.account !== acc.id) continue;
      const t = trade.get(r.trade)!;
      pos.set(t.security, (pos.get(t.security) ?? 0) + (t.side === 'buy' ? 1 : -1) * r.quantity);
    }
    for (const [id, p] of pos) {
      if (p === 0) continue;
      const s = sec.get(id)!;
      const rates = acc.financing?.[s.type];
      const rate = rates ? (p > 0 ? rates.long : rates.short) : 0;
      total += (rate * Math.abs(p) * (s.price + s.accrued)) / 100;
    }
  }
  return (total * req.options.horizonDays) / 360;
}

export interface Enumerated {
  readonly rows: AssignmentRow[];
  readonly financing: number;
  /** Smallest hard-constraint headroom from the validator's compliance report. */
  readonly headroom: number;
}

/**
 * Every allocation: whole trades to one account each, or (allowSplit) every distribution of each
 * trade's lots over the accounts. Returns the feasible ones and the count of all.
 */
export function enumerateFeasible(
  req: AllocationRequest,
  scenarios: ScenarioSet,
): { feasible: Enumerated[]; total: number; unconstrainedMin: number } {
  const accounts = req.accounts.map((a) => a.id);
  const perTrade: AssignmentRow[][][] = req.trades.map((t) => {
    if (!req.options.allowSplit) return accounts.map((a) => [{ trade: t.id, account: a, quantity: t.quantity }]);
    const lots = Math.round(t.quantity / req.options.lot);
    const out: AssignmentRow[][] = [];
    const rec = (a: number, left: number, acc: AssignmentRow[]) => {
      if (a === accounts.length - 1) {
        out.push(left > 0 ? [...acc, { trade: t.id, account: accounts[a]!, quantity: left * req.options.lot }] : acc);
        return;
      }
      for (let k = 0; k <= left; k++) {
        rec(a + 1, left - k, k > 0 ? [...acc, { trade: t.id, account: accounts[a]!, quantity: k * req.options.lot }] : acc);
      }
    };
    rec(0, lots, []);
    return out;
  });
  const feasible: Enumerated[] = [];
  let total = 0;
  let unconstrainedMin = Infinity;
  const rec = (t: number, rows: AssignmentRow[]) => {
    if (t === perTrade.length) {
      total++;
      unconstrainedMin = Math.min(unconstrainedMin, rawFinancingCost(req, rows));
      const v = validateAllocation(req, scenarios, rows);
      if (!v.ok) return;
      const hard = v.compliance.filter((c) => !c.soft);
      feasible.push({
        rows: [...rows],
        financing: rawFinancingCost(req, rows),
        headroom: hard.length ? Math.min(...hard.map((c) => c.headroom)) : Infinity,
      });
      return;
    }
    for (const choice of perTrade[t]!) rec(t + 1, [...rows, ...choice]);
  };
  rec(0, []);
  return { feasible, total, unconstrainedMin };
}
