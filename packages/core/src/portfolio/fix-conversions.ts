/**
 * Rounding conversions before the rest. `roundBook` rounds an ETF create/redeem to whole creation
 * units (tens of thousands of shares) and leaves what it did not convert in the position it came
 * from — the same exposure, but not the same gross, margin or hedge credit: on the embedded
 * sample that alone broke the US gross cap by 0.14 % of NAV and the margin budget by 0.04 %.
 * Share-by-share repair cannot undo a creation unit, so the remedy is fix-and-resolve: fix every
 * conversion at its rounded size, re-solve the QP (values only, warm), and round the shares of
 * that answer, whose conversions are whole already.
 */
import type { Universe } from '../data/universe.js';
import type { PortfolioQp } from './build-qp.js';
import { evaluatePortfolio, type Evaluation, type EvaluateInput } from './evaluate.js';
import { bookFromSolution } from './extract.js';
import { roundBook, type RoundedBook } from './round.js';
import type { PortfolioSolver } from './solve-portfolio.js';

/** The fix-and-resolve attempt: whether its rounded book replaced the first one, and why not. */
export interface RoundingResolve {
  readonly used: boolean;
  readonly reason?: string;
  /** Hard constraints broken by rounding before and after (the re-solve's own rounding). */
  readonly brokenBefore: number;
  readonly brokenAfter: number;
  /** Σ violation of those, numeraire money (violation × the constraint unit's scale). */
  readonly breachBefore: number;
  readonly breachAfter: number;
  readonly timeMs: number;
}

/** Hard constraints the rounded book breaks that the unrounded optimum does not. */
export function brokenByRounding(optimal: Evaluation, rounded: Evaluation): Evaluation['violations'] {
  const atOptimum = new Set(optimal.violations.map((v) => v.id));
  return rounded.violations.filter((v) => !atOptimum.has(v.id));
}

/**
 * Fix-and-resolve on a solved session (`solver` holds `qp`'s optimum): conversions fixed at the
 * size `rounded` gave them, the rest re-solved warm, its shares rounded. Returns the rounded book
 * that breaks less — in money over the limits, the better objective on a tie — with what was
 * tried. Call it only when rounding broke something; the solver is left on the fixed problem.
 */
export function resolveRounding(
  solver: PortfolioSolver,
  evalInput: EvaluateInput,
  qp: PortfolioQp,
  optimal: Evaluation,
  first: { readonly rounded: RoundedBook; readonly evaluation: Evaluation },
): { readonly rounded: RoundedBook; readonly evaluation: Evaluation; readonly info: RoundingResolve } {
  const scaleOf = new Map(evalInput.constraints.map((c) => [c.id, c.scale]));
  const broken = (ev: Evaluation) => brokenByRounding(optimal, ev);
  const breach = (ev: Evaluation) => broken(ev).reduce((sum, v) => sum + v.violation * (scaleOf.get(v.id) ?? 1), 0);
  const t0 = performance.now();
  const before = { brokenBefore: broken(first.evaluation).length, breachBefore: breach(first.evaluation) };
  const keep = (reason: string) => ({ ...first, info: { used: false, reason, ...before, brokenAfter: before.brokenBefore, breachAfter: before.breachBefore, timeMs: performance.now() - t0 } });
  const fixedQp = withConversionsFixed(qp, evalInput.universe, first.rounded);
  if (!fixedQp) return keep('a rounded conversion is outside its bounds');
  solver.update(fixedQp);
  const sol = solver.solve();
  if (!sol.info.kktOk) return keep(`the re-solve ended ${sol.info.outcome}`);
  const rounded = roundBook(evalInput.universe, fixedQp.bounds, evalInput.conversions, bookFromSolution(fixedQp, evalInput.universe, sol.x));
  const evaluation = evaluatePortfolio(evalInput, rounded.book);
  const after = breach(evaluation);
  const used = after < before.breachBefore * (1 - 1e-9) || (after <= before.breachBefore && evaluation.attribution.objective > first.evaluation.attribution.objective);
  const info: RoundingResolve = {
    used,
    ...(used ? {} : { reason: `its rounding breaks ${after.toPrecision(3)} (money), not less` }),
    ...before,
    brokenAfter: broken(evaluation).length,
    breachAfter: after,
    timeMs: performance.now() - t0,
  };
  return used ? { rounded, evaluation, info } : { ...first, info };
}

/**
 * The QP with every conversion fixed at the size `rounded` gave it (0 when rounding dropped it),
 * or undefined when that size lies outside the conversion's own bounds (a notional cap that
 * rounding to the nearest unit overshot): the fixed problem would then break the cap.
 * Only variable bounds change, so a `PortfolioSolver` takes it through `update`.
 */
export function withConversionsFixed(qp: PortfolioQp, universe: Universe, rounded: RoundedBook): PortfolioQp | undefined {
  const L = qp.layout;
  const { l: l0, u: u0 } = qp.problem;
  const l = l0.slice();
  const u = u0.slice();
  const size = new Float64Array(L.nConv);
  for (const bc of rounded.book.conversions) {
    const leader = universe.instruments[(qp.conversions[bc.conversion] as PortfolioQp['conversions'][number]).leader] as Universe['instruments'][number];
    size[bc.conversion] = ((bc.legShares[0] as number) * leader.unitValue) / qp.nav;
  }
  for (let c = 0; c < L.nConv; c++) {
    const s = size[c] as number;
    const plus = qp.identityRow + L.conv + c;
    const minus = qp.identityRow + L.conv + L.nConv + c;
    const sp = Math.max(s, 0);
    const sm = Math.max(-s, 0);
    const inside = (row: number, v: number) => v >= (l0[row] as number) - 1e-12 && v <= (u0[row] as number) + 1e-12;
    if (!inside(plus, sp) || !inside(minus, sm)) return undefined;
    l[plus] = u[plus] = sp;
    l[minus] = u[minus] = sm;
  }
  return { ...qp, problem: { ...qp.problem, l, u } };
}
