/**
 * The allocation MIP (MODELS.md §1) built on the generic model builder, with every index the
 * strategies need to add scenario rows, CVaR cuts and lexicographic bounds later.
 *
 * Columns (fixed once built; constraint generation only appends rows):
 *   y[g,a]   assignment of group g to account a: binary (a whole trade or bucket), or integer
 *            lots 0..L_g with allowSplit; Σ_a y[g,a] = L_g. Trade t of group g gets q_t·y[g,a]/L_g.
 *
 * Post-trade positions and cash are NOT columns where they need not be: each is an affine
 * expression in the y's that the rows use directly, so every constraint row is a knapsack-like
 * row over the assignment variables (HiGHS's cover and MIR cuts work on those; with separate
 * position columns and balance rows its root bound was markedly weaker). Per account a and
 * traded security s, with P = pos₀ + Σ_g q_g·y_g:
 *   - P can never be negative (no sells reach below zero): P⁺ = P, P⁻ = 0 — exact and linear;
 *     likewise P⁺ = 0, P⁻ = −P when P can never be positive.
 *   - P can take both signs and at most HULL_MAX_GROUPS binary groups trade s: the convex hull
 *     of its possible values (`addPositionHull`): λ_T per subset of groups, P± = Σ λ_T·P_T±. At
 *     integral y this is exact (P⁺·P⁻ = 0); fractional y get the hull's split, never a wider one.
 *   - otherwise columns P⁺, P⁻ ≥ 0 with P⁺ − P⁻ = P, plus a sign indicator z ONLY where a row of
 *     the account rewards a wider split (a `>=` rule on gross/long/short such as a minimum
 *     balance, or a `<=` rule where gross enters negatively, e.g. a ratio's denominator):
 *     P⁺ ≤ U⁺·z, P⁻ ≤ U⁻·(1 − z) with U± the largest long/short the trades can produce.
 *     Everywhere else no indicator is needed: financing rates satisfy long + short ≥ 0 (parse.ts)
 *     so widening never lowers the cost, and it tightens or leaves every other row unchanged.
 *   - cash C = cash₀ − Σ_t sign_t·q_t·(p_t + c_t)/100·y/L.
 *
 * Other columns: t (headroom; every hard row carries +n_c·t, t ≥ 0 keeps hard rows hard),
 * v[a,c] (normalised violation of a soft constraint), e[a,c] (elastic slack, elastic mode, with a
 * binary w[a,c] when the count of relaxed constraints is minimised), η_a (CVaR epigraph: cuts,
 * or the Rockafellar–Uryasev rows η = ζ + Σ u/t, u_σ ≥ L(σ) − ζ in the extensive form).
 *
 * Scenario rows of constraint c in scenario σ (templates in rows.ts), oriented as ≤:
 *   sense·g(σ) + n_c·t − n_c·(v or e) ≤ sense·(rhs − const(σ))
 *
 * Units: face and money are divided by `unit` (a power of ten near the typical trade, e.g. 1e6)
 * so HiGHS sees coefficients and bounds of order 1–100 (its tolerances are absolute; unscaled,
 * the MIP was slow and numerically fragile).
 */
import { ModelBuilder } from '@keel/solver-native/model';
import type { AllocationModel } from '../model.js';
import { cvarTail, objectiveScales } from '../objective.js';
import type { ObjectiveScales } from '../objective.js';
import type { ObjectiveTermSpec } from '../schema.js';
import type { ScenarioSet } from '../types.js';
import { compileRowTemplates, rowConstant, scenarioReturn, tradedSecurities } from './rows.js';
import type { RowTemplate } from './rows.js';

/** Trades that go to one account together (a bucket), or a single trade. */
export interface TradeGroup {
  readonly trades: readonly number[];
  /** Lots: 1 = the group moves whole; > 1 only for a single trade with allowSplit. */
  readonly units: number;
}

export type RiskFormulation = 'cuts' | 'ru';

export interface FormulationOptions {
  readonly groups: readonly TradeGroup[];
  /** Objective terms whose structures are needed (headroom → t, risk → η). */
  readonly terms: readonly ObjectiveTermSpec[];
  /** 'cuts': CVaR by cutting planes (constraint generation); 'ru': RU rows for every scenario. */
  readonly risk: RiskFormulation;
  /** Elastic slack per hard constraint: 'none', 'size' (Σ e), 'count' (binaries too). */
  readonly elastic: 'none' | 'size' | 'count';
}

