/**
 * Incremental state for greedy placement: post-trade positions and cash, every constraint's
 * slack in every scenario, and per-account scenario losses (for the risk term).
 *
 * Moving quantity q of trade t (security s) into account a changes only P[a,s] and cash[a];
 * every metric then changes by α + β·R[σ,s] (see model.ts), so every constraint's slack by
 * A + B·R[σ,s]. A move is checked without a scan when the bound
 *   min_σ slack(σ) + A + min(B·rmin_s, B·rmax_s)   (rmin/rmax over σ, base r = 0 included)
 * already decides it; otherwise one pass over the S + 1 scenarios does.
 */
import { exposure } from '../metrics.js';
import type { AllocationModel } from '../model.js';
import { cvarTail, objectiveScales, positionFinancing, type ObjectiveScales } from '../objective.js';
import { selectLargest } from '../../select-largest.js';
import type { ScenarioSet } from '../types.js';

/**
 * `objective`: costs are objective deltas. `feasibility`: a log-barrier on each hard
 * constraint's normalised headroom comes first (estimated at the constraint's current worst
 * scenario), steering trades away from tight accounts; the objective breaks ties.
 */
export type GreedyMode = 'objective' | 'feasibility';

/** Headroom below which the barrier is flat (violations are counted separately). */
const BARRIER_FLOOR = 1e-4;
const barrier = (h: number) => -Math.log(Math.max(h, BARRIER_FLOOR));

export interface MoveEval {
  /** No hard constraint's violation increases (with none violated before, all still hold). */
  readonly acceptable: boolean;
  /** Change of Σ normalised hard violations (≤ 0 when acceptable). */
  readonly dViolation: number;
  /** Change of each objective level (weighted sum, or one per lexicographic level). */
  readonly dLevels: Float64Array;
}

export class GreedyState {
  readonly model: AllocationModel;
  readonly S: number;
  readonly W: number;
  readonly P: Float64Array;
  readonly cash: Float64Array;
  /** Per account: nConstraints × W slack (negative = violated). */
  readonly slack: Float64Array[];
  /** Per account: min over σ of each constraint's slack, and the σ where it is reached. */
  readonly minSlack: Float64Array[];
  readonly argMin: Int32Array[];
  /** Per account: S scenario losses (only when the risk term is used). */
  readonly losses: Float64Array[] | null;
  readonly cvar: Float64Array;
  /** Per account: weight of each constraint's violation (raised by repair's breakout steps). */
  readonly violationWeight: Float64Array[];
  /** Scenario returns transposed (nSec × S) for contiguous per-security scans. */
  private readonly Rt: Float64Array;
  private readonly rmin: Float64Array;
  private readonly rmax: Float64Array;
  readonly scales: ObjectiveScales;
  /** Objective levels: which term (or 'weighted') each level of dLevels is. */
  readonly levels: readonly ('weighted' | 'financingCost' | 'headroom' | 'risk')[];
  private readonly weights: { financingCost: number; headroom: number; risk: number };
  private readonly riskAlpha: number;
  private readonly useHeadroom: boolean;
  private readonly useRisk: boolean;
  private readonly hasSoft: boolean;

