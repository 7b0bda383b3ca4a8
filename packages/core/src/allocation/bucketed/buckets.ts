/**
 * Seed 02's pre-bucketing: trades likely to offset each other are tied together so the MIP
 * assigns them to one account as a unit.
 *
 * 1. Split the trades into longs (buys) and shorts (sells) per security type.
 * 2. Same security: greedily pair a buy with the sell of the closest quantity (ties by trade
 *    order) until one side runs out — the pair nets inside whichever account receives it.
 * 3. The residual longs and shorts (any type) are matched by an assignment problem on a
 *    mismatch cost (below), solved by the Hungarian algorithm. The matrix is padded to square
 *    with dummies: a long can take a dummy short and a short a dummy long at θ/2 each, so a real
 *    pair is formed only when its mismatch is below θ (leaving both unmatched costs θ).
 * 4. Every trade not in a pair is its own bucket.
 *
 * Mismatch of long i and short j (each term normalised to ~1 for a poor hedge):
 *   w_dv01·|DV01_i − DV01_j| / max(DV01_i, DV01_j)      DV01 = q·dv01/100 (money per bp)
 * + w_dur·|D_i − D_j| / max(D_i, D_j, 1)
 * + w_type·[type_i ≠ type_j]
 * + w_risk·sd(ΔV_i − ΔV_j) / (sd ΔV_i + sd ΔV_j)            over the scenario set (hedge residual)
 * The weights are the seed's "weights of my own choosing": dv01 and risk dominate because they
 * are what a pair offsets in every constraint; type matters through type-specific margins.
 */
import { solveAssignment } from '@keel/solver-native/assignment';
import type { AllocationModel } from '../model.js';
import type { ScenarioSet } from '../types.js';
import type { TradeGroup } from '../exact/formulation.js';

export interface BucketingSettings {
  readonly weights: { readonly dv01: number; readonly duration: number; readonly type: number; readonly risk: number };
  /** A residual pair is formed only when its mismatch is below this. */
  readonly threshold: number;
}

export const DEFAULT_BUCKETING: BucketingSettings = Object.freeze({
  weights: Object.freeze({ dv01: 1, duration: 0.5, type: 0.5, risk: 1 }),
  threshold: 1,
});

export type BucketKind = 'same-security' | 'matched' | 'single';

export interface Bucket {
  readonly kind: BucketKind;
  readonly trades: readonly number[];
  /** Mismatch cost for 'matched' pairs (0 otherwise). */
  readonly mismatch: number;
}

export interface Bucketing {
  readonly buckets: readonly Bucket[];
  /** MIP groups: pairs move whole; singles keep their lots when splitting is allowed. */
  readonly groups: readonly TradeGroup[];
  readonly stats: { readonly sameSecurity: number; readonly matched: number; readonly single: number; readonly mismatch: number };
}