export function defaultGroups(model: AllocationModel): TradeGroup[] {
  return Array.from({ length: model.nTrade }, (_, t) => ({ trades: [t], units: model.tradeLots[t]! }));
}

/** c + Σ val·x[idx], in model units. */
export interface Affine {
  readonly c: number;
  readonly idx: readonly number[];
  readonly val: readonly number[];
}

const ZERO: Affine = { c: 0, idx: [], val: [] };

/** A linear expression over the columns plus a constant. */
export interface LinearExpr {
  readonly coefs: Map<number, number>;
  constant: number;
}

/** Accumulates Σ coef·affine into index/value lists; returns the constant part. */
class RowAccumulator {
  readonly idx: number[] = [];
  readonly val: number[] = [];
  constant = 0;

  add(e: Affine, coef: number): void {
    if (coef === 0) return;
    this.constant += coef * e.c;
    for (let j = 0; j < e.idx.length; j++) {
      this.idx.push(e.idx[j]!);
      this.val.push(coef * e.val[j]!);
    }
  }

  col(c: number, coef: number): void {
    if (coef === 0) return;
    this.idx.push(c);
    this.val.push(coef);
  }
}

export class AllocationFormulation {
  readonly builder = new ModelBuilder();
  readonly model: AllocationModel;
  readonly scenarios: ScenarioSet;
  readonly options: FormulationOptions;
  readonly traded: { secs: Int32Array; slot: Int32Array };
  readonly templates: readonly RowTemplate[];
  readonly scales: ObjectiveScales;
  readonly nAcc: number;
  readonly nSlots: number;
  /** Face and money unit of the model (see the header). */
  readonly unit: number;
  /** y column of (group, account): yCol[g·nAcc + a]. */
  readonly yCol: Int32Array;
  /** P⁺/U, P⁻/U per (a·nSlots + k), and C/U per account, as affine expressions. */
  readonly plus: Affine[];
  readonly minus: Affine[];
  readonly cash: Affine[];
  /** Largest long / short each (account, slot) can reach (face). */
  readonly plusUpper: Float64Array;
  readonly minusUpper: Float64Array;
  /** How each (account, slot) position is modelled. */
  readonly positionModel: ('linear' | 'hull' | 'split' | 'split+sign')[];
  readonly headroomCol: number;
  /** Per template: soft violation column (soft) or elastic column (elastic mode), else −1. */
  readonly violationCol: Int32Array;
  readonly elasticCountCol: Int32Array;
  readonly etaCol: Int32Array;
  readonly riskAlpha: number;
  /** Scenario rows present, per template: σ → model row. */
  readonly present: Map<number, number>[];
  private rowMark = 0;
  private readonly cashRange: { buy: number; sell: number };

