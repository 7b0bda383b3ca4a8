import { describe, expect, it } from 'vitest';
import { generateSampleDay } from './sample.js';
import { compareHysteresis, initialReplayState, runCycle, withEngine, type ReplayState } from './replay.js';

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !ArrayBuffer.isView(o) && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

describe('replay', () => {
  const small = generateSampleDay({ seed: 3, names: 80, sessionMinutes: 120 });

  it('the sample day is seeded: same seed, same day; another seed, another day', () => {
    const again = generateSampleDay({ seed: 3, names: 80, sessionMinutes: 120 });
    expect(again.bars).toEqual(small.bars);
    expect(generateSampleDay({ seed: 4, names: 80, sessionMinutes: 120 }).bars[0]!.quotes[0]!.z).not.toBe(small.bars[0]!.quotes[0]!.z);
    expect(small.bars).toHaveLength(24);
  });

  it('runCycle is pure and deterministic: frozen inputs, identical outputs', () => {
    let a: ReplayState = deepFreeze(initialReplayState(small, { cash: 1e6, config: { K: 8, K_buy: 6, K_sell: 12 } }));
    let b: ReplayState = initialReplayState(small, { cash: 1e6, config: { K: 8, K_buy: 6, K_sell: 12 } });
    for (const bar of small.bars) {
      deepFreeze(bar);
      const ra = runCycle(a, bar);
      const rb = runCycle(b, bar);
      expect(ra).toEqual(rb);
      a = deepFreeze(ra.state);
      b = rb.state;
    }
    expect(a.stats.fills).toBeGreaterThan(0);
  });

  it('books stay consistent: cash + positions = NAV, fills within the participation limit', () => {
    let s = initialReplayState(small, { cash: 1e6, participation: 0.05, config: { K: 8, K_buy: 6, K_sell: 12 } });
    let cashFlow = 0;
    for (const bar of small.bars) {
      const r = runCycle(s, bar);
      const vol = new Map(bar.quotes.map((q) => [q.symbol, q.volume]));
      for (const f of r.report.fills) {
        expect(f.shares).toBeLessThanOrEqual(Math.floor(0.05 * vol.get(f.symbol)!));
        cashFlow -= (f.side === 'buy' ? 1 : -1) * f.shares * f.price;
      }
      s = r.state;
      expect(Object.keys(s.positions).length).toBeLessThanOrEqual(12);
    }
    expect(s.cash).toBeCloseTo(1e6 + cashFlow, 6);
  });

  it('hysteresis reduces turnover and churn against the no-band engine on the sample day', () => {
    const day = generateSampleDay({ seed: 1 });
    const { band, noBand } = compareHysteresis(day, { cash: 1e6 });
    expect(band.hysteresis).toEqual({ K: 20, K_buy: 18, K_sell: 24 });
    expect(noBand.hysteresis).toEqual({ K: 20, K_buy: 20, K_sell: 20 });
    expect(band.turnover).toBeLessThan(noBand.turnover);
    expect(band.stats.roundTrips).toBeLessThan(noBand.stats.roundTrips);
    expect(band.stats.engineReasons.hold_in_band ?? 0).toBeGreaterThan(0);
    expect(noBand.stats.engineReasons.hold_in_band ?? 0).toBe(0);
  });
});

describe('replay with the QP engine', () => {
  it('switches engines at run time (greedy → QP) and keeps trading on optimal QP answers', () => {
    const day = generateSampleDay({ seed: 5, names: 40, sessionMinutes: 40 });
    let s = initialReplayState(day, { cash: 1e6, config: { max_turnover: 2, max_turnover_per_name: 0.1 } });
    for (const bar of day.bars.slice(0, 3)) s = runCycle(s, bar).state;
    expect(s.settings.engine).toBe('greedy');
    const before = s.stats.fills;
    s = withEngine(s, 'qp');
    for (const bar of day.bars.slice(3)) s = runCycle(s, bar).state;
    expect(s.settings.engine).toBe('qp');
    expect(s.stats.engineNotOptimal).toBe(0);
    expect(s.stats.engineReasons.optimizer ?? 0).toBeGreaterThan(0);
    expect(s.stats.fills).toBeGreaterThan(before);
  });
});