export function buildBuckets(
  model: AllocationModel,
  scenarios: ScenarioSet,
  settings: BucketingSettings = DEFAULT_BUCKETING,
): Bucketing {
  const buckets: Bucket[] = [];
  const used = new Uint8Array(model.nTrade);

  // 2. Same-security pairs, per security (the type split is implied: a security has one type).
  const bySec = new Map<number, { buys: number[]; sells: number[] }>();
  for (let t = 0; t < model.nTrade; t++) {
    const s = model.tradeSec[t]!;
    const e = bySec.get(s) ?? { buys: [], sells: [] };
    (model.tradeSign[t]! > 0 ? e.buys : e.sells).push(t);
    bySec.set(s, e);
  }
  for (const { buys, sells } of bySec.values()) {
    const b = [...buys];
    const s = [...sells];
    while (b.length > 0 && s.length > 0) {
      let best: [number, number] = [0, 0];
      let bestGap = Infinity;
      b.forEach((tb, i) =>
        s.forEach((ts, j) => {
          const gap = Math.abs(model.tradeQty[tb]! - model.tradeQty[ts]!);
          if (gap < bestGap) {
            bestGap = gap;
            best = [i, j];
          }
        }),
      );
      const tb = b.splice(best[0], 1)[0]!;
      const ts = s.splice(best[1], 1)[0]!;
      used[tb] = used[ts] = 1;
      buckets.push({ kind: 'same-security', trades: [tb, ts].sort((x, y) => x - y), mismatch: 0 });
    }
  }

  // 3. Residual longs vs shorts by the Hungarian algorithm.
  const longs: number[] = [];
  const shorts: number[] = [];
  for (let t = 0; t < model.nTrade; t++) if (!used[t]) (model.tradeSign[t]! > 0 ? longs : shorts).push(t);
  const p = longs.length;
  const q = shorts.length;
  if (p > 0 && q > 0) {
    const cost = mismatchMatrix(model, scenarios, longs, shorts, settings);
    const n = p + q;
    const padded = new Float64Array(n * n);
    const half = settings.threshold / 2;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const realL = i < p;
        const realS = j < q;
        padded[i * n + j] = realL && realS ? cost[i * q + j]! : realL || realS ? half : 0;
      }
    }
    const { rowToCol } = solveAssignment(padded, n, n);
    for (let i = 0; i < p; i++) {
      const j = rowToCol[i]!;
      if (j < 0 || j >= q) continue;
      const c = cost[i * q + j]!;
      if (c >= settings.threshold) continue; // equal cost to leaving both alone: keep them apart
      const tl = longs[i]!;
      const ts = shorts[j]!;
      used[tl] = used[ts] = 1;
      buckets.push({ kind: 'matched', trades: [tl, ts].sort((x, y) => x - y), mismatch: c });
    }
  }

  // 4. Everything else alone.
  for (let t = 0; t < model.nTrade; t++) if (!used[t]) buckets.push({ kind: 'single', trades: [t], mismatch: 0 });
  buckets.sort((x, y) => x.trades[0]! - y.trades[0]!);

  const groups: TradeGroup[] = buckets.map((b) =>
    b.trades.length === 1 ? { trades: b.trades, units: model.tradeLots[b.trades[0]!]! } : { trades: b.trades, units: 1 },
  );
  const count = (k: BucketKind) => buckets.filter((b) => b.kind === k).length;
  return {
    buckets,
    groups,
    stats: {
      sameSecurity: count('same-security'),
      matched: count('matched'),
      single: count('single'),
      mismatch: buckets.reduce((s, b) => s + b.mismatch, 0),
    },
  };
}

/** p × q mismatch costs (row-major) between residual longs and shorts. */
export function mismatchMatrix(
  model: AllocationModel,
  scenarios: ScenarioSet,
  longs: readonly number[],
  shorts: readonly number[],
  settings: BucketingSettings,
): Float64Array {
  const w = settings.weights;
  const S = scenarios.count;
  const duration = model.request.securities.map((s) => s.duration ?? 0);
  const info = (t: number) => {
    const s = model.tradeSec[t]!;
    const q = model.tradeQty[t]!;
    // Value change per scenario of the trade's position, sign-free (a long and a short of the
    // same exposure offset when their changes are equal).
    const dv = new Float64Array(S);
    let mean = 0;
    for (let k = 0; k < S; k++) {
      dv[k] = (q * model.price[s]! * scenarios.returns[k * scenarios.nSec + s]!) / 100;
      mean += dv[k]!;
    }
    mean /= Math.max(S, 1);
    let v = 0;
    for (let k = 0; k < S; k++) v += (dv[k]! - mean) ** 2;
    return { dv01: (q * model.dv01[s]!) / 100, dur: duration[s]!, type: model.secType[s]!, dv, sd: Math.sqrt(v / Math.max(S, 1)) };
  };
  const L = longs.map(info);
  const Sh = shorts.map(info);
  const out = new Float64Array(longs.length * shorts.length);
  L.forEach((a, i) => {
    Sh.forEach((b, j) => {
      let c = w.dv01 * (Math.abs(a.dv01 - b.dv01) / Math.max(a.dv01, b.dv01, 1e-12));
      c += w.duration * (Math.abs(a.dur - b.dur) / Math.max(a.dur, b.dur, 1));
      c += w.type * (a.type === b.type ? 0 : 1);
      if (S > 1 && a.sd + b.sd > 0) {
        let mean = 0;
        for (let k = 0; k < S; k++) mean += a.dv[k]! - b.dv[k]!;
        mean /= S;
        let v = 0;
        for (let k = 0; k < S; k++) v += (a.dv[k]! - b.dv[k]! - mean) ** 2;
        c += w.risk * (Math.sqrt(v / S) / (a.sd + b.sd));
      }
      out[i * shorts.length + j] = c;
    });
  });
  return out;
}