  constructor(model: AllocationModel, scenarios: ScenarioSet, options: FormulationOptions) {
    this.model = model;
    this.scenarios = scenarios;
    this.options = options;
    this.nAcc = model.nAcc;
    this.traded = tradedSecurities(model);
    this.nSlots = this.traded.secs.length;
    this.templates = compileRowTemplates(model, this.traded);
    this.scales = objectiveScales(model);
    this.present = this.templates.map(() => new Map());
    this.unit = chooseUnit(model);
    const U = this.unit;
    const b = this.builder;
    const { nAcc, nSlots } = this;
    const nG = options.groups.length;

    // Assignment columns and Σ_a y = L rows.
    this.yCol = new Int32Array(nG * nAcc);
    options.groups.forEach((g, gi) => {
      for (let a = 0; a < nAcc; a++) {
        this.yCol[gi * nAcc + a] = b.addVar({ lower: 0, upper: g.units, integer: true });
      }
      const cols = Array.from(this.yCol.subarray(gi * nAcc, (gi + 1) * nAcc));
      b.addRow(cols, new Array<number>(nAcc).fill(1), g.units, g.units);
    });

    // Largest long / short per security over all trades; cash range.
    const buys = new Float64Array(nSlots);
    const sells = new Float64Array(nSlots);
    let buyCash = 0;
    let sellCash = 0;
    for (let t = 0; t < model.nTrade; t++) {
      const k = this.traded.slot[model.tradeSec[t]!]!;
      const v = model.tradeQty[t]! * model.tradeCashPerFace[t]!;
      if (model.tradeSign[t]! > 0) {
        buys[k]! += model.tradeQty[t]!;
        buyCash += v;
      } else {
        sells[k]! += model.tradeQty[t]!;
        sellCash += v;
      }
    }
    this.cashRange = { buy: buyCash, sell: sellCash };

    // Which groups move which security, and by how much face per unit of y.
    const groupOf = new Int32Array(model.nTrade);
    options.groups.forEach((g, gi) => g.trades.forEach((t) => (groupOf[t] = gi)));
    const contrib: Map<number, number>[] = Array.from({ length: nSlots }, () => new Map());
    const cashPerUnit = new Map<number, number>();
    for (let t = 0; t < model.nTrade; t++) {
      const gi = groupOf[t]!;
      const q = (model.tradeSign[t]! * model.tradeQty[t]!) / options.groups[gi]!.units;
      const k = this.traded.slot[model.tradeSec[t]!]!;
      contrib[k]!.set(gi, (contrib[k]!.get(gi) ?? 0) + q);
      cashPerUnit.set(gi, (cashPerUnit.get(gi) ?? 0) + q * model.tradeCashPerFace[t]!);
    }

    this.plusUpper = new Float64Array(nAcc * nSlots);
    this.minusUpper = new Float64Array(nAcc * nSlots);
    this.plus = new Array<Affine>(nAcc * nSlots);
    this.minus = new Array<Affine>(nAcc * nSlots);
    this.positionModel = new Array(nAcc * nSlots);
    this.cash = [];
    const splitCols: { i: number; plus: number; minus: number }[] = [];
    for (let a = 0; a < nAcc; a++) {
      const acc = model.accounts[a]!;
      for (let k = 0; k < nSlots; k++) {
        const i = a * nSlots + k;
        const pos = acc.pos0[this.traded.secs[k]!]!;
        const up = Math.max(0, pos + buys[k]!);
        const dn = Math.max(0, -pos + sells[k]!);
        this.plusUpper[i] = up;
        this.minusUpper[i] = dn;
        const groups = [...contrib[k]!.entries()];
        const P: Affine = {
          c: pos / U,
          idx: groups.map(([gi]) => this.yCol[gi * nAcc + a]!),
          val: groups.map(([, q]) => q / U),
        };
        if (dn <= 0) {
          this.plus[i] = P;
          this.minus[i] = ZERO;
          this.positionModel[i] = 'linear';
        } else if (up <= 0) {
          this.plus[i] = ZERO;
          this.minus[i] = { c: -P.c, idx: P.idx, val: P.val.map((v) => -v) };
          this.positionModel[i] = 'linear';
        } else if (groups.length <= HULL_MAX_GROUPS && groups.every(([gi]) => options.groups[gi]!.units === 1)) {
          this.addPositionHull(i, a, pos, groups);
          this.positionModel[i] = 'hull';
        } else {
          const pc = b.addVar({ lower: 0, upper: up / U });
          const mc = b.addVar({ lower: 0, upper: dn / U });
          b.addRow([pc, mc, ...P.idx], [1, -1, ...P.val.map((v) => -v)], P.c, P.c);
          this.plus[i] = { c: 0, idx: [pc], val: [1] };
          this.minus[i] = { c: 0, idx: [mc], val: [1] };
          this.positionModel[i] = 'split';
          splitCols.push({ i, plus: pc, minus: mc });
        }
      }
      const cashIdx: number[] = [];
      const cashVal: number[] = [];
      for (const [gi, v] of cashPerUnit) {
        cashIdx.push(this.yCol[gi * nAcc + a]!);
        cashVal.push(-v / U);
      }
      this.cash.push({ c: acc.cash0 / U, idx: cashIdx, val: cashVal });
    }

    // Sign indicators only on split positions some row of the account rewards widening.
    for (const { i, plus, minus } of splitCols) {
      const a = Math.floor(i / nSlots);
      const k = i % nSlots;
      if (!this.templates.some((tp) => tp.account === a && tp.rewardsWidening[k])) continue;
      const z = b.addVar({ lower: 0, upper: 1, integer: true });
      this.positionModel[i] = 'split+sign';
      b.addRow([plus, z], [1, -this.plusUpper[i]! / U], -Infinity, 0);
      b.addRow([minus, z], [1, this.minusUpper[i]! / U], -Infinity, this.minusUpper[i]! / U);
    }

    // Headroom, soft and elastic columns.
    const wantsHeadroom = options.terms.some((t) => t.kind === 'headroom');
    const hasHard = this.templates.some((t) => !t.soft);
    this.headroomCol = wantsHeadroom && hasHard && options.elastic === 'none' ? b.addVar({ lower: 0, upper: 1e6 }) : -1;
    this.violationCol = new Int32Array(this.templates.length).fill(-1);
    this.elasticCountCol = new Int32Array(this.templates.length).fill(-1);
    this.templates.forEach((tp, i) => {
      if (tp.soft || options.elastic !== 'none') this.violationCol[i] = b.addVar({ lower: 0 });
      if (!tp.soft && options.elastic === 'count') {
        const e = this.violationCol[i]!;
        const w = b.addVar({ lower: 0, upper: 1, integer: true });
        this.elasticCountCol[i] = w;
        b.addRow([e, w], [1, -this.violationBound(tp)], -Infinity, 0);
      }
    });

    // Risk: CVaR epigraph per account.
    const risk = options.terms.find((t) => t.kind === 'risk');
    this.riskAlpha = risk && risk.kind === 'risk' ? risk.alpha : NaN;
    this.etaCol = new Int32Array(nAcc).fill(-1);
    if (risk && scenarios.count > 0) {
      for (let a = 0; a < nAcc; a++) this.etaCol[a] = b.addVar({ lower: -Infinity });
      if (options.risk === 'ru') this.addRockafellarUryasev();
    }
  }