  constructor(model: AllocationModel, scenarios: ScenarioSet, initialSlack: Float64Array[]) {
    this.model = model;
    const S = scenarios.count;
    const N = model.nSec;
    this.S = S;
    this.W = S + 1;
    this.P = new Float64Array(model.nAcc * N);
    this.cash = new Float64Array(model.nAcc);
    model.accounts.forEach((acc, a) => {
      this.P.set(acc.pos0, a * N);
      this.cash[a] = acc.cash0;
    });
    this.slack = initialSlack;
    this.argMin = model.accounts.map((acc) => new Int32Array(acc.constraints.length));
    this.minSlack = model.accounts.map((acc, a) => {
      const out = new Float64Array(acc.constraints.length);
      for (let c = 0; c < out.length; c++) {
        const k = argMinOf(initialSlack[a]!, c * this.W, this.W);
        out[c] = initialSlack[a]![c * this.W + k]!;
        this.argMin[a]![c] = k;
      }
      return out;
    });
    this.violationWeight = model.accounts.map((acc) => new Float64Array(acc.constraints.length).fill(1));
    this.Rt = new Float64Array(N * S);
    this.rmin = new Float64Array(N);
    this.rmax = new Float64Array(N);
    for (let s = 0; s < N; s++) {
      let lo = 0;
      let hi = 0;
      for (let k = 0; k < S; k++) {
        const r = scenarios.returns[k * N + s]!;
        this.Rt[s * S + k] = r;
        if (r < lo) lo = r;
        if (r > hi) hi = r;
      }
      this.rmin[s] = lo;
      this.rmax[s] = hi;
    }
    this.scales = objectiveScales(model);
    const obj = model.request.objective;
    const w = { financingCost: 0, headroom: 0, risk: 0 };
    let alpha = 0.95;
    for (const t of obj.terms) {
      w[t.kind] = obj.lexicographic ? 1 : t.weight;
      if (t.kind === 'risk') alpha = t.alpha;
    }
    this.weights = w;
    this.riskAlpha = alpha;
    this.levels = obj.lexicographic ? obj.terms.map((t) => t.kind) : ['weighted'];
    this.useHeadroom = w.headroom > 0;
    this.useRisk = w.risk > 0 && S > 0;
    this.hasSoft = model.accounts.some((a) => a.constraints.some((c) => c.softPenalty !== undefined));
    this.cvar = new Float64Array(model.nAcc);
    if (this.useRisk) {
      this.losses = model.accounts.map((acc) => {
        const L = new Float64Array(S);
        for (let s = 0; s < N; s++) {
          const p = acc.pos0[s]!;
          if (p === 0) continue;
          const k = (-p * model.price[s]!) / 100;
          for (let j = 0; j < S; j++) L[j]! += k * this.Rt[s * S + j]!;
        }
        return L;
      });
      this.losses.forEach((L, a) => (this.cvar[a] = cvarOf(L, this.riskAlpha)));
    } else {
      this.losses = null;
    }
  }

  /** Per constraint of account a: slack change A + B·R[σ,s] for adding dq face of trade t. */
  private slackDelta(a: number, t: number, dq: number) {
    const m = this.model;
    const acc = m.accounts[a]!;
    const s = m.tradeSec[t]!;
    const dP = m.tradeSign[t]! * dq;
    const p0 = this.P[a * m.nSec + s]!;
    const p1 = p0 + dP;
    const dCash = -dP * m.tradeCashPerFace[t]!;
    const dirty = (m.price[s]! + m.accrued[s]!) / 100;
    const clean = m.price[s]! / 100;
    const alpha = new Float64Array(acc.metrics.length);
    const beta = new Float64Array(acc.metrics.length);
    acc.metrics.forEach((mt, i) => {
      const de = exposure(mt, s, p1) - exposure(mt, s, p0);
      alpha[i] = mt.cash * dCash + de * dirty + (mt.dv01[s]! * dP * m.dv01[s]!) / 100;
      beta[i] = de * clean;
    });
    const A = new Float64Array(acc.constraints.length);
    const B = new Float64Array(acc.constraints.length);
    acc.constraints.forEach((c, ci) => {
      const sign = c.op === '<=' ? -1 : 1;
      let x = 0;
      let y = 0;
      for (const r of c.rows) {
        x += r.coef * alpha[r.metric]!;
        y += r.coef * beta[r.metric]!;
      }
      A[ci] = sign * x;
      B[ci] = sign * y;
    });
    return { s, p0, p1, A, B };
  }

