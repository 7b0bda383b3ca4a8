/**
 * Builds the QP of MODELS.md §2 in the solver's form (min ½xᵀPx + qᵀx, l ≤ Ax ≤ u), assembled
 * directly in CSC. Variables are fractions of NAV (x = h / NAV) and the objective is in basis
 * points of NAV (κ = 1e4), which keeps a $1bn book's numbers near 1.
 *
 * Variables: x (holdings), u⁺/u⁻ (market buys/sells), x⁺/x⁻ (long/short parts), f = Bᵀx (k
 * factor exposures, so risk is fᵀFf + Σdx² and the matrix stays sparse at 15k), s⁺/s⁻ per
 * conversion (ETF create/redeem, EFP), t⁺/t⁻ per non-numeraire currency (FX trades), z⁺/z⁻ per
 * hedged package and r⁺/r⁻ per instrument in a package (margin with hedge credit, only when a
 * margin constraint exists), and two slacks per soft row.
 *
 * An instrument not held now and in no conversion has x = u⁺ − u⁻, so its trade split is also
 * its long/short split: it gets no x⁺/x⁻ of its own ("aliased"). This removes a third of the
 * split variables and, more importantly, the degenerate double kink at x = u = 0 that an extra
 * split would create there.
 *
 * Rows: trade balance x − u⁺ + u⁻ − Σ_c T(s⁺−s⁻) = x0; split x − x⁺ + x⁻ = 0 (non-aliased);
 * factors f − Bᵀx = 0; margin residuals x − Σ_p P(z⁺−z⁻) − r⁺ + r⁻ = 0; one row per
 * group/portfolio constraint, per soft instrument constraint and per cash band; then one
 * identity row per variable carrying its bounds (the solver's form has no variable bounds).
 * The pattern depends only on the structure, so a price update changes values, not the pattern.
 */
import type { CscMatrix, QpProblem } from '@keel/solver-native/qp';
import type { Universe } from '../data/universe.js';
import type { PortfolioConfig } from './config.js';
import type { ConstraintSpec } from './constraints.js';
import { instrumentBounds, type InstrumentBounds } from './instrument-bounds.js';
import { carryRates, impactCoefficients, marginFundingRate, processAlpha, riskHorizonFactor, usesMarginModel } from './objective-terms.js';
import type { Conversion, HedgePackage } from './synthetics.js';
import { TripletBuilder } from './triplets.js';

/** Objective scale: basis points of NAV. */
export const OBJECTIVE_SCALE = 1e4;

export interface VariableLayout {
  readonly n: number;
  readonly k: number;
  readonly x: number;
  readonly up: number;
  readonly um: number;
  /** Column of x⁺_i / x⁻_i (for aliased instruments these are u⁺_i / u⁻_i). */
  readonly longCol: Int32Array;
  readonly shortCol: Int32Array;
  /** Own split variables: x⁺ at split + j, x⁻ at split + nSplit + j. */
  readonly split: number;
  readonly nSplit: number;
  readonly f: number;
  /** s⁺ at conv + c, s⁻ at conv + nConv + c. */
  readonly conv: number;
  readonly nConv: number;
  /** t⁺ at fx + j, t⁻ at fx + nFx + j, j over `fxCurrencies`. */
  readonly fx: number;
  readonly nFx: number;
  readonly fxCurrencies: readonly string[];
  /** z⁺ at pkg + p, z⁻ at pkg + nPkg + p. */
  readonly pkg: number;
  readonly nPkg: number;
  /** r⁺ at res + slot, r⁻ at res + nRes + slot; slot = resSlot[i] (−1: not in a package). */
  readonly res: number;
  readonly nRes: number;
  readonly resSlot: Int32Array;
  /** Slack pairs: lower-side slack at slack + 2s, upper-side at slack + 2s + 1. */
  readonly slack: number;
  readonly nSlack: number;
  readonly nVars: number;
}

/**
 * Who owns a side of a variable's bound: the constraint, and d(variable bound)/d(constraint
 * bound) in units of scale/NAV: +1 same direction, −1 opposite (x⁻ ≤ −lower), 1/m for a margin
 * contribution cap (|x| ≤ cap/m).
 */
