/**
 * The allocation MIP (MODELS.md §1) built on the generic model builder, with every index the
 * strategies need to add scenario rows, CVaR cuts and lexicographic bounds later.
 *
 * Columns (fixed once built; constraint generation only appends rows):
 *   y[g,a]     assignment of group g to account a: binary (a whole trade or bucket), or integer
 *              lots 0..L_g with allowSplit; Σ_a y[g,a] = L_g. Trade t of group g gets
 *              q_t·y[g,a]/L_g face.
 *   P⁺, P⁻     per account and traded security, ≥ 0, bounded by the largest long / short the
 *              trades can produce; P⁺ − P⁻ = pos₀ + Σ_t sign_t·q_t·y/L  (one equality row each).
 *   C_a        post-trade cash; C_a + Σ_t sign_t·q_t·(p_t + c_t)/100·y/L = cash₀.
 *   z[a,s]     sign indicator, ONLY where a row of account a rewards a wider split of s (a `>=`
 *              rule on gross/long/short such as a minimum balance, or a `<=` rule in which gross
 *              enters negatively, e.g. a ratio's denominator): P⁺ ≤ U⁺·z, P⁻ ≤ U⁻·(1 − z).
 *              Everywhere else the split is exact at an optimum without them: financing rates
 *              satisfy long + short ≥ 0 (parse.ts), so widening never lowers the cost, and it
 *              tightens or leaves unchanged every other row; adding binaries there would only
 *              slow the search.
 *   t          headroom (when the objective has it): every hard row carries +n_c·t, so
 *              t ≤ min slack/n_c; t ≥ 0 keeps the hard rows hard.
 *   v[a,c]     soft violation (normalised) of a soft constraint; penalty·v in the objective.
 *   e[a,c]     elastic slack of a hard constraint (elastic mode only), with a binary w[a,c]
 *              when the count of relaxed constraints is minimised.
 *   η_a        CVaR epigraph (risk term): η_a ≥ cuts (cutting-plane mode) or
 *              η_a = ζ_a + Σ_σ u_aσ / t with u_aσ ≥ L_a(σ) − ζ_a (Rockafellar–Uryasev, extensive).
 *
 * Scenario rows of constraint c in scenario σ (row templates in rows.ts), oriented as ≤:
 *   sense·g(σ) + n_c·t − n_c·(v or e) ≤ sense·(rhs − const(σ))
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

/** A linear expression over the columns plus a constant. */
export interface LinearExpr {
  readonly coefs: Map<number, number>;
  constant: number;
}