  /** Count of sign indicators in the model. */
  get signIndicators(): number {
    return this.positionModel.filter((m) => m === 'split+sign').length;
  }

  get hullPositions(): number {
    return this.positionModel.filter((m) => m === 'hull').length;
  }

  /**
   * The position of account a in a security as the convex hull of its possible values: with the
   * m binary groups trading it, λ_T ≥ 0 for every subset T of them (Σ λ = 1, y_g = Σ_{T∋g} λ_T)
   * and P± = Σ_T λ_T·(pos₀ + Σ_{g∈T} q_g)±. At integral y exactly one λ is 1, so P⁺·P⁻ = 0 with
   * no sign indicator; at fractional y the split is the hull's, never wider — a big-M indicator
   * lets the relaxation widen the split almost for free, and minimum-balance books then needed
   * thousands of nodes.
   */
  private addPositionHull(i: number, a: number, pos: number, groups: readonly (readonly [number, number])[]): void {
    const b = this.builder;
    const U = this.unit;
    const m = groups.length;
    const n = 1 << m;
    const lambda0 = b.addVars(n, { lower: 0, upper: 1 });
    b.addRow(
      Array.from({ length: n }, (_, c) => lambda0 + c),
      new Array<number>(n).fill(1),
      1,
      1,
    );
    groups.forEach(([gi], j) => {
      const idx = [this.yCol[gi * this.nAcc + a]!];
      const val = [1];
      for (let c = 0; c < n; c++) {
        if (c & (1 << j)) {
          idx.push(lambda0 + c);
          val.push(-1);
        }
      }
      b.addRow(idx, val, 0, 0);
    });
    const plus = { c: 0, idx: [] as number[], val: [] as number[] };
    const minus = { c: 0, idx: [] as number[], val: [] as number[] };
    for (let c = 0; c < n; c++) {
      let P = pos;
      groups.forEach(([, q], j) => {
        if (c & (1 << j)) P += q;
      });
      if (P > 0) {
        plus.idx.push(lambda0 + c);
        plus.val.push(P / U);
      } else if (P < 0) {
        minus.idx.push(lambda0 + c);
        minus.val.push(-P / U);
      }
    }
    this.plus[i] = plus;
    this.minus[i] = minus;
  }

