import { describe, expect, it } from 'vitest';
import { microBook } from './test-support/micro-book.js';
import { diag, objective, runMicro } from './test-support/run-micro.js';

/**
 * Every constraint kind on the micro book (unconstrained optimum, by construction of its alphas:
 * A +53k, B −69k, C +26k, D −15k, G −58k, FUT +82k): made tight, it must bind, its dual must
 * have the documented sign (∂ objective / ∂ binding bound: > 0 for a cap, < 0 for a floor,
 * ≥ 0 for room on an absolute value) and, where the bound is the user's number, match a finite
 * difference of the independently evaluated objective.
 */
type Cfg = (b: number) => Record<string, unknown>;
const inst = (id: string, limits: Record<string, unknown>) => ({ constraints: { instrument: { overrides: [{ instruments: [id], ...limits }] } } });
const port = (limits: Record<string, unknown>) => ({ constraints: { portfolio: limits } });
const group = (g: Record<string, unknown>) => ({ constraints: { groups: [g] } });

function expectBindingWithDual(cfg: Cfg, id: string, bound: number, eps: number, sign: 1 | -1) {
  const r = runMicro(cfg(bound));
  expect(r.status).toBe('optimal');
  const d = diag(r, id);
  expect(d.binding).toBe(true);
  expect(Math.sign(d.dual)).toBe(sign);
  const r2 = runMicro(cfg(bound + eps));
  expect(r2.status).toBe('optimal');
  const fd = (objective(r2) - objective(r)) / eps;
  // One-sided difference: agreement up to the curvature over eps.
  expect(Math.abs(fd - d.dual)).toBeLessThan(0.03 * Math.abs(d.dual) + 1e-9);
  return d;
}

describe('instrument constraints', () => {
  it('positionNotional cap and floor', () => {
    expectBindingWithDual((b) => inst('A', { positionNotional: { upper: b } }), 'instrument:A:positionNotional', 20_000, 100, 1);
    expectBindingWithDual((b) => inst('G', { positionNotional: { lower: b } }), 'instrument:G:positionNotional', -20_000, 100, -1);
  });

  it('positionAdv, marginContribution: caps on |position|', () => {
    const d = expectBindingWithDual((b) => inst('A', { positionAdv: { upper: b } }), 'instrument:A:positionAdv', 0.004, 2e-5, 1);
    expect(d.value).toBeCloseTo(0.004, 9);
    // Short side: |G| ≤ cap binds from below, the dual is still the value of more room.
    expectBindingWithDual((b) => inst('G', { positionAdv: { upper: b } }), 'instrument:G:positionAdv', 0.004, 2e-5, 1);
    expectBindingWithDual((b) => inst('A', { marginContribution: { upper: b } }), 'instrument:A:marginContribution', 4000, 20, 1);
  });

  it('tradeNotional and tradeAdv: caps on |market trade|', () => {
    const d = expectBindingWithDual((b) => inst('A', { tradeNotional: { upper: b } }), 'instrument:A:tradeNotional', 10_000, 100, 1);
    expect(d.value).toBeCloseTo(10_000, 4);
    expectBindingWithDual((b) => inst('A', { tradeAdv: { upper: b } }), 'instrument:A:tradeAdv', 0.002, 2e-5, 1);
  });

  it('no new shorts / no new longs from the restrictions table', () => {
    const r = runMicro({}, {
      restrictions: [
        { instrument_id: 'D', restricted: false, no_new_shorts: true, no_new_longs: false },
        { instrument_id: 'C', restricted: false, no_new_shorts: false, no_new_longs: true },
      ],
    });
    expect(r.status).toBe('optimal');
    const d = diag(r, 'instrument:D:noNewShorts');
    expect(d).toMatchObject({ lower: 0, binding: true });
    expect(d.dual).toBeLessThan(0);
    expect(Math.abs(d.value)).toBeLessThan(1e-3);
    const c = diag(r, 'instrument:C:noNewLongs');
    expect(c).toMatchObject({ upper: 20_000, binding: true });
    expect(c.value).toBeCloseTo(20_000, 3);
    expect(c.dual).toBeGreaterThan(0);
  });

  it('restricted and frozen instruments do not trade; the dual prices the trade they wanted', () => {
    const r = runMicro({}, { restrictions: [{ instrument_id: 'A', restricted: true, no_new_shorts: false, no_new_longs: false }] });
    const a = diag(r, 'instrument:A:restricted');
    expect(a.binding).toBe(true);
    expect(a.value).toBeLessThan(1e-6);
    expect(a.dual).toBeGreaterThan(0);
    expect(r.optimal.find((o) => o.instrumentId === 'A')?.roundedShares).toBe(1000);
    const base = microBook();
    const f = runMicro({}, { cost_model: (base.cost_model?.rows ?? []).filter((x) => x.instrument_id !== 'D') });
    const d = diag(f, 'instrument:D:frozen');
    expect(d.binding).toBe(true);
    expect(d.dual).toBeGreaterThan(0);
    expect(f.runLog.dataQc.diagnostics.some((x) => x.code === 'missing_cost' && x.instrumentId === 'D' && x.severity === 'warning')).toBe(true);
  });
});

