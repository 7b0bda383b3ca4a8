/**
 * Constraint rows of the allocation MIP, compiled once per (account, constraint) into a template
 * that is cheap to instantiate in any scenario σ and cheap to evaluate at an incumbent in all
 * scenarios at once.
 *
 * Variables per account a: post-trade cash C_a and, for each *traded* security s, the split
 * P⁺_{a,s}, P⁻_{a,s} ≥ 0 with P = P⁺ − P⁻. Securities held but never traded have a fixed
 * position, so their contribution is a constant of the row. With π_s(σ) = (p_s(1 + r_σs) + c_s)/100
 * (dirty scenario price per unit face) and metric coefficients (model.ts) summed with the
 * constraint's coefficients (g = Σ_i coef_i·M_i):
 *
 *   g(σ) = cashCoef·C_a + Σ_s [plusBase_s + plusSens_s·r_σs]·P⁺_s + [minusBase_s + minusSens_s·r_σs]·P⁻_s
 *          + constBase + Σ_{s held only} constSens_s·r_σs
 *
 *   plus  = Σ coef·((mv + gross + long)·π + dv01·dv01_s/100)      (a long unit)
 *   minus = Σ coef·((−mv + gross + short)·π − dv01·dv01_s/100)    (a short unit)
 *
 * which is exact when P⁺·P⁻ = 0 (see `rewardsWidening`).
 */
import type { AllocationModel, CompiledAccount, CompiledConstraint } from '../model.js';
import type { ScenarioSet } from '../types.js';

export interface RowTemplate {
  readonly account: number;
  readonly constraint: number;
  readonly spec: CompiledConstraint;
  /** `<=` rows: g ≤ rhs. `>=` rows: g ≥ rhs. */
  readonly sense: 1 | -1; // +1 for <=, −1 for >=
  readonly rhs: number;
  readonly normaliser: number;
  readonly soft: boolean;
  readonly cashCoef: number;
  /** Per traded slot (see `tradedSecurities`). */
  readonly plusBase: Float64Array;
  readonly plusSens: Float64Array;
  readonly minusBase: Float64Array;
  readonly minusSens: Float64Array;
  readonly constBase: number;
  /** Per security (length nSec), non-zero only for held-but-not-traded securities. */
  readonly constSens: Float64Array;
  /** True when the row's value changes with scenario returns. */
  readonly scenarioDependent: boolean;
  /** Per traded slot: widening the split (P⁺ + δ, P⁻ + δ) loosens this row. */
  readonly rewardsWidening: Uint8Array;
}

/** Securities that some trade touches, in ascending order, and the slot of each security. */
export function tradedSecurities(model: AllocationModel): { secs: Int32Array; slot: Int32Array } {
  const slot = new Int32Array(model.nSec).fill(-1);
  const list: number[] = [];
  for (let t = 0; t < model.nTrade; t++) {
    const s = model.tradeSec[t]!;
    if (slot[s] === -1) {
      slot[s] = 0;
      list.push(s);
    }
  }
  list.sort((a, b) => a - b);
  list.forEach((s, k) => (slot[s] = k));
  return { secs: Int32Array.from(list), slot };
}

export function compileRowTemplates(
  model: AllocationModel,
  traded: { secs: Int32Array; slot: Int32Array },
): RowTemplate[] {
  const out: RowTemplate[] = [];
  model.accounts.forEach((acc, a) => {
    acc.constraints.forEach((c, ci) => out.push(compileRow(model, acc, a, c, ci, traded)));
  });
  return out;
}

function compileRow(
  model: AllocationModel,
  acc: CompiledAccount,
  a: number,
  c: CompiledConstraint,
  ci: number,
  traded: { secs: Int32Array; slot: Int32Array },
): RowTemplate {
  const nT = traded.secs.length;
  const plusBase = new Float64Array(nT);
  const plusSens = new Float64Array(nT);
  const minusBase = new Float64Array(nT);
  const minusSens = new Float64Array(nT);
  const constSens = new Float64Array(model.nSec);
  const widen = new Float64Array(nT);
  let cashCoef = 0;
  let constBase = 0;
  for (const { metric, coef } of c.rows) {
    const m = acc.metrics[metric]!;
    cashCoef += coef * m.cash;
    for (let s = 0; s < model.nSec; s++) {
      const p = model.price[s]! / 100;
      const dirty = (model.price[s]! + model.accrued[s]!) / 100;
      const d = (m.dv01[s]! * model.dv01[s]!) / 100;
      const up = m.mv[s]! + m.gross[s]! + m.long[s]!;
      const dn = -m.mv[s]! + m.gross[s]! + m.short[s]!;
      const k = traded.slot[s]!;
      if (k >= 0) {
        plusBase[k]! += coef * (up * dirty + d);
        plusSens[k]! += coef * up * p;
        minusBase[k]! += coef * (dn * dirty - d);
        minusSens[k]! += coef * dn * p;
        widen[k]! += coef * (2 * m.gross[s]! + m.long[s]! + m.short[s]!);
      } else {
        const pos = acc.pos0[s]!;
        if (pos === 0) continue;
        const e = pos > 0 ? up * pos : -dn * pos;
        constBase += coef * (e * dirty + d * pos);
        constSens[s]! += coef * e * p;
      }
    }
  }
  const sense = c.op === '<=' ? 1 : -1;
  const rewardsWidening = new Uint8Array(nT);
  // Widening by δ changes g by δ·widen·π(σ) with π > 0: it loosens a `<=` row when widen < 0
  // and a `>=` row when widen > 0 (e.g. a minimum gross balance).
  for (let k = 0; k < nT; k++) rewardsWidening[k] = sense * widen[k]! < -1e-15 ? 1 : 0;
  let scenarioDependent = false;
  for (let k = 0; k < nT; k++) if (plusSens[k] !== 0 || minusSens[k] !== 0) scenarioDependent = true;
  for (let s = 0; s < model.nSec; s++) if (constSens[s] !== 0) scenarioDependent = true;
  return {
    account: a,
    constraint: ci,
    spec: c,
    sense,
    rhs: c.rhs,
    normaliser: c.normaliser,
    soft: c.softPenalty !== undefined,
    cashCoef,
    plusBase,
    plusSens,
    minusBase,
    minusSens,
    constBase,
    constSens,
    scenarioDependent,
    rewardsWidening,
  };
}

/** Return of security s in scenario σ (σ = 0: base). */
export function scenarioReturn(scenarios: ScenarioSet, sigma: number, s: number): number {
  return sigma === 0 ? 0 : scenarios.returns[(sigma - 1) * scenarios.nSec + s]!;
}

/** The row's constant in scenario σ. */
export function rowConstant(row: RowTemplate, scenarios: ScenarioSet, sigma: number): number {
  let v = row.constBase;
  if (sigma === 0) return v;
  const base = (sigma - 1) * scenarios.nSec;
  for (let s = 0; s < scenarios.nSec; s++) {
    const w = row.constSens[s]!;
    if (w !== 0) v += w * scenarios.returns[base + s]!;
  }
  return v;
}