  /** Template i's row in scenario σ, oriented as ≤ and divided by the unit. */
  scenarioRow(i: number, sigma: number, tighten = 0): { idx: number[]; val: number[]; upper: number } {
    const tp = this.templates[i]!;
    const { nSlots } = this;
    const U = this.unit;
    const a = tp.account;
    const sg = tp.sense;
    const row = new RowAccumulator();
    // Money/U in terms of C/U and P±/U: the template's coefficients apply unchanged.
    row.add(this.cash[a]!, sg * tp.cashCoef);
    for (let k = 0; k < nSlots; k++) {
      const r = scenarioReturn(this.scenarios, sigma, this.traded.secs[k]!);
      row.add(this.plus[a * nSlots + k]!, sg * (tp.plusBase[k]! + tp.plusSens[k]! * r));
      row.add(this.minus[a * nSlots + k]!, sg * (tp.minusBase[k]! + tp.minusSens[k]! * r));
    }
    if (!tp.soft && this.headroomCol >= 0) row.col(this.headroomCol, tp.normaliser / U);
    const vc = this.violationCol[i]!;
    if (vc >= 0) row.col(vc, -tp.normaliser / U);
    const upper = (sg * (tp.rhs - rowConstant(tp, this.scenarios, sigma)) - tighten) / U - row.constant;
    return { idx: row.idx, val: row.val, upper };
  }

  /** Adds template i's row in scenario σ (again, tightened, when it is already present). */
  addScenarioRow(i: number, sigma: number, tighten = 0): number {
    const { idx, val, upper } = this.scenarioRow(i, sigma, tighten);
    const r = this.builder.addRow(idx, val, -Infinity, upper);
    this.present[i]!.set(sigma, r);
    return r;
  }

  /**
   * CVaR cut for account a from scenario weights w (w_σ ∈ [0, 1/t], Σ w = 1, σ ≥ 1):
   * η_a ≥ Σ_σ w_σ·L_a(σ), valid for every allocation because CVaR = max over such w.
   */
  addCvarCut(a: number, weights: ReadonlyMap<number, number>): number {
    const { nSlots, model } = this;
    const acc = model.accounts[a]!;
    // ρ_s = Σ_σ w_σ·r_σs; L = −Σ_s P_s·p_s/100·r  ⇒  Σ w L = −Σ_s ρ_s·p_s/100·P_s.
    const rho = new Float64Array(model.nSec);
    for (const [sigma, w] of weights) {
      const base = (sigma - 1) * this.scenarios.nSec;
      for (let s = 0; s < model.nSec; s++) rho[s]! += w * this.scenarios.returns[base + s]!;
    }
    const row = new RowAccumulator();
    row.col(this.etaCol[a]!, 1);
    let constant = 0;
    for (let s = 0; s < model.nSec; s++) {
      const g = (rho[s]! * model.price[s]!) / 100;
      if (g === 0) continue;
      const k = this.traded.slot[s]!;
      if (k >= 0) {
        row.add(this.plus[a * nSlots + k]!, g);
        row.add(this.minus[a * nSlots + k]!, -g);
      } else {
        constant -= g * acc.pos0[s]!;
      }
    }
    // η/U + Σ g·(P⁺ − P⁻)/U ≥ constant/U
    return this.builder.addRow(row.idx, row.val, constant / this.unit - row.constant, Infinity);
  }

  /** Extensive CVaR: η_a = ζ_a + Σ_σ u_aσ/t, u_aσ ≥ L_a(σ) − ζ_a, u ≥ 0, for every σ. */
  private addRockafellarUryasev(): void {
    const { nSlots, model, scenarios, builder: b } = this;
    const S = scenarios.count;
    const t = cvarTail(this.riskAlpha, S);
    for (let a = 0; a < this.nAcc; a++) {
      const acc = model.accounts[a]!;
      const zeta = b.addVar({ lower: -Infinity });
      const u0 = b.addVars(S, { lower: 0 });
      const idx = [this.etaCol[a]!, zeta];
      const val = [1, -1];
      for (let s = 0; s < S; s++) {
        idx.push(u0 + s);
        val.push(-1 / t);
      }
      b.addRow(idx, val, 0, 0);
      for (let sg = 1; sg <= S; sg++) {
        // u + ζ + Σ_traded p·r/100·(P⁺ − P⁻) ≥ −Σ_held p·r/100·pos₀
        const row = new RowAccumulator();
        row.col(u0 + sg - 1, 1);
        row.col(zeta, 1);
        let rhs = 0;
        for (let s = 0; s < model.nSec; s++) {
          const g = (model.price[s]! * scenarioReturn(scenarios, sg, s)) / 100;
          if (g === 0) continue;
          const k = this.traded.slot[s]!;
          if (k >= 0) {
            row.add(this.plus[a * nSlots + k]!, g);
            row.add(this.minus[a * nSlots + k]!, -g);
          } else {
            rhs -= g * acc.pos0[s]!;
          }
        }
        b.addRow(row.idx, row.val, rhs / this.unit - row.constant, Infinity);
      }
    }
  }

