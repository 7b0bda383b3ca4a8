import type { Universe } from '../data/universe.js';
import type { PortfolioQp } from './build-qp.js';
import type { ConstraintSpec } from './constraints.js';
import type { BookConversion, PortfolioBook } from './evaluate.js';

/**
 * The book a QP solution describes, in the evaluator's terms: final shares (unrounded),
 * conversions with their legs in shares, FX trades and the hedge decomposition (witness).
 */
export function bookFromSolution(qp: PortfolioQp, universe: Universe, x: Float64Array): PortfolioBook {
  const L = qp.layout;
  const nav = qp.nav;
  const inst = universe.instruments;
  const shares = new Float64Array(L.n);
  for (let i = 0; i < L.n; i++) shares[i] = ((x[L.x + i] as number) * nav) / (inst[i] as (typeof inst)[number]).unitValue;
  const conversions: BookConversion[] = [];
  qp.conversions.forEach((cv, c) => {
    const s = ((x[L.conv + c] as number) - (x[L.conv + L.nConv + c] as number)) * nav;
    if (!(Math.abs(s) > 1e-12 * nav)) return;
    const leader = inst[cv.leader] as (typeof inst)[number];
    const legShares = new Float64Array(1 + cv.members.length);
    legShares[0] = s / leader.unitValue;
    cv.members.forEach((m, j) => {
      legShares[j + 1] = (-(cv.weights[j] as number) * s) / (inst[m] as (typeof inst)[number]).unitValue;
    });
    conversions.push({ conversion: c, legShares });
  });
  const fxTrades = new Map<string, number>();
  L.fxCurrencies.forEach((ccy, j) => {
    const t = ((x[L.fx + j] as number) - (x[L.fx + L.nFx + j] as number)) * nav;
    if (t !== 0) fxTrades.set(ccy, t);
  });
  let hedge: Float64Array | undefined;
  if (L.nPkg > 0) {
    hedge = new Float64Array(L.nPkg);
    for (let p = 0; p < L.nPkg; p++) hedge[p] = ((x[L.pkg + p] as number) - (x[L.pkg + L.nPkg + p] as number)) * nav;
  }
  return { shares, conversions, fxTrades, ...(hedge ? { hedge } : {}) };
}

/**
 * Shadow prices in user units: dual = ∂(optimal objective, numeraire money, maximised) /
 * ∂(the binding bound, in the constraint's unit). Positive for a binding upper bound (more
 * room pays), negative for a binding lower bound (a higher floor costs); for limits on an
 * absolute value (|h|/ADV, |trade|, margin contribution, restricted) it is the gain per unit
 * of extra room, ≥ 0. From the QP's y (OSQP sign: y > 0 upper side active).
 */
export function constraintDuals(qp: PortfolioQp, constraints: readonly ConstraintSpec[], y: Float64Array): Map<string, number> {
  const acc = new Map<string, number>();
  for (const c of constraints) acc.set(c.id, 0);
  // Rows: y > 0 upper side, y < 0 lower side; for |·| ≤ cap rows the gain is |y|.
  for (const [id, r] of qp.constraintRows) {
    acc.set(id, r.coef * (r.abs ? r.rows.reduce((s, row) => s + Math.abs(y[row] as number), 0) : (y[r.rows[0] as number] as number)));
  }
  // Variable bounds: the owner of the active side collects coef · y.
  const nVars = qp.layout.nVars;
  for (let v = 0; v < nVars; v++) {
    const yy = y[qp.identityRow + v] as number;
    const owner = yy > 0 ? qp.upperOwner[v] : yy < 0 ? qp.lowerOwner[v] : null;
    if (owner) acc.set(owner.constraint.id, (acc.get(owner.constraint.id) ?? 0) + owner.coef * yy);
  }
  const out = new Map<string, number>();
  for (const c of constraints) out.set(c.id, ((acc.get(c.id) ?? 0) * c.scale) / qp.kappa);
  return out;
}