describe('group constraints', () => {
  it('sector net cap, country gross cap, group turnover and margin', () => {
    expectBindingWithDual((b) => group({ by: 'sector', value: 'Tech', measure: 'net', upper: b }), 'group:sector:Tech:net', 30_000, 100, 1);
    expectBindingWithDual((b) => group({ by: 'country', value: 'US', measure: 'gross', upper: b }), 'group:country:US:gross', 150_000, 100, 1);
    expectBindingWithDual((b) => group({ by: 'type', value: 'Equity', measure: 'turnover', upper: b }), 'group:type:Equity:turnover', 60_000, 100, 1);
    expectBindingWithDual((b) => group({ by: 'currency', value: 'USD', measure: 'margin', upper: b }), 'group:currency:USD:margin', 25_000, 50, 1);
    expectBindingWithDual((b) => group({ by: 'custom', id: 'bucket', members: ['A', 'C'], measure: 'long', upper: b }), 'bucket', 40_000, 100, 1);
    expectBindingWithDual((b) => group({ by: 'custom', id: 'shorts', members: ['B', 'G'], measure: 'short', upper: b }), 'shorts', 60_000, 100, 1);
  });

  it('a factor exposure floor or cap binds on the right side', () => {
    const free = runMicro(group({ by: 'factor', factor: 'VALUE', lower: -1e9, upper: 1e9 }));
    const v = diag(free, 'group:factor:VALUE').value;
    expect(Math.abs(v)).toBeGreaterThan(1000);
    if (v > 0) expectBindingWithDual((b) => group({ by: 'factor', factor: 'VALUE', upper: b }), 'group:factor:VALUE', v / 2, 50, 1);
    else expectBindingWithDual((b) => group({ by: 'factor', factor: 'VALUE', lower: b }), 'group:factor:VALUE', v / 2, 50, -1);
  });
});

describe('portfolio constraints', () => {
  it('net cap, gross cap, leverage, long and short legs, turnover', () => {
    expectBindingWithDual((b) => port({ net: { upper: b } }), 'portfolio:net', 0, 100, 1);
    expectBindingWithDual((b) => port({ gross: { upper: b } }), 'portfolio:gross', 200_000, 100, 1);
    expectBindingWithDual((b) => port({ leverage: { upper: b } }), 'portfolio:leverage', 0.18, 1e-4, 1);
    expectBindingWithDual((b) => port({ longLeg: { upper: b, unit: 'nav' } }), 'portfolio:longLeg', 0.1, 1e-4, 1);
    expectBindingWithDual((b) => port({ shortLeg: { upper: b } }), 'portfolio:shortLeg', 100_000, 100, 1);
    expectBindingWithDual((b) => port({ turnover: { upper: b } }), 'portfolio:turnover', 100_000, 100, 1);
  });

  it('margin budget, market neutrality, factor neutrality', () => {
    expectBindingWithDual((b) => port({ marginBudget: { upper: b } }), 'portfolio:marginBudget', 30_000, 50, 1);
    expectBindingWithDual((b) => port({ marketNeutral: { by: 'beta', tolerance: b } }), 'portfolio:marketNeutral', 10_000, 50, 1);
    const r = runMicro(port({ factorNeutral: { factors: ['VALUE'], tolerance: 1000 } }));
    const d = diag(r, 'portfolio:factorNeutral:VALUE');
    expect(d.binding).toBe(true);
    // Bound at +1000 or −1000; the dual's sign says which side binds.
    expect(Math.sign(d.dual)).toBe(Math.sign(d.value));
  });

  it('a cash floor in one currency binds from below', () => {
    const free = runMicro({});
    const usd = free.summary.metrics.optimal.cash.USD as number;
    const d = expectBindingWithDual((b) => port({ cash: { USD: { lower: b } } }), 'portfolio:cash:USD', usd + 20_000, 100, -1);
    expect(d.value).toBeCloseTo(usd + 20_000, 3);
  });

  it('soft instrument limits are rows with slacks and keep the dual convention', () => {
    expectBindingWithDual((b) => inst('A', { positionNotional: { upper: b, soft: true, penalty: 1 } }), 'instrument:A:positionNotional', 20_000, 100, 1);
    expectBindingWithDual((b) => inst('A', { marginContribution: { upper: b, soft: true, penalty: 1 } }), 'instrument:A:marginContribution', 4000, 20, 1);
    expectBindingWithDual((b) => inst('A', { tradeNotional: { upper: b, soft: true, penalty: 1 } }), 'instrument:A:tradeNotional', 10_000, 100, 1);
  });

  it('a soft cap is broken at its price: dual = penalty, and the penalty is charged in the objective', () => {
    const r = runMicro(port({ gross: { upper: 200_000, soft: true, penalty: 0.0005 } }));
    const d = diag(r, 'portfolio:gross');
    expect(d.value).toBeGreaterThan(200_000);
    expect(d.dual).toBeCloseTo(0.0005, 9);
    expect(r.summary.objective.optimal.penalties).toBeCloseTo(0.0005 * (d.value - 200_000), 6);
  });
});