  /** Exact min over σ of slack + A + B·R[σ,s]. */
  private scanMin(a: number, c: number, s: number, A: number, B: number): number {
    const sl = this.slack[a]!;
    const o = c * this.W;
    const r = this.Rt;
    const ro = s * this.S;
    let min = sl[o]! + A;
    for (let k = 0; k < this.S; k++) {
      const v = sl[o + 1 + k]! + A + B * r[ro + k]!;
      if (v < min) min = v;
    }
    return min;
  }

  /** Evaluates adding dq face (negative: removing) of trade t to account a. */
  /**
   * `quick`: the caller only uses acceptable moves, so the first hard constraint that turns
   * violated ends the evaluation (its dViolation is then +∞ and dLevels are not filled).
   */
  evaluate(a: number, t: number, dq: number, mode: GreedyMode = 'objective', quick = false): MoveEval {
    const m = this.model;
    const acc = m.accounts[a]!;
    const { s, p0, p1, A, B } = this.slackDelta(a, t, dq);
    let acceptable = true;
    let dViolation = 0;
    let dSoft = 0;
    let newHeadroomA = Infinity;
    const mins = this.minSlack[a]!;
    const lowR = this.rmin[s]!;
    const highR = this.rmax[s]!;
    const needHeadroom = this.useHeadroom;
    for (let c = 0; c < acc.constraints.length; c++) {
      const con = acc.constraints[c]!;
      const old = mins[c]!;
      const lb = old + A[c]! + Math.min(B[c]! * lowR, B[c]! * highR);
      const soft = con.softPenalty !== undefined;
      let newMin: number;
      if (lb >= 0 && old >= 0 && !(needHeadroom && !soft)) {
        continue; // stays satisfied and nothing else needs the exact value
      } else if (quick && old >= 0 && !soft) {
        // Try the constraint's current worst scenario first: it usually decides.
        const k = this.argMin[a]![c]!;
        const atWorst = old + A[c]! + (k === 0 ? 0 : B[c]! * this.Rt[s * this.S + k - 1]!);
        newMin = atWorst < 0 ? atWorst : this.scanMin(a, c, s, A[c]!, B[c]!);
        if (newMin < 0) return { acceptable: false, dViolation: Infinity, dLevels: new Float64Array(this.levels.length + (mode === 'feasibility' ? 1 : 0)) };
      } else {
        newMin = this.scanMin(a, c, s, A[c]!, B[c]!);
      }
      const vOld = Math.max(0, -old) / con.normaliser;
      const vNew = Math.max(0, -newMin) / con.normaliser;
      if (soft) {
        dSoft += con.softPenalty! * (vNew - vOld);
      } else {
        if (vNew > vOld + 1e-15) acceptable = false;
        dViolation += this.violationWeight[a]![c]! * (vNew - vOld);
        if (needHeadroom) newHeadroomA = Math.min(newHeadroomA, newMin / con.normaliser);
      }
    }

    const off = mode === 'feasibility' ? 1 : 0;
    const dLevels = new Float64Array(this.levels.length + off);
    if (off) {
      let d = 0;
      const args = this.argMin[a]!;
      for (let c = 0; c < acc.constraints.length; c++) {
        const con = acc.constraints[c]!;
        if (con.softPenalty !== undefined) continue;
        const k = args[c]!;
        const est = mins[c]! + A[c]! + (k === 0 ? 0 : B[c]! * this.Rt[s * this.S + k - 1]!);
        d += barrier(est / con.normaliser) - barrier(mins[c]! / con.normaliser);
      }
      dLevels[0] = d;
    }
    const add = (kind: 'financingCost' | 'headroom' | 'risk' | 'soft', v: number) => {
      if (this.levels.length === 1) dLevels[off]! += v;
      else {
        const i = kind === 'soft' ? 0 : this.levels.indexOf(kind);
        if (i >= 0) dLevels[off + i]! += v;
      }
    };
    if (this.weights.financingCost > 0) {
      const df = positionFinancing(m, a, s, p1) - positionFinancing(m, a, s, p0);
      add('financingCost', (this.weights.financingCost * df) / this.scales.financingCost);
    }
    if (needHeadroom) {
      add('headroom', -this.weights.headroom * this.headroomChange(a, newHeadroomA));
    }
    if (this.useRisk) {
      const L = this.losses![a]!;
      const dP = p1 - p0;
      const k = (-dP * m.price[s]!) / 100;
      const tmp = new Float64Array(this.S);
      const ro = s * this.S;
      for (let j = 0; j < this.S; j++) tmp[j] = L[j]! + k * this.Rt[ro + j]!;
      add('risk', (this.weights.risk * (cvarOf(tmp, this.riskAlpha) - this.cvar[a]!)) / this.scales.risk);
    }
    if (this.hasSoft) add('soft', dSoft);
    return { acceptable, dViolation, dLevels };
  }

