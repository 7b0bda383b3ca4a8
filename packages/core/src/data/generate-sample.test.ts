import { describe, expect, it } from 'vitest';
import { generatePortfolioSample, sampleFactorNames } from './generate-sample.js';
import { symmetricEigenvalues } from './psd.js';
import { buildUniverse } from './universe.js';

describe('generatePortfolioSample', () => {
  const t = generatePortfolioSample({ instruments: 400, seed: 11 });
  const u = buildUniverse(t);

  it('is seeded: same seed, same tables; another seed, another book', () => {
    expect(generatePortfolioSample({ instruments: 400, seed: 11 })).toEqual(t);
    expect(generatePortfolioSample({ instruments: 400, seed: 12 }).positions?.rows).not.toEqual(t.positions?.rows);
  });

  it('builds a clean, realistic book: three currencies, ETFs with baskets, futures with multipliers', () => {
    expect(u.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(u.instruments).toHaveLength(400);
    expect(u.currencies.map((c) => c.code)).toEqual(['EUR', 'JPY', 'USD']);
    const types = new Set(u.instruments.map((i) => i.type));
    expect([...types].sort()).toEqual(['ETF', 'Equity', 'Future']);
    for (const f of u.instruments.filter((i) => i.type === 'Future')) {
      expect(f.multiplier).toBeGreaterThan(1);
      expect(f.expiry).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(f.synthetic?.valid).toBe(true);
    }
    for (const b of u.baskets.values()) expect(Math.abs(b.weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-9);
    expect(new Set(u.instruments.map((i) => i.sector)).size).toBeGreaterThanOrEqual(10);
    expect(u.nav).toBeCloseTo(1e9, -3);
    expect(u.totals.gross0 / u.nav).toBeGreaterThan(0.8);
  });

  it('has ~60 factors (market, industries, countries, styles, two FX) with a positive-definite covariance', () => {
    const names = sampleFactorNames();
    expect(u.factors).toHaveLength(1 + names.industries.length + names.countries.length + names.styles.length + 2);
    expect(u.factors.length).toBe(61);
    expect(u.factors.slice(-2)).toEqual(['FX_EUR', 'FX_JPY']);
    expect(generatePortfolioSample({ instruments: 400, seed: 11, fxFactors: false }).factor_covariance?.rows.some((r) => r.factor_i.startsWith('FX_'))).toBe(false);
    const eig = symmetricEigenvalues(u.factorCov, u.factors.length);
    expect(eig[0]).toBeGreaterThan(0);
  });
});
