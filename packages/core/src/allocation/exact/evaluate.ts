/**
 * Evaluates the MIP's row templates and each account's scenario losses at an incumbent, in every
 * scenario at once, through the scenario kernels (one dense product: holders = rows + accounts,
 * items = securities). This is the "evaluate the candidate in all scenarios" step of
 * constraint generation. It reads positions and cash recomputed from the rounded allocation,
 * never the solver's P⁺/P⁻, so the split it sees is exact.
 */
import { evaluateScenariosDense } from '@keel/solver-native/kernels';
import { buildAccountStates } from '../model.js';
import type { AccountState } from '../model.js';
import type { AllocationFormulation } from './formulation.js';

export interface IncumbentValues {
  readonly states: readonly AccountState[];
  /** templates × (S + 1): g of template i in scenario σ (σ = 0 base). */
  readonly rowValues: Float64Array;
  /** nAcc × S: loss L_a(σ) = −Σ_s P·p·r/100 for σ = 1..S. */
  readonly losses: Float64Array;
  readonly width: number;
}

export function evaluateIncumbent(form: AllocationFormulation, quantities: Float64Array): IncumbentValues {
  const { model, scenarios, templates, traded } = form;
  const states = buildAccountStates(model, quantities);
  const N = model.nSec;
  const S = scenarios.count;
  const W = S + 1;
  const K = templates.length + model.nAcc;
  const h = new Float64Array(K * N);
  const base = new Float64Array(templates.length);
  templates.forEach((tp, i) => {
    const st = states[tp.account]!;
    let v = tp.cashCoef * st.cash + tp.constBase;
    for (let s = 0; s < N; s++) {
      const k = traded.slot[s]!;
      if (k < 0) {
        h[i * N + s] = tp.constSens[s]!;
        continue;
      }
      const P = st.positions[s]!;
      const plus = Math.max(P, 0);
      const minus = Math.max(-P, 0);
      v += tp.plusBase[k]! * plus + tp.minusBase[k]! * minus;
      h[i * N + s] = tp.plusSens[k]! * plus + tp.minusSens[k]! * minus;
    }
    base[i] = v;
  });
  states.forEach((st, a) => {
    const row = templates.length + a;
    for (let s = 0; s < N; s++) h[row * N + s] = (-st.positions[s]! * model.price[s]!) / 100;
  });
  const sweep =
    S > 0 && N > 0
      ? evaluateScenariosDense({ items: N, holders: K, scenarios: S, holderWeights: h, scenarioValues: scenarios.returns })
          .values
      : new Float64Array(K * S);
  const rowValues = new Float64Array(templates.length * W);
  for (let i = 0; i < templates.length; i++) {
    const b = base[i]!;
    rowValues[i * W] = b;
    for (let s = 0; s < S; s++) rowValues[i * W + 1 + s] = b + sweep[i * S + s]!;
  }
  const losses = sweep.slice(templates.length * S);
  return { states, rowValues, losses, width: W };
}

/** The even split (every trade shared equally): a cheap reference point for the pre-screen. */
export function evenSplit(form: AllocationFormulation): Float64Array {
  const { model } = form;
  const q = new Float64Array(model.nTrade * model.nAcc);
  for (let t = 0; t < model.nTrade; t++) {
    for (let a = 0; a < model.nAcc; a++) q[t * model.nAcc + a] = model.tradeQty[t]! / model.nAcc;
  }
  return q;
}
