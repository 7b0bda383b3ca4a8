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
import type { RoundedBook } from './round.js';

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