  /**
   * Evaluates several changes to account a at once (e.g. one side of a swap: a chunk out, another
   * in), in `objective` mode. Changes on the same security are netted first, since |P| is not
   * additive; each constraint's slack then moves by A + Σ_j B_j·R[σ, s_j].
   */
  evaluateChanges(a: number, changes: readonly { readonly t: number; readonly dq: number }[], quick = false): MoveEval {
    const m = this.model;
    const acc = m.accounts[a]!;
    const secs: number[] = [];
    const dPs: number[] = [];
    let dCash = 0;
    for (const ch of changes) {
      const s = m.tradeSec[ch.t]!;
      const d = m.tradeSign[ch.t]! * ch.dq;
      let j = secs.indexOf(s);
      if (j < 0) {
        j = secs.push(s) - 1;
        dPs.push(0);
      }
      dPs[j]! += d;
      dCash -= d * m.tradeCashPerFace[ch.t]!;
    }
    const J = secs.length;
    const K = acc.metrics.length;
    const alpha = new Float64Array(K);
    const beta = new Float64Array(K * J);
    acc.metrics.forEach((mt, i) => {
      let al = mt.cash * dCash;
      for (let j = 0; j < J; j++) {
        const s = secs[j]!;
        const p0 = this.P[a * m.nSec + s]!;
        const de = exposure(mt, s, p0 + dPs[j]!) - exposure(mt, s, p0);
        al += (de * (m.price[s]! + m.accrued[s]!)) / 100 + (mt.dv01[s]! * dPs[j]! * m.dv01[s]!) / 100;
        beta[i * J + j] = (de * m.price[s]!) / 100;
      }
      alpha[i] = al;
    });
    const C = acc.constraints.length;
    const A = new Float64Array(C);
    const B = new Float64Array(C * J);
    acc.constraints.forEach((c, ci) => {
      const sign = c.op === '<=' ? -1 : 1;
      for (const r of c.rows) {
        A[ci]! += sign * r.coef * alpha[r.metric]!;
        for (let j = 0; j < J; j++) B[ci * J + j]! += sign * r.coef * beta[r.metric * J + j]!;
      }
    });
    const scan = (c: number): number => {
      const sl = this.slack[a]!;
      const o = c * this.W;
      let min = sl[o]! + A[c]!;
      for (let k = 0; k < this.S; k++) {
        let v = sl[o + 1 + k]! + A[c]!;
        for (let j = 0; j < J; j++) v += B[c * J + j]! * this.Rt[secs[j]! * this.S + k]!;
        if (v < min) min = v;
      }
      return min;
    };
    const levels = this.levels.length;
    let acceptable = true;
    let dViolation = 0;
    let dSoft = 0;
    let newHeadroomA = Infinity;
    const mins = this.minSlack[a]!;
    for (let c = 0; c < C; c++) {
      const con = acc.constraints[c]!;
      const old = mins[c]!;
      const soft = con.softPenalty !== undefined;
      let lb = old + A[c]!;
      for (let j = 0; j < J; j++) {
        const b = B[c * J + j]!;
        lb += Math.min(b * this.rmin[secs[j]!]!, b * this.rmax[secs[j]!]!);
      }
      if (lb >= 0 && old >= 0 && !(this.useHeadroom && !soft)) continue;
      if (quick && old >= 0 && !soft) {
        const k = this.argMin[a]![c]!;
        let atWorst = old + A[c]!;
        if (k > 0) for (let j = 0; j < J; j++) atWorst += B[c * J + j]! * this.Rt[secs[j]! * this.S + k - 1]!;
        if (atWorst < 0 || scan(c) < 0) return { acceptable: false, dViolation: Infinity, dLevels: new Float64Array(levels) };
      }
      const newMin = scan(c);
      const vOld = Math.max(0, -old) / con.normaliser;
      const vNew = Math.max(0, -newMin) / con.normaliser;
      if (soft) dSoft += con.softPenalty! * (vNew - vOld);
      else {
        if (vNew > vOld + 1e-15) acceptable = false;
        dViolation += this.violationWeight[a]![c]! * (vNew - vOld);
        if (this.useHeadroom) newHeadroomA = Math.min(newHeadroomA, newMin / con.normaliser);
      }
    }
    const dLevels = new Float64Array(levels);
    const add = (kind: 'financingCost' | 'headroom' | 'risk' | 'soft', v: number) => {
      if (levels === 1) dLevels[0]! += v;
      else {
        const i = kind === 'soft' ? 0 : this.levels.indexOf(kind);
        if (i >= 0) dLevels[i]! += v;
      }
    };
    if (this.weights.financingCost > 0) {
      let df = 0;
      for (let j = 0; j < J; j++) {
        const p0 = this.P[a * m.nSec + secs[j]!]!;
        df += positionFinancing(m, a, secs[j]!, p0 + dPs[j]!) - positionFinancing(m, a, secs[j]!, p0);
      }
      add('financingCost', (this.weights.financingCost * df) / this.scales.financingCost);
    }
    if (this.useHeadroom) {
      add('headroom', -this.weights.headroom * this.headroomChange(a, newHeadroomA));
    }
    if (this.useRisk) {
      const tmp = Float64Array.from(this.losses![a]!);
      for (let j = 0; j < J; j++) {
        const k = (-dPs[j]! * m.price[secs[j]!]!) / 100;
        const ro = secs[j]! * this.S;
        for (let q = 0; q < this.S; q++) tmp[q]! += k * this.Rt[ro + q]!;
      }
      add('risk', (this.weights.risk * (cvarOf(tmp, this.riskAlpha) - this.cvar[a]!)) / this.scales.risk);
    }
    if (this.hasSoft) add('soft', dSoft);
    return { acceptable, dViolation, dLevels };
  }