export interface BoundOwner {
  readonly constraint: ConstraintSpec;
  readonly coef: number;
}

export interface PortfolioQp {
  readonly problem: QpProblem;
  readonly layout: VariableLayout;
  /** Rows of each constraint compiled as rows (group, portfolio, soft instrument limits). */
  /** `coef`: d(row bound)/d(constraint bound) in units of scale/NAV (1/m for a margin contribution cap). */
  readonly constraintRows: ReadonlyMap<string, { readonly rows: readonly number[]; readonly abs: boolean; readonly coef: number }>;
  readonly lowerOwner: readonly (BoundOwner | null)[];
  readonly upperOwner: readonly (BoundOwner | null)[];
  /** Row index of the first identity row; variable v's bound row is identityRow + v. */
  readonly identityRow: number;
  readonly nav: number;
  readonly kappa: number;
  readonly conversions: readonly Conversion[];
  readonly packages: readonly HedgePackage[];
  readonly bounds: InstrumentBounds;
}

export interface BuildQpInput {
  readonly universe: Universe;
  readonly config: PortfolioConfig;
  readonly constraints: readonly ConstraintSpec[];
  readonly conversions: readonly Conversion[];
  readonly packages: readonly HedgePackage[];
  /** Precomputed `instrumentBounds(universe, constraints)` (the pre-solve checks need it too). */
  readonly bounds?: InstrumentBounds;
}

/** Whether a constraint becomes a row (soft, or not expressible as a variable bound). */
function needsRow(c: ConstraintSpec): boolean {
  if (c.level === 'instrument') return c.soft;
  if (c.factor !== undefined) return c.soft;
  return true;
}

const isAbsKind = (c: ConstraintSpec) => c.kind === 'positionAdv' || c.kind === 'marginContribution';
const isTradeKind = (c: ConstraintSpec) => c.kind === 'tradeNotional' || c.kind === 'tradeAdv';
/** d(row or variable bound)/d(constraint bound) of an |x| cap: 1/m for a margin contribution cap. */
const absCoef = (c: ConstraintSpec, universe: Universe) => (c.kind === 'marginContribution' ? 1 / (universe.instruments[c.instrument as number] as Universe['instruments'][number]).marginRate : 1);

function layoutFor(input: BuildQpInput, usesMargin: boolean, nSlack: number): VariableLayout {
  const { universe, conversions } = input;
  const n = universe.instruments.length;
  const k = universe.factors.length;
  const inConversion = new Uint8Array(n);
  for (const cv of conversions) {
    inConversion[cv.leader] = 1;
    for (const m of cv.members) inConversion[m] = 1;
  }
  const longCol = new Int32Array(n);
  const shortCol = new Int32Array(n);
  const own: number[] = [];
  for (const u of universe.instruments) if (u.notional0 !== 0 || inConversion[u.index]) own.push(u.index);
  const nSplit = own.length;
  const up = n;
  const um = 2 * n;
  const split = 3 * n;
  for (let i = 0; i < n; i++) {
    longCol[i] = up + i;
    shortCol[i] = um + i;
  }
  own.forEach((i, j) => {
    longCol[i] = split + j;
    shortCol[i] = split + nSplit + j;
  });
  const f = split + 2 * nSplit;
  const nConv = conversions.length;
  const fxCurrencies = universe.currencies.map((c) => c.code).filter((c) => c !== universe.numeraire);
  const nFx = fxCurrencies.length;
  const packages = usesMargin ? input.packages : [];
  const nPkg = packages.length;
  const resSlot = new Int32Array(n).fill(-1);
  let nRes = 0;
  for (const p of packages) {
    if (resSlot[p.leader] === -1) resSlot[p.leader] = nRes++;
    for (const i of p.members) if (resSlot[i] === -1) resSlot[i] = nRes++;
  }
  const conv = f + k;
  const fx = conv + 2 * nConv;
  const pkg = fx + 2 * nFx;
  const res = pkg + 2 * nPkg;
  const slack = res + 2 * nRes;
  return { n, k, x: 0, up, um, longCol, shortCol, split, nSplit, f, conv, nConv, fx, nFx, fxCurrencies, pkg, nPkg, res, nRes, resSlot, slack, nSlack, nVars: slack + 2 * nSlack };
}

