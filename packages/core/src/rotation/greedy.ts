import { compareSymbols } from '../orders/orders-from-targets.js';
import { sectorCapOf, type OptimizationConfig } from './config.js';
import type { EngineResult, GreedyInfo, ReasonCode, RotationChange, RotationName, RotationState } from './types.js';

/**
 * Seed 05's greedy top-K rotation with hysteresis ("drop green / buy better / cut low performer").
 * Long-only, O(N log N) (one sort by z; everything else is a linear pass), deterministic: ranks
 * are by z descending with ties broken by symbol, and every loop runs in rank order.
 *
 * Sizing: every name in the book targets one slot, `slot = min(investable / K, per_name_cap)`,
 * `investable = budget ?? min(max_net_exposure, max_gross_exposure)`. A full book (K names)
 * therefore invests exactly the budget when budget / K ≤ per_name_cap; unfilled slots stay in
 * cash (Σw = budget exactly is the QP's job). A sector over its cap is scaled down pro rata.
 *
 * Rules, in order, for each current holding:
 *  1. `stop_atr`: price ≤ (highPrice ?? entryPrice) − k_ATR · ATR.
 *  2. `timeout`: heldMinutes > Tmax_min and price − entryPrice < min_progress_atr · ATR.
 *  3. `cut_low_score`: z < z_cut.
 *  4. `cut_rank`: rank > K_sell. Holds ranked in (K, K_sell] stay (`hold_in_band`): the band.
 * The seed writes rule 3–4 as one rule, `rank > K_sell and z < z_cut`; we split it so that K_sell
 * bounds the book's ranks and z_cut/z_keep form a second band in score (buy above z_keep, cut
 * below z_cut), each rule with its own code.
 * Then buys, in rank order, of names with rank ≤ K_buy and z > z_keep: into a free slot
 * (`buy_top_rank`), or, with the book full, replacing the worst hold ranked beyond K when
 * `z_j − z_i ≥ delta_z_min` and `utility = (z_j − z_i) − γ (c_i + c_j) > τ_U`
 * (`rotate_utility`; the units of the QP objective per unit of weight moved).
 * Restricted names never trade; a trade above max_adv_participation · ADV is blocked (needs
 * state.nav); a name cooling down is not bought; each refusal is recorded with its code.
 */