const addTo = (e: LinearExpr, col: number, v: number) => {
  if (v !== 0) e.coefs.set(col, (e.coefs.get(col) ?? 0) + v);
};

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
  /** y column of (group, account): yCol[g·nAcc + a]. */
  readonly yCol: Int32Array;
  readonly plusCol: Int32Array; // [a·nSlots + k]
  readonly minusCol: Int32Array;
  readonly cashCol: Int32Array;
  readonly plusUpper: Float64Array;
  readonly minusUpper: Float64Array;
  /** Sign-indicator column per (a, k), −1 where none. */
  readonly signCol: Int32Array;
  readonly headroomCol: number;
  /** Per template: soft violation column (soft) or elastic column (elastic mode), else −1. */
  readonly violationCol: Int32Array;
  readonly elasticCountCol: Int32Array;
  readonly etaCol: Int32Array;
  readonly riskAlpha: number;
  /** Scenario rows present, per template: σ → model row. */
  readonly present: Map<number, number>[];
  /** Rows appended since the last `takeNewRows`. */
  private rowMark = 0;

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

    // Largest long / short each account can reach in each traded security.
    const buys = new Float64Array(nSlots);
    const sells = new Float64Array(nSlots);
    for (let t = 0; t < model.nTrade; t++) {
      const k = this.traded.slot[model.tradeSec[t]!]!;
      if (model.tradeSign[t]! > 0) buys[k]! += model.tradeQty[t]!;
      else sells[k]! += model.tradeQty[t]!;
    }
    this.plusCol = new Int32Array(nAcc * nSlots);
    this.minusCol = new Int32Array(nAcc * nSlots);
    this.plusUpper = new Float64Array(nAcc * nSlots);
    this.minusUpper = new Float64Array(nAcc * nSlots);
    this.signCol = new Int32Array(nAcc * nSlots).fill(-1);
    this.cashCol = new Int32Array(nAcc);
    let buyCash = 0;
    let sellCash = 0;
    for (let t = 0; t < model.nTrade; t++) {
      const v = model.tradeQty[t]! * model.tradeCashPerFace[t]!;
      if (model.tradeSign[t]! > 0) buyCash += v;
      else sellCash += v;
    }
    for (let a = 0; a < nAcc; a++) {
      const acc = model.accounts[a]!;
      for (let k = 0; k < nSlots; k++) {
        const pos = acc.pos0[this.traded.secs[k]!]!;
        const up = Math.max(0, pos + buys[k]!);
        const dn = Math.max(0, -pos + sells[k]!);
        this.plusUpper[a * nSlots + k] = up;
        this.minusUpper[a * nSlots + k] = dn;
        this.plusCol[a * nSlots + k] = b.addVar({ lower: 0, upper: up });
        this.minusCol[a * nSlots + k] = b.addVar({ lower: 0, upper: dn });
      }
      this.cashCol[a] = b.addVar({ lower: acc.cash0 - buyCash, upper: acc.cash0 + sellCash });
    }

    // Position and cash balance rows.
    const groupOf = new Int32Array(model.nTrade);
    options.groups.forEach((g, gi) => g.trades.forEach((t) => (groupOf[t] = gi)));
    for (let a = 0; a < nAcc; a++) {
      const acc = model.accounts[a]!;
      const posIdx: number[][] = Array.from({ length: nSlots }, () => []);
      const posVal: number[][] = Array.from({ length: nSlots }, () => []);
      const cashIdx: number[] = [this.cashCol[a]!];
      const cashVal: number[] = [1];
      for (let t = 0; t < model.nTrade; t++) {
        const gi = groupOf[t]!;
        const units = options.groups[gi]!.units;
        const col = this.yCol[gi * nAcc + a]!;
        const q = (model.tradeSign[t]! * model.tradeQty[t]!) / units;
        const k = this.traded.slot[model.tradeSec[t]!]!;
        posIdx[k]!.push(col);
        posVal[k]!.push(-q);
        cashIdx.push(col);
        cashVal.push(q * model.tradeCashPerFace[t]!);
      }
      for (let k = 0; k < nSlots; k++) {
        const pos = acc.pos0[this.traded.secs[k]!]!;
        b.addRow(
          [this.plusCol[a * nSlots + k]!, this.minusCol[a * nSlots + k]!, ...posIdx[k]!],
          [1, -1, ...posVal[k]!],
          pos,
          pos,
        );
      }
      b.addRow(cashIdx, cashVal, acc.cash0, acc.cash0);
    }

    // Sign indicators only where some row of the account rewards a wider split.
    for (const tp of this.templates) {
      const a = tp.account;
      for (let k = 0; k < nSlots; k++) {
        const i = a * nSlots + k;
        if (!tp.rewardsWidening[k] || this.signCol[i] !== -1) continue;
        const up = this.plusUpper[i]!;
        const dn = this.minusUpper[i]!;
        if (up <= 0 || dn <= 0) continue; // one side is fixed at 0 already
        const z = b.addVar({ lower: 0, upper: 1, integer: true });
        this.signCol[i] = z;
        b.addRow([this.plusCol[i]!, z], [1, -up], -Infinity, 0);
        b.addRow([this.minusCol[i]!, z], [1, dn], -Infinity, dn);
      }
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

  /** Coefficients of the hard-constraint row template i in scenario σ, as a ≤ row. */
  scenarioRow(i: number, sigma: number, tighten = 0): { idx: number[]; val: number[]; upper: number } {
    const tp = this.templates[i]!;
    const { nSlots } = this;
    const a = tp.account;
    const idx: number[] = [];
    const val: number[] = [];
    const sg = tp.sense;
    if (tp.cashCoef !== 0) {
      idx.push(this.cashCol[a]!);
      val.push(sg * tp.cashCoef);
    }
    for (let k = 0; k < nSlots; k++) {
      const r = scenarioReturn(this.scenarios, sigma, this.traded.secs[k]!);
      const cp = tp.plusBase[k]! + tp.plusSens[k]! * r;
      const cm = tp.minusBase[k]! + tp.minusSens[k]! * r;
      if (cp !== 0) {
        idx.push(this.plusCol[a * nSlots + k]!);
        val.push(sg * cp);
      }
      if (cm !== 0) {
        idx.push(this.minusCol[a * nSlots + k]!);
        val.push(sg * cm);
      }
    }
    if (!tp.soft && this.headroomCol >= 0) {
      idx.push(this.headroomCol);
      val.push(tp.normaliser);
    }
    const vc = this.violationCol[i]!;
    if (vc >= 0) {
      idx.push(vc);
      val.push(-tp.normaliser);
    }
    const upper = sg * (tp.rhs - rowConstant(tp, this.scenarios, sigma)) - tighten;
    return { idx, val, upper };
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
    const idx = [this.etaCol[a]!];
    const val = [1];
    let constant = 0;
    for (let s = 0; s < model.nSec; s++) {
      const g = (rho[s]! * model.price[s]!) / 100;
      if (g === 0) continue;
      const k = this.traded.slot[s]!;
      if (k >= 0) {
        idx.push(this.plusCol[a * nSlots + k]!, this.minusCol[a * nSlots + k]!);
        val.push(g, -g);
      } else {
        constant -= g * acc.pos0[s]!;
      }
    }
    // η + Σ g·(P⁺ − P⁻) ≥ constant
    return this.builder.addRow(idx, val, constant, Infinity);
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
        const ri = [u0 + sg - 1, zeta];
        const rv = [1, 1];
        let rhs = 0;
        for (let s = 0; s < model.nSec; s++) {
          const g = (model.price[s]! * scenarioReturn(scenarios, sg, s)) / 100;
          if (g === 0) continue;
          const k = this.traded.slot[s]!;
          if (k >= 0) {
            ri.push(this.plusCol[a * nSlots + k]!, this.minusCol[a * nSlots + k]!);
            rv.push(g, -g);
          } else {
            rhs -= g * acc.pos0[s]!;
          }
        }
        b.addRow(ri, rv, rhs, Infinity);
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
    let buy = 0;
    let sell = 0;
    for (let t = 0; t < this.model.nTrade; t++) {
      const v = this.model.tradeQty[t]! * this.model.tradeCashPerFace[t]!;
      if (this.model.tradeSign[t]! > 0) buy += v;
      else sell += v;
    }
    let g = 0;
    g += Math.abs(tp.cashCoef) * (Math.abs(acc.cash0) + buy + sell);
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
    const e: LinearExpr = { coefs: new Map(), constant: 0 };
    const f = model.request.options.horizonDays / 360;
    for (let a = 0; a < this.nAcc; a++) {
      const acc = model.accounts[a]!;
      for (let s = 0; s < model.nSec; s++) {
        const dirty = (model.price[s]! + model.accrued[s]!) / 100;
        const rl = Number.isNaN(acc.rateLong[s]!) ? 0 : acc.rateLong[s]!;
        const rs = Number.isNaN(acc.rateShort[s]!) ? 0 : acc.rateShort[s]!;
        const k = this.traded.slot[s]!;
        if (k >= 0) {
          addTo(e, this.plusCol[a * nSlots + k]!, rl * dirty * f);
          addTo(e, this.minusCol[a * nSlots + k]!, rs * dirty * f);
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
    const e: LinearExpr = { coefs: new Map(), constant: 0 };
    if (this.headroomCol >= 0) addTo(e, this.headroomCol, 1);
    return e;
  }

  riskExpr(): LinearExpr {
    const e: LinearExpr = { coefs: new Map(), constant: 0 };
    for (const c of this.etaCol) if (c >= 0) addTo(e, c, 1);
    return e;
  }

  softPenaltyExpr(): LinearExpr {
    const e: LinearExpr = { coefs: new Map(), constant: 0 };
    this.templates.forEach((tp, i) => {
      if (tp.soft) addTo(e, this.violationCol[i]!, tp.spec.softPenalty!);
    });
    return e;
  }

  /** Σ e (normalised elastic slack) and Σ w (count) for the elastic model. */
  elasticExpr(kind: 'size' | 'count'): LinearExpr {
    const e: LinearExpr = { coefs: new Map(), constant: 0 };
    this.templates.forEach((tp, i) => {
      if (tp.soft) return;
      const c = kind === 'count' ? this.elasticCountCol[i]! : this.violationCol[i]!;
      if (c >= 0) addTo(e, c, 1);
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

  /** Adds Σ factor·expr ≤ bound (lexicographic level kept). */
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
      // Round to integers while keeping Σ_a y = L: largest remainders get the leftover.
      const raw = Array.from({ length: nAcc }, (_, a) => x[this.yCol[gi * nAcc + a]!]!);
      const y = roundPreservingSum(raw, g.units);
      for (const t of g.trades) {
        for (let a = 0; a < nAcc; a++) q[t * nAcc + a] = (model.tradeQty[t]! * y[a]!) / g.units;
      }
    });
    return q;
  }
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