/** What decides the pattern besides the universe's structure: the row constraints, slacks, layout. */
function shapeOf(input: BuildQpInput) {
  const usesMargin = usesMarginModel(input.config, input.constraints.some((c) => c.measure === 'margin'));
  const rowConstraints = input.constraints.filter(needsRow);
  const nSlack = rowConstraints.reduce((s, c) => s + (c.soft ? (isTradeKind(c) ? 2 : 1) : 0), 0);
  const layout = layoutFor(input, usesMargin, nSlack);
  return { usesMargin, rowConstraints, layout, packages: usesMargin ? input.packages : [] };
}

export function buildPortfolioQp(input: BuildQpInput): PortfolioQp {
  const { universe, config, constraints, conversions } = input;
  const nav = universe.nav;
  const kappa = OBJECTIVE_SCALE;
  const { usesMargin, rowConstraints, layout: L, packages } = shapeOf(input);
  const { n, k } = L;
  const inst = universe.instruments;
  const bounds = input.bounds ?? instrumentBounds(universe, constraints);
  const isOwnSplit = (i: number) => (L.longCol[i] as number) >= L.split;

  const A = new TripletBuilder(Math.max(1024, 48 * n));
  // Row bounds are all written afterwards by `writeValues` (the price-dependent ones) or are 0.
  let row = 0;

  // Conversion legs per instrument as flat lists (leader +1, member −w).
  const legStart = new Int32Array(n + 1);
  for (const cv of conversions) {
    legStart[cv.leader + 1]!++;
    for (const m of cv.members) legStart[m + 1]!++;
  }
  for (let i = 0; i < n; i++) legStart[i + 1] = (legStart[i + 1] as number) + (legStart[i] as number);
  const legConv = new Int32Array(legStart[n] as number);
  const legCoef = new Float64Array(legStart[n] as number);
  const legNext = Int32Array.from(legStart.subarray(0, n));
  conversions.forEach((cv, c) => {
    const put = (i: number, t: number) => {
      const p = legNext[i] as number;
      legConv[p] = c;
      legCoef[p] = t;
      legNext[i] = p + 1;
    };
    put(cv.leader, 1);
    cv.members.forEach((m, j) => put(m, -(cv.weights[j] as number)));
  });

  // --- trade balance: x − u⁺ + u⁻ − Σ T (s⁺ − s⁻) = x0
  for (let i = 0; i < n; i++) {
    A.add(row, L.x + i, 1);
    A.add(row, L.up + i, -1);
    A.add(row, L.um + i, 1);
    for (let p = legStart[i] as number; p < (legStart[i + 1] as number); p++) {
      A.add(row, L.conv + (legConv[p] as number), -(legCoef[p] as number));
      A.add(row, L.conv + L.nConv + (legConv[p] as number), legCoef[p] as number);
    }
    row++; // x0: see writeValues
  }
  // --- split: x − x⁺ + x⁻ = 0 (own split only)
  for (let i = 0; i < n; i++) {
    if (!isOwnSplit(i)) continue;
    A.add(row, L.x + i, 1);
    A.add(row, L.longCol[i] as number, -1);
    A.add(row, L.shortCol[i] as number, 1);
    row++;
  }
  /**
   * Post-trade cash in `ccy` minus its current level, NAV units, `sign`·(…) into the current
   * row: − market buys + sells of instruments quoted in it (futures settle only variation
   * margin), EFP basket legs in it, FX trades into or out of it.
   */
  const addCash = (ccy: string, sign = 1) => {
    for (const u of inst) {
      if (u.currency !== ccy || u.type === 'Future') continue;
      A.add(row, L.up + u.index, -sign);
      A.add(row, L.um + u.index, sign);
    }
    conversions.forEach((cv, c) => {
      if (cv.kind !== 'efp') return;
      let w = 0;
      cv.members.forEach((m, j) => {
        if ((inst[m] as (typeof inst)[number]).currency === ccy) w += cv.weights[j] as number;
      });
      // Always stored (also 0) so the pattern does not depend on the basket's currency mix.
      A.add(row, L.conv + c, sign * w);
      A.add(row, L.conv + L.nConv + c, -sign * w);
    });
    if (ccy === universe.numeraire) {
      for (let j = 0; j < L.nFx; j++) {
        A.add(row, L.fx + j, -sign);
        A.add(row, L.fx + L.nFx + j, sign);
      }
    } else {
      const j = L.fxCurrencies.indexOf(ccy);
      if (j >= 0) {
        A.add(row, L.fx + j, sign);
        A.add(row, L.fx + L.nFx + j, -sign);
      }
    }
  };
  // --- factors: f − Bᵀx = 0 (loadings are by instrument: count per factor, then fill); an FX
  // factor's exposure also counts post-trade cash in its currency: f − Bᵀx − Δcash = cash0/NAV.
  const fxOfFactor = new Map([...universe.fxFactors].map(([ccy, a]) => [a, ccy]));
  const fStart = new Int32Array(k + 1);
  for (let p = 0; p < universe.loadingFactor.length; p++) fStart[(universe.loadingFactor[p] as number) + 1]!++;
  for (let a = 0; a < k; a++) fStart[a + 1] = (fStart[a + 1] as number) + (fStart[a] as number);
  const fInst = new Int32Array(universe.loadingFactor.length);
  const fVal = new Float64Array(universe.loadingFactor.length);
  const fNext = Int32Array.from(fStart.subarray(0, k));
  for (let i = 0; i < n; i++) {
    for (let p = universe.loadingPtr[i] as number; p < (universe.loadingPtr[i + 1] as number); p++) {
      const a = universe.loadingFactor[p] as number;
      const q = fNext[a] as number;
      fInst[q] = i;
      fVal[q] = universe.loadingValue[p] as number;
      fNext[a] = q + 1;
    }
  }
  for (let a = 0; a < k; a++) {
    for (let p = fStart[a] as number; p < (fStart[a + 1] as number); p++) A.add(row, L.x + (fInst[p] as number), -(fVal[p] as number));
    A.add(row, L.f + a, 1);
    const ccy = fxOfFactor.get(a);
    if (ccy !== undefined) addCash(ccy, -1);
    row++;
  }
  // --- margin residuals: x_j − Σ_p P_jp (z⁺ − z⁻) − r⁺ + r⁻ = 0
  if (L.nRes > 0) {
    const pk: { p: number; t: number }[][] = Array.from({ length: n }, () => []);
    packages.forEach((pg, p) => {
      (pk[pg.leader] as { p: number; t: number }[]).push({ p, t: 1 });
      pg.members.forEach((m, j) => (pk[m] as { p: number; t: number }[]).push({ p, t: -(pg.weights[j] as number) }));
    });
    for (let i = 0; i < n; i++) {
      const slot = L.resSlot[i] as number;
      if (slot < 0) continue;
      A.add(row, L.x + i, 1);
      for (const { p, t } of pk[i] as { p: number; t: number }[]) {
        A.add(row, L.pkg + p, -t);
        A.add(row, L.pkg + L.nPkg + p, t);
      }
      A.add(row, L.res + slot, -1);
      A.add(row, L.res + L.nRes + slot, 1);
      row++;
    }
  }

  // --- constraint rows
  const constraintRows = new Map<string, { rows: number[]; abs: boolean; coef: number }>();
  let slackNext = 0;
  const addMeasure = (c: ConstraintSpec) => {
    const members = c.members as Int32Array;
    switch (c.measure) {
      case 'net':
        for (const i of members) A.add(row, L.x + i, 1);
        break;
      case 'gross':
        for (const i of members) {
          A.add(row, L.longCol[i] as number, 1);
          A.add(row, L.shortCol[i] as number, 1);
        }
        break;
      case 'long':
        for (const i of members) A.add(row, L.longCol[i] as number, 1);
        break;
      case 'short':
        for (const i of members) A.add(row, L.shortCol[i] as number, 1);
        break;
      case 'turnover':
        for (const i of members) {
          A.add(row, L.up + i, 1);
          A.add(row, L.um + i, 1);
        }
        break;
      case 'margin': {
        const inSet = new Uint8Array(n);
        for (const i of members) inSet[i] = 1;
        for (const i of members) {
          const m = (inst[i] as (typeof inst)[number]).marginRate;
          const slot = L.resSlot[i] as number;
          if (slot < 0) {
            A.add(row, L.longCol[i] as number, m);
            A.add(row, L.shortCol[i] as number, m);
          } else {
            A.add(row, L.res + slot, m);
            A.add(row, L.res + L.nRes + slot, m);
          }
        }
        packages.forEach((pg, p) => {
          if (!inSet[pg.leader]) return;
          A.add(row, L.pkg + p, pg.rate);
          A.add(row, L.pkg + L.nPkg + p, pg.rate);
        });
        break;
      }
      default:
        break;
    }
  };
  const addSlack = () => {
    const sl = slackNext++;
    A.add(row, L.slack + 2 * sl, 1);
    A.add(row, L.slack + 2 * sl + 1, -1);
  };

  const firstConstraintRow = row;
  for (const c of rowConstraints) {
    let abs = false;
    let coef = 1;
    const i = c.instrument ?? -1;
    if (c.level === 'instrument') {
      if (isTradeKind(c)) {
        const rows: number[] = [];
        for (const col of [L.up + i, L.um + i]) {
          A.add(row, col, 1);
          addSlack();
          rows.push(row);
          row++;
        }
        constraintRows.set(c.id, { rows, abs: true, coef: 1 });
        continue;
      }
      A.add(row, L.x + i, 1);
      if (isAbsKind(c)) {
        coef = absCoef(c, universe);
        abs = true;
      }
    } else if (c.factor !== undefined) {
      A.add(row, L.f + c.factor, 1);
    } else if (c.kind === 'cash') {
      addCash(c.currency as string);
    } else addMeasure(c);
    if (c.soft) addSlack();
    constraintRows.set(c.id, { rows: [row], abs, coef });
    row++;
  }

  const identityRow = row;
  for (let v = 0; v < L.nVars; v++) {
    A.add(row, v, 1);
    row++;
  }
  const m = row;
  const Amat = A.toCsc(m, L.nVars);
  const rowLo = new Float64Array(m);
  const rowHi = new Float64Array(m);

  // --- objective
  const q = new Float64Array(L.nVars);
  const alpha = processAlpha(universe, config);
  const carry = carryRates(universe, config);
  const lam = config.risk.aversion * riskHorizonFactor(config);
  for (let i = 0; i < n; i++) {
    const u = inst[i] as (typeof inst)[number];
    q[L.x + i] = -kappa * ((alpha[i] as number) + (carry.dividend[i] as number));
    const c1 = config.costs.linear ? u.linearCost : 0;
    q[L.up + i] = kappa * c1;
    q[L.um + i] = kappa * c1;
    // Financing on the long part, borrow on the short part (added: aliased columns are u±).
    q[L.longCol[i] as number] = (q[L.longCol[i] as number] as number) + kappa * (carry.financing[i] as number);
    q[L.shortCol[i] as number] = (q[L.shortCol[i] as number] as number) + kappa * (carry.borrow[i] as number);
  }
  conversions.forEach((cv, c) => {
    q[L.conv + c] = kappa * cv.cost;
    q[L.conv + L.nConv + c] = kappa * cv.cost;
  });
  for (let j = 0; j < L.nFx; j++) {
    q[L.fx + j] = kappa * config.costs.fxCost;
    q[L.fx + L.nFx + j] = kappa * config.costs.fxCost;
  }
  // Margin funding: rate · margin, margin = Σ m|x| off packages, m|r| on them, m_p|z| per package.
  const mf = usesMargin ? marginFundingRate(config) : 0;
  if (mf > 0) {
    packages.forEach((pg, p) => {
      q[L.pkg + p] = (q[L.pkg + p] as number) + kappa * mf * pg.rate;
      q[L.pkg + L.nPkg + p] = (q[L.pkg + L.nPkg + p] as number) + kappa * mf * pg.rate;
    });
    for (let i = 0; i < n; i++) {
      const w = kappa * mf * (inst[i] as (typeof inst)[number]).marginRate;
      const slot = L.resSlot[i] as number;
      const a = slot < 0 ? (L.longCol[i] as number) : L.res + slot;
      const b = slot < 0 ? (L.shortCol[i] as number) : L.res + L.nRes + slot;
      q[a] = (q[a] as number) + w;
      q[b] = (q[b] as number) + w;
    }
  }
  slackNext = 0;
  for (const c of rowConstraints) {
    if (!c.soft) continue;
    const count = c.kind === 'tradeNotional' || c.kind === 'tradeAdv' ? 2 : 1;
    for (let t = 0; t < count; t++) {
      const sl = slackNext++;
      // A slack s (NAV fraction) is s · NAV money of violation; penalty is money per money.
      q[L.slack + 2 * sl] = kappa * c.penalty;
      q[L.slack + 2 * sl + 1] = kappa * c.penalty;
    }
  }
  // P column by column (upper triangle, rows ascending): diagonals of x, u⁺, u⁻ (zeros kept so
  // the pattern never depends on values), then the dense factor block.
  const full = config.risk.model === 'full';
  const colPtr = new Int32Array(L.nVars + 1);
  const nnzP = 3 * n + (full ? (k * (k + 1)) / 2 : 0);
  const pRows = new Int32Array(nnzP);
  const pVals = new Float64Array(nnzP);
  let t = 0;
  for (let v = 0; v < L.nVars; v++) {
    if (v < 3 * n) {
      pRows[t++] = v; // value: see writeValues
    } else if (full && v >= L.f && v < L.f + k) {
      const a = v - L.f;
      for (let b = 0; b <= a; b++) {
        pRows[t] = L.f + b;
        pVals[t++] = 2 * kappa * lam * (universe.factorCov[b * k + a] as number);
      }
    }
    colPtr[v + 1] = t;
  }
  const Pmat: CscMatrix = { nRows: L.nVars, nCols: L.nVars, colPtr, rowIdx: pRows, values: pVals };
  const { lowerOwner, upperOwner } = writeValues({ universe, config, constraints, rowConstraints, conversions, bounds, layout: L, firstConstraintRow, identityRow }, rowLo, rowHi, pVals);

  return {
    problem: { n: L.nVars, m, P: Pmat, q, A: Amat, l: rowLo, u: rowHi },
    layout: L,
    constraintRows,
    lowerOwner,
    upperOwner,
    identityRow,
    nav,
    kappa,
    conversions,
    packages,
    bounds,
  };
}

