import { describe, expect, it } from 'vitest';
import { decideTrade, inScheduledWindow } from './policy.js';
import { configOf, nameOf } from './test-support/universe.js';
import type { RotationState } from './types.js';

const state = (p: Partial<RotationState> = {}): RotationState => ({ killSwitch: false, killSwitchAction: 'halt', volSpike: false, minute: 100, ...p });
const cfg = configOf({ portfolio_drift_threshold: 0.01, name_drift_threshold: 0.005, no_trade_band: 0.002 });
const book = [nameOf({ symbol: 'A', z: 1, weight: 0.1 }), nameOf({ symbol: 'B', z: 1, weight: 0.1 }), nameOf({ symbol: 'C', z: 1, weight: 0 })];

describe('policy layer', () => {
  it('does not trade when no trigger fires', () => {
    const r = decideTrade(book, Float64Array.from([0.101, 0.099, 0]), cfg, state());
    expect(r.decision).toMatchObject({ trade: false, reasons: ['no_trigger'] });
    expect(Array.from(r.tradeTargets)).toEqual([0.1, 0.1, 0]);
  });

  it('fires on portfolio L1 drift and on one name’s drift', () => {
    const l1 = decideTrade(book, Float64Array.from([0.104, 0.096, 0.003]), cfg, state()); // L1 0.011, max 0.004
    expect(l1.decision.reasons).toEqual(['portfolio_drift']);
    const name = decideTrade(book, Float64Array.from([0.106, 0.1, 0]), cfg, state()); // L1 0.006, max 0.006
    expect(name.decision.reasons).toEqual(['name_drift']);
    expect(name.decision.trade).toBe(true);
  });

  it('trades in a scheduled window even with small drift, and bands small resizes away', () => {
    // 09:35 = minute 5; window width 5 minutes.
    expect([4, 5, 9, 10, 60, 150, 300, 380].map((m) => inScheduledWindow(cfg, m))).toEqual([false, true, true, false, true, true, true, true]);
    const r = decideTrade(book, Float64Array.from([0.101, 0.1, 0.001]), cfg, state({ minute: 62 }));
    expect(r.decision.reasons).toEqual(['scheduled_window']);
    // A's resize of 0.001 is inside the band; C's entry (from zero) is never banded away.
    expect(r.decision.heldBack).toEqual([{ symbol: 'A', reason: 'no_trade_band' }]);
    expect(Array.from(r.tradeTargets)).toEqual([0.1, 0.1, 0.001]);
    const only = decideTrade(book, Float64Array.from([0.101, 0.1, 0]), cfg, state({ minute: 62 }));
    expect(only.decision).toMatchObject({ trade: false, reasons: ['scheduled_window', 'within_bands'] });
  });

  it('halts on the kill switch, or flattens when told to', () => {
    const t = Float64Array.from([0.2, 0, 0.1]);
    expect(decideTrade(book, t, cfg, state({ killSwitch: true })).decision).toMatchObject({ trade: false, reasons: ['kill_switch'] });
    const flat = decideTrade(book, t, cfg, state({ killSwitch: true, killSwitchAction: 'flatten' }));
    expect(flat.decision).toMatchObject({ trade: true, reasons: ['kill_switch_flatten'] });
    expect(Array.from(flat.tradeTargets)).toEqual([0, 0, 0]);
  });

  it('treats a vol spike as a risk override and a spread blowout as a reason not to trade a name', () => {
    const spiky = [nameOf({ symbol: 'A', z: 1, weight: 0.1, vol: 0.9, baselineVol: 0.3 }), book[1]!, book[2]!];
    const r = decideTrade(spiky, Float64Array.from([0.1, 0.1, 0]), cfg, state());
    expect(r.decision.reasons).toEqual(['vol_spike', 'within_bands']);
    expect(decideTrade(book, Float64Array.from([0.1, 0.1, 0]), cfg, state({ volSpike: true })).decision.reasons).toContain('vol_spike');
    const wide = [book[0]!, nameOf({ symbol: 'B', z: 1, weight: 0.1, spreadBps: 40, baselineSpreadBps: 10 }), book[2]!];
    const b = decideTrade(wide, Float64Array.from([0.15, 0, 0]), cfg, state());
    expect(b.decision.heldBack).toEqual([{ symbol: 'B', reason: 'spread_blowout' }]);
    expect(b.decision.reasons).toEqual(['portfolio_drift', 'name_drift', 'spread_blowout']);
    expect(Array.from(b.tradeTargets)).toEqual([0.15, 0.1, 0]);
  });

  it('does not trade on an unusable engine answer', () => {
    expect(decideTrade(book, Float64Array.from([0.5, 0, 0]), cfg, state(), false).decision.reasons).toEqual(['engine_not_optimal']);
  });
});