  /**
   * Financing change (money) of swapping chunk (t1, q1) in account a1 with chunk (t2, q2) in a2:
   * each account loses its chunk and gains the other; same-security chunks net.
   */
  swapFinancingDelta(a1: number, t1: number, q1: number, a2: number, t2: number, q2: number): number {
    const m = this.model;
    const side = (a: number, tOut: number, qOut: number, tIn: number, qIn: number) => {
      const sOut = m.tradeSec[tOut]!;
      const sIn = m.tradeSec[tIn]!;
      const dOut = -m.tradeSign[tOut]! * qOut;
      const dIn = m.tradeSign[tIn]! * qIn;
      const P = (s: number) => this.P[a * m.nSec + s]!;
      if (sOut === sIn) return positionFinancing(m, a, sOut, P(sOut) + dOut + dIn) - positionFinancing(m, a, sOut, P(sOut));
      return (
        positionFinancing(m, a, sOut, P(sOut) + dOut) - positionFinancing(m, a, sOut, P(sOut)) +
        positionFinancing(m, a, sIn, P(sIn) + dIn) - positionFinancing(m, a, sIn, P(sIn))
      );
    };
    return side(a1, t1, q1, t2, q2) + side(a2, t2, q2, t1, q1);
  }

  /** Change of the book's headroom (a global min over accounts) when account a's becomes `next`. */
  private headroomChange(a: number, next: number): number {
    let others = Infinity;
    let current = Infinity;
    for (let b = 0; b < this.model.nAcc; b++) {
      const hb = this.accountHeadroom(b);
      current = Math.min(current, hb);
      if (b !== a) others = Math.min(others, hb);
    }
    return Math.min(others, next) - current;
  }