interface ValueInput {
  readonly universe: Universe;
  readonly config: PortfolioConfig;
  readonly constraints: readonly ConstraintSpec[];
  readonly rowConstraints: readonly ConstraintSpec[];
  readonly conversions: readonly Conversion[];
  readonly bounds: InstrumentBounds;
  readonly layout: VariableLayout;
  readonly firstConstraintRow: number;
  readonly identityRow: number;
  /** The bound owners of the problem being repriced (reused where unchanged). */
  readonly previousOwners?: { readonly lower: readonly (BoundOwner | null)[]; readonly upper: readonly (BoundOwner | null)[] };
}

/**
 * Everything in the QP that a price update can move, written in place: the trade-balance right
 * sides x0 = h0/NAV, the bounds of the constraint rows (money and ADV bounds are divided by
 * NAV, the cash rows subtract the current cash), the variable bounds (identity rows) with their
 * owners, and the diagonal of P over x, u⁺, u⁻ (impact k·U²/ADV is 2κ·k/ADV·NAV per NAV
 * fraction squared). A, q and the factor block of P depend on no price or NAV; the rows not
 * written here are the constant 0 = 0 of the split, factor and margin-residual rows.
 * `buildPortfolioQp` and `repricePortfolioQp` both go through here, so they cannot disagree.
 */
