import { minutesSinceOpen, type OptimizationConfig } from './config.js';
import type { DecisionReason, PolicyDecision, RotationName, RotationState } from './types.js';

/**
 * The policy layer of seed 05: compute every interval, trade only when a trigger fires.
 *
 * Order of evaluation:
 *  1. Kill switch: `halt` → no trade at all; `flatten` → trade every position to zero.
 *  2. The engine's answer must be usable (the QP's status `optimal`), else no trade.
 *  3. Triggers, any of which allows trading: portfolio drift ‖w_t − w‖₁ > portfolio_drift_threshold,
 *     a name's drift |w_t,i − w_i| > name_drift_threshold, a scheduled window (minute within
 *     [window, window + window_minutes) since the open), a vol spike (state.volSpike, or a held
 *     or targeted name's vol above vol_spike_ratio × its baselineVol) — the risk override that
 *     trades outside the schedule.
 *  4. Bands, name by name, when trading: a name whose spread is above spread_blowout_ratio ×
 *     baselineSpreadBps is not traded (spread blowout); a resize within no_trade_band is not
 *     traded. Entries and exits (from or to zero) are never banded away.
 * The decision lists every trigger that fired; `trade` is false when none did or when the bands
 * left nothing to trade.
 */

export interface PolicyOutcome {
  readonly decision: PolicyDecision;
  /** Weights to trade toward: the engine's targets after bands and overrides. */
  readonly tradeTargets: Float64Array;
}

export function inScheduledWindow(config: OptimizationConfig, minute: number | undefined): boolean {
  if (minute === undefined) return false;
  return config.windows.some((w) => {
    const start = minutesSinceOpen(config, w);
    return minute >= start && minute < start + config.window_minutes;
  });
}

export function decideTrade(
  universe: readonly RotationName[],
  targets: Float64Array,
  config: OptimizationConfig,
  state: RotationState,
  engineUsable = true,
): PolicyOutcome {
  const n = universe.length;
  const current = Float64Array.from(universe, (u) => u.weight);
  const drift = (t: Float64Array) => {
    let l1 = 0;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.abs(t[i]! - current[i]!);
      l1 += d;
      max = Math.max(max, d);
    }
    return { l1, max };
  };
  const none = (reasons: DecisionReason[], t: Float64Array = targets): PolicyOutcome => {
    const d = drift(t);
    return { decision: { trade: false, reasons, portfolioDrift: d.l1, maxNameDrift: d.max, heldBack: [] }, tradeTargets: current };
  };

  if (state.killSwitch) {
    if (state.killSwitchAction === 'halt') return none(['kill_switch']);
    const flat = new Float64Array(n);
    const d = drift(flat);
    return { decision: { trade: d.l1 > 0, reasons: ['kill_switch_flatten'], portfolioDrift: d.l1, maxNameDrift: d.max, heldBack: [] }, tradeTargets: flat };
  }
  if (!engineUsable) return none(['engine_not_optimal']);

  const d = drift(targets);
  const reasons: DecisionReason[] = [];
  if (d.l1 > config.portfolio_drift_threshold) reasons.push('portfolio_drift');
  if (d.max > config.name_drift_threshold) reasons.push('name_drift');
  if (inScheduledWindow(config, state.minute)) reasons.push('scheduled_window');
  const spiking = universe.some((u, i) => (current[i] !== 0 || targets[i] !== 0) && u.vol !== undefined && u.baselineVol !== undefined && u.vol > config.vol_spike_ratio * u.baselineVol);
  if (state.volSpike || spiking) reasons.push('vol_spike');
  if (reasons.length === 0) return none(['no_trigger']);

  const trade = Float64Array.from(targets);
  const heldBack: { symbol: string; reason: 'no_trade_band' | 'spread_blowout' }[] = [];
  let changed = false;
  for (let i = 0; i < n; i++) {
    const u = universe[i]!;
    const from = current[i]!;
    const to = targets[i]!;
    if (to === from) continue;
    if (u.spreadBps !== undefined && u.baselineSpreadBps !== undefined && u.spreadBps > config.spread_blowout_ratio * u.baselineSpreadBps) {
      trade[i] = from;
      heldBack.push({ symbol: u.symbol, reason: 'spread_blowout' });
      continue;
    }
    if (from !== 0 && to !== 0 && Math.abs(to - from) <= config.no_trade_band) {
      trade[i] = from;
      heldBack.push({ symbol: u.symbol, reason: 'no_trade_band' });
      continue;
    }
    changed = true;
  }
  if (heldBack.some((h) => h.reason === 'spread_blowout')) reasons.push('spread_blowout');
  if (!changed) reasons.push('within_bands');
  return { decision: { trade: changed, reasons, portfolioDrift: d.l1, maxNameDrift: d.max, heldBack }, tradeTargets: changed ? trade : current };
}