  /** Smallest normalised hard slack of account a (∞ without hard constraints). */
  accountHeadroom(a: number): number {
    const acc = this.model.accounts[a]!;
    let h = Infinity;
    acc.constraints.forEach((c, ci) => {
      if (c.softPenalty === undefined) h = Math.min(h, this.minSlack[a]![ci]! / c.normaliser);
    });
    return h;
  }

  /** Applies adding dq face of trade t to account a. */
  apply(a: number, t: number, dq: number): void {
    const m = this.model;
    const { s, p0, p1, A, B } = this.slackDelta(a, t, dq);
    const sl = this.slack[a]!;
    const W = this.W;
    const ro = s * this.S;
    for (let c = 0; c < A.length; c++) {
      const o = c * W;
      sl[o]! += A[c]!;
      let min = sl[o]!;
      let arg = 0;
      for (let k = 0; k < this.S; k++) {
        const v = (sl[o + 1 + k]! += A[c]! + B[c]! * this.Rt[ro + k]!);
        if (v < min) {
          min = v;
          arg = k + 1;
        }
      }
      this.minSlack[a]![c] = min;
      this.argMin[a]![c] = arg;
    }
    this.P[a * m.nSec + s] = p1;
    this.cash[a]! -= (p1 - p0) * m.tradeCashPerFace[t]!;
    if (this.losses) {
      const L = this.losses[a]!;
      const k = (-(p1 - p0) * m.price[s]!) / 100;
      for (let j = 0; j < this.S; j++) L[j]! += k * this.Rt[ro + j]!;
      this.cvar[a] = cvarOf(L, this.riskAlpha);
    }
  }

  /** Σ normalised hard violations over all accounts (weighted by violationWeight if asked). */
  totalViolation(weighted = false): number {
    let v = 0;
    this.model.accounts.forEach((acc, a) =>
      acc.constraints.forEach((c, ci) => {
        if (c.softPenalty !== undefined) return;
        const w = weighted ? this.violationWeight[a]![ci]! : 1;
        v += (w * Math.max(0, -this.minSlack[a]![ci]!)) / c.normaliser;
      }),
    );
    return v;
  }

  /** Breakout step: raise the weight of every violated hard constraint. */
  bumpViolatedWeights(factor: number): void {
    this.model.accounts.forEach((acc, a) =>
      acc.constraints.forEach((c, ci) => {
        if (c.softPenalty === undefined && this.minSlack[a]![ci]! < 0) this.violationWeight[a]![ci]! *= factor;
      }),
    );
  }
}

function argMinOf(x: Float64Array, from: number, n: number): number {
  let m = Infinity;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (x[from + i]! < m) {
      m = x[from + i]!;
      k = i;
    }
  }
  return k;
}

/** CVaR (same definition as objective.ts) by quickselect of the tail, O(S) on average. */
export function cvarOf(losses: Float64Array, alpha: number): number {
  const S = losses.length;
  if (S === 0) return 0;
  const t = cvarTail(alpha, S);
  const m = Math.max(1, Math.ceil(t));
  const a = Float64Array.from(losses);
  // a[0..m-1] hold the m largest (unordered); kth is the m-th largest.
  const kth = selectLargest(a, m);
  let sum = 0;
  for (let i = 0; i < m; i++) sum += a[i]!;
  // Same weights as evaluateCvar: exactly the worst loss when m = 1.
  return (sum - kth) / t + ((t - (m - 1)) / t) * kth;
}