function writeValues(input: ValueInput, l: Float64Array, u: Float64Array, pVals: Float64Array): { lowerOwner: (BoundOwner | null)[]; upperOwner: (BoundOwner | null)[] } {
  const { universe, config, bounds, layout: L, conversions } = input;
  const inst = universe.instruments;
  const nav = universe.nav;
  const kappa = OBJECTIVE_SCALE;
  const n = L.n;
  // --- trade balance: x0
  for (let i = 0; i < n; i++) {
    const x0 = (inst[i] as (typeof inst)[number]).notional0 / nav;
    l[i] = x0;
    u[i] = x0;
  }
  /** Current cash in a currency, NAV units. */
  const cash0 = (ccy: string) => (universe.currencies.find((x) => x.code === ccy)?.cashNumeraire ?? 0) / nav;
  // --- FX factor rows: f − Bᵀx − Δcash = current cash in the currency
  for (const [ccy, a] of universe.fxFactors) {
    const r = n + L.nSplit + a;
    l[r] = cash0(ccy);
    u[r] = cash0(ccy);
  }
  // --- constraint rows, in the order buildPortfolioQp laid them out
  let row = input.firstConstraintRow;
  for (const c of input.rowConstraints) {
    const s = c.scale / nav;
    let lo = c.lower * s;
    let hi = c.upper * s;
    if (c.level === 'instrument') {
      if (isTradeKind(c)) {
        for (let t = 0; t < 2; t++) {
          l[row] = -Infinity;
          u[row++] = hi;
        }
        continue;
      }
      if (isAbsKind(c)) {
        const cap = hi * absCoef(c, universe);
        lo = -cap;
        hi = cap;
      }
    } else if (c.factor === undefined && c.kind === 'cash') {
      lo -= cash0(c.currency as string);
      hi -= cash0(c.currency as string);
    }
    l[row] = lo;
    u[row++] = hi;
  }
  if (row !== input.identityRow) throw new Error(`writeValues: constraint rows end at ${row}, identity rows start at ${input.identityRow}`);

  // --- variable bounds (identity rows), each side with its owner for dual attribution
  const vlo = l.subarray(input.identityRow, input.identityRow + L.nVars).fill(-Infinity);
  const vhi = u.subarray(input.identityRow, input.identityRow + L.nVars).fill(Infinity);
  const loOwner: (BoundOwner | null)[] = new Array(L.nVars).fill(null);
  const hiOwner: (BoundOwner | null)[] = new Array(L.nVars).fill(null);
  // An owner object is made only when its bound wins, and a previous problem's is reused when it
  // says the same (constraints in ADV or money units survive a reprice as the same objects).
  const prevLo = input.previousOwners?.lower;
  const prevHi = input.previousOwners?.upper;
  const owner = (prev: BoundOwner | null | undefined, constraint: ConstraintSpec | null, coef: number): BoundOwner | null =>
    constraint === null ? null : prev && prev.constraint === constraint && prev.coef === coef ? prev : { constraint, coef };
  const tightenHi = (v: number, value: number, constraint: ConstraintSpec | null, coef: number) => {
    if (value < (vhi[v] as number)) {
      vhi[v] = value;
      hiOwner[v] = owner(prevHi?.[v], constraint, coef);
    }
  };
  const tightenLo = (v: number, value: number, constraint: ConstraintSpec | null, coef: number) => {
    if (value > (vlo[v] as number)) {
      vlo[v] = value;
      loOwner[v] = owner(prevLo?.[v], constraint, coef);
    }
  };
  // Non-negative blocks: u±, own splits, s±, t±, z±, r±, slacks.
  for (let v = L.up; v < L.f; v++) vlo[v] = 0;
  for (let v = L.conv; v < L.nVars; v++) vlo[v] = 0;
  const impact = impactCoefficients(universe, config);
  for (let i = 0; i < n; i++) {
    const noTrade = bounds.fixed[i] === 1 || !Number.isFinite(impact[i] as number);
    const capBy = bounds.fixedBy[i] ?? bounds.tradeCapBy[i] ?? null;
    const cap = noTrade ? 0 : (bounds.tradeCap[i] as number) / nav;
    tightenHi(L.up + i, cap, capBy, 1);
    tightenHi(L.um + i, cap, capBy, 1);
    // Position limits: on the long/short split when the interval contains 0 (no degenerate
    // x ≥ 0 row next to x⁻ ≥ 0), on x otherwise.
    const lo = (bounds.posLo[i] as number) / nav;
    const hi = (bounds.posHi[i] as number) / nav;
    const loC = bounds.posLoBy[i];
    const hiC = bounds.posHiBy[i];
    if (lo <= 0 && hi >= 0) {
      if (hiC) tightenHi(L.longCol[i] as number, hi, hiC, absCoef(hiC, universe));
      if (loC) tightenHi(L.shortCol[i] as number, -lo, loC, isAbsKind(loC) ? absCoef(loC, universe) : -1);
    } else {
      if (hiC) tightenHi(L.x + i, hi, hiC, absCoef(hiC, universe));
      if (loC) tightenLo(L.x + i, lo, loC, isAbsKind(loC) ? -absCoef(loC, universe) : 1);
    }
  }
  for (const c of input.constraints) {
    if (c.factor === undefined || c.soft) continue;
    const v = L.f + c.factor;
    tightenLo(v, (c.lower * c.scale) / nav, c, 1);
    tightenHi(v, (c.upper * c.scale) / nav, c, 1);
  }
  conversions.forEach((cv, c) => {
    tightenHi(L.conv + c, cv.cap / nav, null, 1);
    tightenHi(L.conv + L.nConv + c, cv.cap / nav, null, 1);
  });

  // --- P's diagonal over x, u⁺, u⁻: entry v of column v (v < 3n; see buildPortfolioQp)
  const lam = config.risk.aversion * riskHorizonFactor(config);
  for (let i = 0; i < n; i++) {
    pVals[L.x + i] = 2 * kappa * lam * (inst[i] as (typeof inst)[number]).idioVariance;
    const imp = Number.isFinite(impact[i] as number) ? (impact[i] as number) : 0;
    pVals[L.up + i] = 2 * kappa * imp * nav;
    pVals[L.um + i] = 2 * kappa * imp * nav;
  }
  return { lowerOwner: loOwner, upperOwner: hiOwner };
}