  /**
   * A bound on a hard row's normalised violation over the whole box of allocations (big-M of
   * the elastic count indicator): |g| can be no larger than Σ |coef|·bound in any scenario.
   */
  private violationBound(tp: RowTemplate): number {
    const { nSlots, scenarios } = this;
    const a = tp.account;
    let rMin = 0;
    let rMax = 0;
    for (let i = 0; i < scenarios.returns.length; i++) {
      const r = scenarios.returns[i]!;
      if (r < rMin) rMin = r;
      if (r > rMax) rMax = r;
    }
    const acc = this.model.accounts[a]!;
    let g = Math.abs(tp.cashCoef) * (Math.abs(acc.cash0) + this.cashRange.buy + this.cashRange.sell);
    for (let k = 0; k < nSlots; k++) {
      const cp = Math.max(Math.abs(tp.plusBase[k]! + tp.plusSens[k]! * rMin), Math.abs(tp.plusBase[k]! + tp.plusSens[k]! * rMax));
      const cm = Math.max(Math.abs(tp.minusBase[k]! + tp.minusSens[k]! * rMin), Math.abs(tp.minusBase[k]! + tp.minusSens[k]! * rMax));
      g += cp * this.plusUpper[a * nSlots + k]! + cm * this.minusUpper[a * nSlots + k]!;
    }
    let c = Math.abs(tp.constBase);
    for (let s = 0; s < this.model.nSec; s++) c += Math.abs(tp.constSens[s]!) * Math.max(-rMin, rMax);
    return (2 * (g + c + Math.abs(tp.rhs))) / tp.normaliser + 1;
  }

  /** Financing cost as a linear expression (money over the horizon). */
  financingExpr(): LinearExpr {
    const { model, nSlots } = this;
    const e = newExpr();
    const f = model.request.options.horizonDays / 360;
    for (let a = 0; a < this.nAcc; a++) {
      const acc = model.accounts[a]!;
      for (let s = 0; s < model.nSec; s++) {
        const dirty = (model.price[s]! + model.accrued[s]!) / 100;
        const rl = Number.isNaN(acc.rateLong[s]!) ? 0 : acc.rateLong[s]!;
        const rs = Number.isNaN(acc.rateShort[s]!) ? 0 : acc.rateShort[s]!;
        const k = this.traded.slot[s]!;
        if (k >= 0) {
          addAffine(e, this.plus[a * nSlots + k]!, rl * dirty * f * this.unit);
          addAffine(e, this.minus[a * nSlots + k]!, rs * dirty * f * this.unit);
        } else {
          const p = acc.pos0[s]!;
          e.constant += (p > 0 ? rl : -rs) * p * dirty * f;
        }
      }
    }
    return e;
  }

  /** Headroom t (to be maximised). */
  headroomExpr(): LinearExpr {
    const e = newExpr();
    if (this.headroomCol >= 0) addCoef(e, this.headroomCol, 1);
    return e;
  }

  riskExpr(): LinearExpr {
    const e = newExpr();
    for (const c of this.etaCol) if (c >= 0) addCoef(e, c, this.unit);
    return e;
  }

  softPenaltyExpr(): LinearExpr {
    const e = newExpr();
    this.templates.forEach((tp, i) => {
      if (tp.soft) addCoef(e, this.violationCol[i]!, tp.spec.softPenalty!);
    });
    return e;
  }

