import { describe, expect, it } from 'vitest';
import { microBook } from '../portfolio/test-support/micro-book.js';
import { diagnosticPath, hasErrors, type Diagnostic } from './diagnostics.js';
import { buildUniverse } from './universe.js';

const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error').map((d) => `${diagnosticPath(d)} ${d.code}`);
const base = microBook();

describe('buildUniverse', () => {
  it('joins the tables with derived fields in the numeraire', () => {
    const u = buildUniverse(base);
    expect(errors(u.diagnostics)).toEqual([]);
    // Positions: A 100k, B −100k, C 20k, F 2000·10·1.1 = 22k, G −1000·25·1.1 = −27.5k; cash 1M + 50k·1.1.
    expect(u.nav).toBeCloseTo(100_000 - 100_000 + 20_000 + 22_000 - 27_500 + 1_000_000 + 55_000, 6);
    const f = u.instruments[u.byId.get('F') as number];
    expect(f).toMatchObject({ fx: 1.1, unitValue: 11, notional0: 22_000, advNotional: 5.5e6 });
    expect(f?.positionToAdv).toBeCloseTo(22_000 / 5.5e6, 12);
    expect(u.totals).toMatchObject({ gross0: 269_500, long0: 142_000, short0: 127_500 });
    expect(u.instruments[0]?.weightGross).toBeCloseTo(100_000 / 269_500, 12);
    expect(u.instruments[1]?.weightShortLeg).toBeCloseTo(100_000 / 127_500, 12);
    const fut = u.instruments[u.byId.get('FUT') as number];
    expect(fut).toMatchObject({ unitValue: 10_000, marginRate: 0.08, packageMarginRate: 0.01, synthetic: { basketId: 'BK', valid: true } });
    expect(u.factors).toEqual(['MARKET', 'VALUE']);
    expect(Array.from(u.factorCov)).toEqual([0.04, 0.002, 0.002, 0.01]);
  });

  it('flags an instrument id unknown to instruments in any table, by table, row and column', () => {
    const t = microBook({
      positions: [...(base.positions?.rows ?? []), { instrument_id: 'ZZZ', position_shares: 1, price: 1, currency: 'USD' }],
      risk_model: [...(base.risk_model?.rows ?? []), { instrument_id: 'YYY', factor: 'MARKET', loading: 1 }],
    });
    expect(errors(buildUniverse(t).diagnostics)).toEqual(['positions.csv:10:instrument_id unknown_instrument', 'risk_model.csv:19:instrument_id unknown_instrument']);
  });

  it('rejects a covariance that is not positive semidefinite, naming the factor', () => {
    const t = microBook({
      factor_covariance: [
        { factor_i: 'MARKET', factor_j: 'MARKET', cov: 0.01 },
        { factor_i: 'MARKET', factor_j: 'VALUE', cov: 0.05 },
        { factor_i: 'VALUE', factor_j: 'VALUE', cov: 0.01 },
      ],
    });
    const d = buildUniverse(t).diagnostics.find((x) => x.code === 'non_psd_covariance');
    expect(d && diagnosticPath(d)).toBe('factor_covariance.csv:3:cov');
    expect(d?.message).toMatch(/smallest eigenvalue -4\.000e-2.*VALUE/);
  });

  it('rejects a currency without an FX rate where it is used', () => {
    const t = microBook({ fx: [{ currency: 'USD', rate: 1, base: 'USD', as_of: '2026-11-02' }] });
    expect(errors(buildUniverse(t).diagnostics)).toEqual([
      'instruments.csv:6:currency missing_fx',
      'instruments.csv:7:currency missing_fx',
      'cash.csv:2:currency missing_fx',
    ]);
  });

  it('rejects basket weights that do not sum to one and warns on stale FX', () => {
    const t = microBook({
      baskets: [
        { basket_id: 'BK', instrument_id: 'A', weight: 0.6 },
        { basket_id: 'BK', instrument_id: 'B', weight: 0.3 },
      ],
      fx: [
        { currency: 'USD', rate: 1, base: 'USD', as_of: '2026-11-02' },
        { currency: 'EUR', rate: 1.1, base: 'USD', as_of: '2026-10-20' },
      ],
    });
    const u = buildUniverse(t);
    expect(errors(u.diagnostics)).toEqual(['baskets.csv:1:weight mismatched_basket_weights']);
    const stale = u.diagnostics.find((d) => d.code === 'stale_fx');
    expect(stale && [diagnosticPath(stale), stale.severity]).toEqual(['fx.csv:2:as_of', 'warning']);
  });

  it('freezes an instrument with a data gap when it is not held, and stops when it is', () => {
    const noCostE = microBook({ cost_model: (base.cost_model?.rows ?? []).filter((r) => r.instrument_id !== 'E') });
    const u = buildUniverse(noCostE);
    expect(hasErrors(u.diagnostics)).toBe(false);
    const e = u.instruments[u.byId.get('E') as number];
    expect(e).toMatchObject({ tradable: false, frozenReason: 'missing_cost' });
    expect(u.diagnostics.find((d) => d.code === 'missing_cost')?.severity).toBe('warning');
    const noRiskA = microBook({ specific_risk: (base.specific_risk?.rows ?? []).filter((r) => r.instrument_id !== 'A') });
    expect(errors(buildUniverse(noRiskA).diagnostics)).toEqual(['specific_risk.csv::idio_variance missing_risk']);
  });

  it('flags invalid and duplicate symbols and whole-share positions', () => {
    const t = microBook({
      instruments: (base.instruments?.rows ?? []).map((r) => (r.instrument_id === 'D' ? { ...r, ticker: 'BAD SYMBOL' } : r.instrument_id === 'E' ? { ...r, ticker: 'AAA' } : r)),
      positions: (base.positions?.rows ?? []).map((r) => (r.instrument_id === 'C' ? { ...r, position_shares: 10.5 } : r)),
    });
    const u = buildUniverse(t);
    expect(u.diagnostics.filter((d) => d.code === 'invalid_symbol').map((d) => `${diagnosticPath(d)} ${d.severity}`)).toEqual(['instruments.csv:4:ticker warning', 'instruments.csv:5:ticker warning']);
    expect(errors(u.diagnostics)).toEqual(['positions.csv:3:position_shares out_of_range']);
  });

  it('marks a synthetic unhedgeable when a basket member cannot trade', () => {
    const t = microBook({ restrictions: [{ instrument_id: 'B', restricted: true, no_new_shorts: false, no_new_longs: false }] });
    const u = buildUniverse(t);
    expect(u.instruments[u.byId.get('ETF') as number]?.synthetic).toMatchObject({ valid: false });
    expect(u.diagnostics.filter((d) => d.code === 'unhedgeable_synthetic').map(diagnosticPath)).toEqual(['instruments.csv:8:basket_id', 'instruments.csv:9:basket_id']);
  });
});