const sameInts = (a: Int32Array, b: Int32Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** The row constraints in the order their rows were laid out (a Map iterates in insertion order). */
const sameIds = (cs: readonly ConstraintSpec[], rows: ReadonlyMap<string, unknown>): boolean => {
  if (cs.length !== rows.size) return false;
  let j = 0;
  for (const id of rows.keys()) if ((cs[j++] as ConstraintSpec).id !== id) return false;
  return true;
};

/**
 * The QP of `buildPortfolioQp(input)` after a price update, from the previous one: the same
 * pattern, A and q (shared, not copied: no price enters them), and new values where prices
 * enter (see `writeValues`) — a few ms at 15,000 instruments where a rebuild takes hundreds.
 * `input` must describe the previous problem's structure with new prices: the constraints of
 * `repriceConstraints`, the same conversions and packages. When the layout or the row
 * constraints differ anyway (say a position priced at 0 before), it falls back to a full build.
 * The returned problem is a new object; neither problem is modified.
 */
export function repricePortfolioQp(prev: PortfolioQp, input: BuildQpInput): PortfolioQp {
  const { rowConstraints, layout: L } = shapeOf(input);
  const P = prev.layout;
  const sameShape =
    L.nVars === P.nVars &&
    L.nSplit === P.nSplit &&
    L.nRes === P.nRes &&
    L.nConv === P.nConv &&
    L.nSlack === P.nSlack &&
    input.conversions === prev.conversions &&
    sameInts(L.longCol, P.longCol) &&
    sameInts(L.resSlot, P.resSlot) &&
    L.nPkg === P.nPkg &&
    sameIds(rowConstraints, prev.constraintRows);
  if (!sameShape) return buildPortfolioQp(input);
  const bounds = input.bounds ?? instrumentBounds(input.universe, input.constraints);
  const { problem } = prev;
  const l = problem.l.slice();
  const u = problem.u.slice();
  const pVals = problem.P.values.slice();
  const firstConstraintRow = P.n + P.nSplit + P.k + P.nRes;
  const { lowerOwner, upperOwner } = writeValues({ universe: input.universe, config: input.config, constraints: input.constraints, rowConstraints, conversions: input.conversions, bounds, layout: P, firstConstraintRow, identityRow: prev.identityRow, previousOwners: { lower: prev.lowerOwner, upper: prev.upperOwner } }, l, u, pVals);
  return {
    ...prev,
    problem: { ...problem, P: { ...problem.P, values: pVals }, l, u },
    lowerOwner,
    upperOwner,
    nav: input.universe.nav,
    bounds,
  };
}
