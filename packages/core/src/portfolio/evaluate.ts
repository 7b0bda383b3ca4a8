/**
 * The independent evaluator (cvxportfolio's idea: every constraint and objective term can
 * evaluate itself at given holdings). It recomputes every constraint value and objective term
 * from the joined tables and a book in shares — never from solver variables — so a solve is
 * only called optimal when this agrees. The only solver-side inputs are decisions a desk would
 * also hand over (conversions, FX trades) and an optional hedge decomposition, which is a
 * witness: margin is defined as the least charge over all decompositions, so the margin at any
 * valid witness is an upper bound and checking the bound against it is sound.
 */
import type { Universe } from '../data/universe.js';
import type { PortfolioConfig } from './config.js';
import type { ConstraintSpec } from './constraints.js';
import { carryRates, impactCoefficients, marginFundingRate, processAlpha, riskHorizonFactor, usesMarginModel } from './objective-terms.js';
import type { Conversion, HedgePackage } from './synthetics.js';

/** A conversion as executed: signed shares of each leg, leader first, then the basket members. */
export interface BookConversion {
  readonly conversion: number;
  readonly legShares: Float64Array;
}

/** A book to evaluate: final holdings and the decisions that got there. */
export interface PortfolioBook {
  /** Final position per instrument, shares or contracts (fractional allowed). */
  readonly shares: Float64Array;
  readonly conversions: readonly BookConversion[];
  /** FX bought per currency against the numeraire, in numeraire (signed; absent = 0). */
  readonly fxTrades: ReadonlyMap<string, number>;
  /** Hedged package sizes z (numeraire, leader side), aligned with the packages list; absent = no credit. */
  readonly hedge?: Float64Array;
}

export interface ConstraintValue {
  readonly id: string;
  /** In the constraint's unit. */
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  /** min(value − lower, upper − value): negative means violated. */
  readonly slack: number;
  /** Violation beyond tolerance (constraint unit); 0 when it holds. */
  readonly violation: number;
  readonly holds: boolean;
}

export interface ObjectiveAttribution {
  readonly alpha: number;
  readonly dividends: number;
  readonly factorRisk: number;
  readonly specificRisk: number;
  readonly linearCost: number;
  readonly impactCost: number;
  readonly borrowCost: number;
  readonly financingCost: number;
  readonly createRedeemCost: number;
  readonly efpCost: number;
  readonly fxCost: number;
  readonly penalties: number;
  /** Funding cost of posted margin (with hedge credit) over the horizon. */
  readonly marginCost: number;
  /** alpha + dividends − risk − costs − penalties, numeraire money over the horizon. */
  readonly objective: number;
}

export interface BookMetrics {
  readonly nav: number;
  readonly net: number;
  readonly gross: number;
  readonly long: number;
  readonly short: number;
  readonly turnover: number;
  readonly margin: number;
  readonly marginWithoutCredit: number;
  /** Annualised volatility of the book as a fraction of NAV (full model). */
  readonly volatility: number;
  readonly cash: Readonly<Record<string, number>>;
  /**
   * With `risk.fxFactors`: exposure to each non-numeraire currency (numeraire money): holdings in
   * it (ETFs through their baskets, futures none) plus post-trade cash in it.
   */
  readonly fxExposure?: Readonly<Record<string, number>>;
  /** Largest |leader + Σ legs| notional over conversions (synthetic equivalence residual). */
  readonly syntheticResidual: number;
}

export interface Evaluation {
  readonly notional: Float64Array;
  readonly trades: Float64Array;
  readonly constraints: readonly ConstraintValue[];
  readonly violations: readonly ConstraintValue[];
  readonly attribution: ObjectiveAttribution;
  readonly metrics: BookMetrics;
}

export interface EvaluateInput {
  readonly universe: Universe;
  readonly config: PortfolioConfig;
  readonly constraints: readonly ConstraintSpec[];
  readonly conversions: readonly Conversion[];
  readonly packages: readonly HedgePackage[];
  /** Tolerance in numeraire money (per constraint, converted to its unit); default 1e-7 · NAV. */
  readonly toleranceMoney?: number;
}

/**
 * Evaluates `book`. Market trades are derived: final − current − conversion legs. Pure.
 */