  /** Σ e (normalised elastic slack) or Σ w (count) of the elastic model. */
  elasticExpr(kind: 'size' | 'count'): LinearExpr {
    const e = newExpr();
    this.templates.forEach((tp, i) => {
      if (tp.soft) return;
      const c = kind === 'count' ? this.elasticCountCol[i]! : this.violationCol[i]!;
      if (c >= 0) addCoef(e, c, 1);
    });
    return e;
  }

  /** Dense cost vector of Σ factor·expr. */
  costVector(parts: readonly { expr: LinearExpr; factor: number }[]): { cost: Float64Array; offset: number } {
    const cost = new Float64Array(this.builder.nCols);
    let offset = 0;
    for (const { expr, factor } of parts) {
      for (const [c, v] of expr.coefs) cost[c]! += factor * v;
      offset += factor * expr.constant;
    }
    return { cost, offset };
  }

  /** Adds Σ factor·expr ≤ bound (a lexicographic level kept). */
  addBoundRow(parts: readonly { expr: LinearExpr; factor: number }[], bound: number): number {
    const { cost, offset } = this.costVector(parts);
    const idx: number[] = [];
    const val: number[] = [];
    cost.forEach((v, c) => {
      if (v !== 0) {
        idx.push(c);
        val.push(v);
      }
    });
    return this.builder.addRow(idx, val, -Infinity, bound - offset);
  }

  /** Rows appended since the previous call (for extending a live HiGHS session). */
  takeNewRows(): ReturnType<ModelBuilder['rowsFrom']> {
    const block = this.builder.rowsFrom(this.rowMark);
    this.rowMark = this.builder.nRows;
    return block;
  }

  /** Marks every current row as sent (after opening a session on the built model). */
  markAllSent(): void {
    this.rowMark = this.builder.nRows;
  }

  /** Quantities (trade × account, face) from a solution vector, with lots rounded to integers. */
  quantitiesFrom(x: Float64Array): Float64Array {
    const { model, nAcc } = this;
    const q = new Float64Array(model.nTrade * nAcc);
    this.options.groups.forEach((g, gi) => {
      const raw = Array.from({ length: nAcc }, (_, a) => x[this.yCol[gi * nAcc + a]!]!);
      const y = roundPreservingSum(raw, g.units);
      for (const t of g.trades) {
        for (let a = 0; a < nAcc; a++) q[t * nAcc + a] = (model.tradeQty[t]! * y[a]!) / g.units;
      }
    });
    return q;
  }
}

function newExpr(): LinearExpr {
  return { coefs: new Map(), constant: 0 };
}

function addCoef(e: LinearExpr, col: number, v: number): void {
  if (v !== 0) e.coefs.set(col, (e.coefs.get(col) ?? 0) + v);
}

function addAffine(e: LinearExpr, a: Affine, factor: number): void {
  if (factor === 0) return;
  e.constant += factor * a.c;
  for (let j = 0; j < a.idx.length; j++) addCoef(e, a.idx[j]!, factor * a.val[j]!);
}

/** Largest number of binary groups on one (account, security) modelled by its hull (2^m λ columns). */
export const HULL_MAX_GROUPS = 6;

/** A power of ten near the median trade size (1 without trades): the model's unit of face and money. */
export function chooseUnit(model: AllocationModel): number {
  if (model.nTrade === 0) return 1;
  const q = Array.from(model.tradeQty).sort((a, b) => a - b);
  const median = q[Math.floor(q.length / 2)]!;
  return 10 ** Math.max(0, Math.floor(Math.log10(median)));
}

/** Rounds non-negative values to integers with a given integer total (largest remainder). */
export function roundPreservingSum(values: readonly number[], total: number): number[] {
  const floor = values.map((v) => Math.max(0, Math.floor(v + 1e-7)));
  let left = total - floor.reduce((s, v) => s + v, 0);
  const order = values.map((v, i) => ({ i, r: v - floor[i]! })).sort((p, q) => q.r - p.r);
  for (const { i } of order) {
    if (left <= 0) break;
    floor[i]! += 1;
    left -= 1;
  }
  while (left < 0) {
    // Only possible when values overshoot the total: take from the largest.
    let k = 0;
    floor.forEach((v, i) => (v > floor[k]! ? (k = i) : 0));
    floor[k]! -= 1;
    left += 1;
  }
  return floor;
}