export function solveGreedyRotation(
  universe: readonly RotationName[],
  config: OptimizationConfig,
  state: Pick<RotationState, 'nav'> = {},
): EngineResult<GreedyInfo> {
  const t0 = performance.now();
  const n = universe.length;
  const c = config;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const ua = universe[a]!;
    const ub = universe[b]!;
    return ub.z - ua.z || compareSymbols(ua.symbol, ub.symbol);
  });
  const rank = new Int32Array(n);
  order.forEach((i, r) => (rank[i] = r + 1));

  const investable = Math.max(0, c.budget ?? Math.min(c.max_net_exposure, c.max_gross_exposure));
  const slot = Math.min(investable / c.K, c.per_name_cap);
  const nav = state.nav;
  const liquidityChecked = nav !== undefined;
  const blockedByLiquidity = (u: RotationName, delta: number): boolean =>
    nav !== undefined && u.adv !== undefined && Math.abs(delta) * nav > c.max_adv_participation * u.adv * (1 + 1e-12);

  const target = Float64Array.from(universe, (u) => u.weight);
  const reasonOf = new Map<number, { reason: ReasonCode; pair?: string; utility?: number }>();
  const inBook = new Uint8Array(n); // 1 = held after this cycle
  const frozen = new Uint8Array(n); // held but may not trade (restricted / illiquid)
  const exited = new Uint8Array(n); // sold this cycle: not bought back in the same cycle
  const note = (i: number, reason: ReasonCode, extra: { pair?: string; utility?: number } = {}) => reasonOf.set(i, { reason, ...extra });

  const sell = (i: number, reason: ReasonCode): boolean => {
    const u = universe[i]!;
    if (u.restricted) {
      note(i, 'blocked_restricted');
      return false;
    }
    if (blockedByLiquidity(u, u.weight)) {
      note(i, 'blocked_liquidity');
      return false;
    }
    target[i] = 0;
    exited[i] = 1;
    note(i, reason);
    return true;
  };

  // 1. Exits of current holdings (and shorts, which a long-only engine closes).
  for (const i of order) {
    const u = universe[i]!;
    if (u.weight < 0) {
      if (!sell(i, 'close_short')) frozen[i] = 1;
      continue;
    }
    if (u.weight === 0) continue;
    inBook[i] = 1;
    const why = exitReason(u, rank[i]!, c);
    if (why && sell(i, why)) inBook[i] = 0;
    else if (why) frozen[i] = 1;
    else if (u.restricted) frozen[i] = 1; // kept, but its weight cannot move either
  }

  // 2. A book larger than K (an oversized input book) sheds its worst-ranked names.
  let bookSize = 0;
  for (let i = 0; i < n; i++) bookSize += inBook[i]!;
  for (let r = n - 1; r >= 0 && bookSize > c.K; r--) {
    const i = order[r]!;
    if (!inBook[i] || frozen[i]) continue;
    if (sell(i, 'cut_excess')) {
      inBook[i] = 0;
      bookSize--;
    } else frozen[i] = 1;
  }

  // Sector room, counting every kept hold at the weight it will have (a slot, or frozen as is).
  const sectorSum = new Map<string, number>();
  const addSector = (i: number, w: number) => {
    const s = universe[i]!.sector;
    if (s !== undefined) sectorSum.set(s, (sectorSum.get(s) ?? 0) + w);
  };
  for (let i = 0; i < n; i++) if (inBook[i]) addSector(i, frozen[i] ? universe[i]!.weight : slot);
  const sectorHasRoom = (i: number, freed = 0): boolean => {
    const s = universe[i]!.sector;
    if (s === undefined) return true;
    return (sectorSum.get(s) ?? 0) - freed + slot <= sectorCapOf(c, s) + 1e-12;
  };

  // 3. Buys into free slots, then rotations against the worst holds ranked beyond K.
  const victims = order.filter((i) => inBook[i] && !frozen[i] && rank[i]! > c.K && !blockedByLiquidity(universe[i]!, universe[i]!.weight));
  let v = victims.length - 1; // worst (highest rank) first
  for (const j of order) {
    if (rank[j]! > c.K_buy) break;
    const uj = universe[j]!;
    if (inBook[j] || exited[j] || !(uj.z > c.z_keep)) continue;
    const gate = (freedSector: number): ReasonCode | null => {
      if (uj.restricted) return 'blocked_restricted';
      if (uj.cooldownMinutes > 0) return 'blocked_cooldown';
      if (!sectorHasRoom(j, freedSector)) return 'blocked_sector';
      if (blockedByLiquidity(uj, slot - uj.weight)) return 'blocked_liquidity';
      return null;
    };
    if (bookSize < c.K) {
      const g = gate(0);
      if (g) {
        note(j, g);
        continue;
      }
      target[j] = slot;
      inBook[j] = 1;
      bookSize++;
      addSector(j, slot);
      note(j, 'buy_top_rank');
      continue;
    }
    if (v < 0) break; // book full, nothing left that may be rotated out
    const i = victims[v]!;
    const ui = universe[i]!;
    const dz = uj.z - ui.z;
    const utility = dz - c.gamma_cost * (ui.cost + uj.cost);
    if (!(dz >= c.delta_z_min && utility > c.tau_utility)) continue;
    const g = gate(ui.sector !== undefined && ui.sector === uj.sector ? slot : 0);
    if (g) {
      note(j, g);
      continue;
    }
    target[i] = 0;
    inBook[i] = 0;
    exited[i] = 1;
    addSector(i, -slot);
    target[j] = slot;
    inBook[j] = 1;
    addSector(j, slot);
    note(i, 'rotate_utility', { pair: uj.symbol, utility });
    note(j, 'rotate_utility', { pair: ui.symbol, utility });
    v--;
  }

  // 4. Size the kept holds to a slot (rebalance), record the band at work.
  for (let i = 0; i < n; i++) {
    if (!inBook[i] || frozen[i] || reasonOf.has(i)) continue;
    const u = universe[i]!;
    if (blockedByLiquidity(u, slot - u.weight)) {
      note(i, 'blocked_liquidity');
      frozen[i] = 1;
      continue;
    }
    target[i] = slot;
    if (rank[i]! > c.K) note(i, 'hold_in_band');
    else if (Math.abs(slot - u.weight) > 1e-12) note(i, 'rebalance');
  }

  // 5. Sector caps: scale the movable names of a sector over its cap down pro rata.
  const capBreaches: string[] = [];
  const bySector = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const s = universe[i]!.sector;
    if (s !== undefined && target[i]! > 0) bySector.set(s, [...(bySector.get(s) ?? []), i]);
  }
  for (const s of [...bySector.keys()].sort(compareSymbols)) {
    const idx = bySector.get(s)!;
    const cap = sectorCapOf(c, s);
    let fixed = 0;
    let movable = 0;
    for (const i of idx) (frozen[i] ? (fixed += target[i]!) : (movable += target[i]!));
    if (fixed + movable <= cap + 1e-12) continue;
    const room = Math.max(0, cap - fixed);
    const scale = movable > 0 ? room / movable : 0;
    for (const i of idx) {
      if (frozen[i]) continue;
      target[i] = target[i]! * scale;
      if (target[i] === 0 && universe[i]!.weight > 0) exited[i] = 1;
      note(i, 'trim_cap');
    }
    if (fixed > cap + 1e-12) capBreaches.push(`sector ${s}: ${fixed} held by names that cannot trade > cap ${cap}`);
  }
  for (let i = 0; i < n; i++) {
    if (target[i]! > c.per_name_cap + 1e-12) capBreaches.push(`${universe[i]!.symbol}: ${target[i]} > per_name_cap ${c.per_name_cap} (cannot trade)`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += target[i]!;
  if (total > investable + 1e-9) capBreaches.push(`Σw = ${total} > investable ${investable} (names that cannot trade)`);

  const changes: RotationChange[] = [];
  const reasonCounts: Partial<Record<ReasonCode, number>> = {};
  for (const [i, r] of reasonOf) {
    const u = universe[i]!;
    changes.push({ symbol: u.symbol, from: u.weight, to: target[i]!, reason: r.reason, rank: rank[i]!, ...(r.pair ? { pair: r.pair, utility: r.utility! } : {}) });
    reasonCounts[r.reason] = (reasonCounts[r.reason] ?? 0) + 1;
  }
  changes.sort((a, b) => compareSymbols(a.symbol, b.symbol));
  bookSize = 0;
  for (let i = 0; i < n; i++) if (target[i]! > 0) bookSize++;
  return {
    targets: target,
    changes,
    info: {
      engine: 'greedy',
      slotWeight: slot,
      investable,
      bookSize,
      reasonCounts,
      capBreaches,
      liquidityChecked,
      timeMs: performance.now() - t0,
    },
  };
}

/** The first exit rule that fires for a long holding, or null. */
export function exitReason(u: RotationName, rank: number, c: OptimizationConfig): ReasonCode | null {
  if (u.price !== undefined && u.atr !== undefined && u.entryPrice !== undefined) {
    const reference = u.highPrice ?? u.entryPrice;
    if (u.price <= reference - c.k_ATR * u.atr) return 'stop_atr';
  }
  if (u.heldMinutes !== undefined && u.heldMinutes > c.Tmax_min && u.price !== undefined && u.entryPrice !== undefined) {
    if (u.price - u.entryPrice < c.min_progress_atr * (u.atr ?? 0)) return 'timeout';
  }
  if (u.z < c.z_cut) return 'cut_low_score';
  if (rank > c.K_sell) return 'cut_rank';
  return null;
}