export function evaluatePortfolio(input: EvaluateInput, book: PortfolioBook): Evaluation {
  const { universe, config, constraints, conversions, packages } = input;
  const inst = universe.instruments;
  const n = inst.length;
  const nav = universe.nav;
  const tolMoney = input.toleranceMoney ?? 1e-7 * nav;

  const notional = new Float64Array(n);
  const tradeShares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = inst[i] as (typeof inst)[number];
    notional[i] = (book.shares[i] as number) * u.price * u.multiplier * u.fx;
    tradeShares[i] = (book.shares[i] as number) - u.shares0;
  }
  // Conversion legs move positions without a market trade.
  const legMoved = new Float64Array(n);
  let syntheticResidual = 0;
  const convNotional: number[] = [];
  const efpCashByCcy = new Map<string, number>();
  for (const bc of book.conversions) {
    const cv = conversions[bc.conversion] as Conversion;
    const idx = [cv.leader, ...cv.members];
    let sum = 0;
    idx.forEach((i, j) => {
      const u = inst[i] as (typeof inst)[number];
      const sh = bc.legShares[j] as number;
      tradeShares[i] = (tradeShares[i] as number) - sh;
      const money = sh * u.price * u.multiplier * u.fx;
      legMoved[i] = (legMoved[i] as number) + Math.abs(money);
      sum += money;
      // An EFP's basket leg settles in cash in the member's currency.
      if (cv.kind === 'efp' && j > 0 && u.type !== 'Future') efpCashByCcy.set(u.currency, (efpCashByCcy.get(u.currency) ?? 0) - money);
    });
    const leader = inst[cv.leader] as (typeof inst)[number];
    convNotional[bc.conversion] = (bc.legShares[0] as number) * leader.price * leader.multiplier * leader.fx;
    syntheticResidual = Math.max(syntheticResidual, Math.abs(sum));
  }
  const trades = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = inst[i] as (typeof inst)[number];
    trades[i] = (tradeShares[i] as number) * u.price * u.multiplier * u.fx;
  }

  // Factor exposures (money) from the loadings.
  const k = universe.factors.length;
  const fexp = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const h = notional[i] as number;
    if (h === 0) continue;
    for (let p = universe.loadingPtr[i] as number; p < (universe.loadingPtr[i + 1] as number); p++) {
      fexp[universe.loadingFactor[p] as number] = (fexp[universe.loadingFactor[p] as number] as number) + (universe.loadingValue[p] as number) * h;
    }
  }

  // Margin at the witness: residual r = h − Σ_p z_p·legs_p.
  const residual = Float64Array.from(notional);
  let packageMargin = 0;
  const inPackage = new Uint8Array(n);
  packages.forEach((pg, p) => {
    const z = book.hedge?.[p] ?? 0;
    residual[pg.leader] = (residual[pg.leader] as number) - z;
    pg.members.forEach((m, j) => {
      residual[m] = (residual[m] as number) + (pg.weights[j] as number) * z;
    });
    packageMargin += pg.rate * Math.abs(z);
  });
  const packageMarginByLeader = new Float64Array(n);
  packages.forEach((pg, p) => {
    inPackage[pg.leader] = 1;
    for (const m of pg.members) inPackage[m] = 1;
    packageMarginByLeader[pg.leader] = (packageMarginByLeader[pg.leader] as number) + pg.rate * Math.abs(book.hedge?.[p] ?? 0);
  });
  const marginOf = (i: number): number => {
    const u = inst[i] as (typeof inst)[number];
    return u.marginRate * Math.abs(residual[i] as number) + (packageMarginByLeader[i] as number);
  };

  // Post-trade cash per currency (numeraire).
  const cash: Record<string, number> = {};
  for (const c of universe.currencies) cash[c.code] = c.cashNumeraire;
  for (let i = 0; i < n; i++) {
    const u = inst[i] as (typeof inst)[number];
    if (u.type === 'Future') continue;
    cash[u.currency] = (cash[u.currency] ?? 0) - (trades[i] as number);
  }
  for (const [c, v] of efpCashByCcy) cash[c] = (cash[c] ?? 0) + v;
  let fxGross = 0;
  for (const [c, t] of book.fxTrades) {
    if (c === universe.numeraire) continue;
    cash[c] = (cash[c] ?? 0) + t;
    cash[universe.numeraire] = (cash[universe.numeraire] ?? 0) - t;
    fxGross += Math.abs(t);
  }
  // An FX factor's exposure: the holdings' derived loadings (in fexp above) plus post-trade
  // cash in its currency.
  for (const [c, a] of universe.fxFactors) fexp[a] = (fexp[a] as number) + (cash[c] ?? 0);

  const valueOf = (c: ConstraintSpec): number => {
    const i = c.instrument ?? -1;
    switch (c.kind) {
      case 'positionNotional':
      case 'noNewShorts':
      case 'noNewLongs':
        return notional[i] as number;
      case 'positionAdv':
        return Math.abs(notional[i] as number);
      case 'tradeNotional':
      case 'tradeAdv':
        return Math.abs(trades[i] as number);
      case 'marginContribution':
        return (inst[i] as (typeof inst)[number]).marginRate * Math.abs(notional[i] as number);
      case 'restricted':
      case 'frozen':
        return Math.abs(trades[i] as number) + (legMoved[i] as number);
      case 'cash':
        return cash[c.currency as string] ?? 0;
      default:
        break;
    }
    if (c.factor !== undefined) return fexp[c.factor] as number;
    let v = 0;
    for (const j of c.members as Int32Array) {
      const h = notional[j] as number;
      switch (c.measure) {
        case 'net':
          v += h;
          break;
        case 'gross':
          v += Math.abs(h);
          break;
        case 'long':
          v += Math.max(h, 0);
          break;
        case 'short':
          v += Math.max(-h, 0);
          break;
        case 'turnover':
          v += Math.abs(trades[j] as number);
          break;
        case 'margin':
          v += marginOf(j);
          break;
        default:
          break;
      }
    }
    return v;
  };

  const values: ConstraintValue[] = [];
  const violations: ConstraintValue[] = [];
  let penalties = 0;
  for (const c of constraints) {
    const value = valueOf(c) / c.scale;
    // restricted/frozen: value is already |movement| ≥ 0 against [0, 0].
    const slack = Math.min(value - c.lower, c.upper - value);
    const tol = tolMoney / c.scale + 1e-9 * Math.max(Math.abs(c.lower === -Infinity ? 0 : c.lower), Math.abs(c.upper === Infinity ? 0 : c.upper));
    const violation = slack < -tol ? -slack : 0;
    const cv: ConstraintValue = { id: c.id, value, lower: c.lower, upper: c.upper, slack, violation, holds: c.soft || violation === 0 };
    values.push(cv);
    if (c.soft) penalties += c.penalty * Math.max(-slack, 0) * c.scale;
    else if (violation > 0) violations.push(cv);
  }

  // Objective terms.
  const alpha = processAlpha(universe, config);
  const carry = carryRates(universe, config);
  const impact = impactCoefficients(universe, config);
  const lam = config.risk.aversion * riskHorizonFactor(config);
  let aTerm = 0;
  let div = 0;
  let spec = 0;
  let lin = 0;
  let imp = 0;
  let borrow = 0;
  let fin = 0;
  let net = 0;
  let gross = 0;
  let long = 0;
  let short = 0;
  let turnover = 0;
  let marginNoCredit = 0;
  for (let i = 0; i < n; i++) {
    const u = inst[i] as (typeof inst)[number];
    const h = notional[i] as number;
    const t = trades[i] as number;
    aTerm += (alpha[i] as number) * h;
    div += (carry.dividend[i] as number) * h;
    spec += u.idioVariance * h * h;
    if (config.costs.linear) lin += u.linearCost * Math.abs(t);
    const ic = impact[i] as number;
    if (t !== 0 && ic > 0) imp += ic * t * t;
    borrow += (carry.borrow[i] as number) * Math.max(-h, 0);
    fin += (carry.financing[i] as number) * Math.max(h, 0);
    net += h;
    gross += Math.abs(h);
    long += Math.max(h, 0);
    short += Math.max(-h, 0);
    turnover += Math.abs(t);
    marginNoCredit += u.marginRate * Math.abs(h);
  }
  let fvar = 0;
  for (let a = 0; a < k; a++) {
    const fa = fexp[a] as number;
    if (fa === 0) continue;
    for (let b = 0; b < k; b++) fvar += fa * (universe.factorCov[a * k + b] as number) * (fexp[b] as number);
  }
  let margin = packageMargin;
  for (let i = 0; i < n; i++) {
    const r = (inst[i] as (typeof inst)[number]).marginRate * Math.abs(residual[i] as number);
    margin += r;
  }
  const usesMargin = usesMarginModel(config, constraints.some((c) => c.measure === 'margin'));
  let crCost = 0;
  let efpCost = 0;
  book.conversions.forEach((bc) => {
    const cv = conversions[bc.conversion] as Conversion;
    const cost = cv.cost * Math.abs(convNotional[bc.conversion] ?? 0);
    if (cv.kind === 'efp') efpCost += cost;
    else crCost += cost;
  });
  const factorRisk = config.risk.model === 'full' ? (lam * fvar) / nav : 0;
  const specificRisk = (lam * spec) / nav;
  const fxCost = config.costs.fxCost * fxGross;
  const marginCost = usesMargin ? marginFundingRate(config) * margin : 0;
  const attribution: ObjectiveAttribution = {
    alpha: aTerm,
    dividends: div,
    factorRisk,
    specificRisk,
    linearCost: lin,
    impactCost: imp,
    borrowCost: borrow,
    financingCost: fin,
    createRedeemCost: crCost,
    efpCost,
    fxCost,
    penalties,
    marginCost,
    objective: aTerm + div - factorRisk - specificRisk - lin - imp - borrow - fin - crCost - efpCost - fxCost - penalties - marginCost,
  };
  const variance = (fvar + spec) / (nav * nav);
  return {
    notional,
    trades,
    constraints: values,
    violations,
    attribution,
    metrics: {
      nav,
      net,
      gross,
      long,
      short,
      turnover,
      margin,
      marginWithoutCredit: marginNoCredit,
      volatility: Math.sqrt(Math.max(variance, 0)),
      cash,
      ...(universe.fxFactors.size > 0 ? { fxExposure: Object.fromEntries([...universe.fxFactors].map(([c, a]) => [c, fexp[a] as number])) } : {}),
      syntheticResidual,
    },
  };
}
