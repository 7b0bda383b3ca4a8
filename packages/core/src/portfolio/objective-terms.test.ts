import { describe, expect, it } from 'vitest';
import { buildUniverse } from '../data/universe.js';
import { parsePortfolioConfig } from './config.js';
import { processAlpha } from './objective-terms.js';
import { microBook } from './test-support/micro-book.js';
import { microConfig, runMicro } from './test-support/run-micro.js';

describe('settings', () => {
  const universe = buildUniverse(microBook());
  const raw = universe.instruments.map((u) => u.alpha);

  it('alpha: off, scaled, demeaned, z-scored', () => {
    const cfg = (alpha: object) => parsePortfolioConfig(microConfig({ alpha }));
    expect(Array.from(processAlpha(universe, cfg({ apply: false })))).toEqual(raw.map(() => 0));
    expect(Array.from(processAlpha(universe, cfg({ scale: 2 })))).toEqual(raw.map((a) => 2 * a));
    const mean = raw.reduce((s, a) => s + a, 0) / raw.length;
    const demeaned = processAlpha(universe, cfg({ normalize: 'demean' }));
    demeaned.forEach((a, i) => expect(a).toBeCloseTo((raw[i] as number) - mean, 15));
    const z = Array.from(processAlpha(universe, cfg({ normalize: 'zscore', targetStd: 0.01 })));
    const zm = z.reduce((s, a) => s + a, 0) / z.length;
    const zs = Math.sqrt(z.reduce((s, a) => s + (a - zm) ** 2, 0) / (z.length - 1));
    expect(zm).toBeCloseTo(0, 15);
    expect(zs).toBeCloseTo(0.01, 12);
  });

  it('idio-only risk ignores factor covariance; full risk charges it', () => {
    const full = runMicro({});
    const idio = runMicro({ risk: { aversion: 10, model: 'idio' } });
    expect(idio.summary.objective.optimal.factorRisk).toBe(0);
    expect(full.summary.objective.optimal.factorRisk).toBeGreaterThan(0);
    // Ignoring factor risk, the book takes more market exposure.
    expect(Math.abs(idio.summary.metrics.optimal.net)).not.toBeCloseTo(Math.abs(full.summary.metrics.optimal.net), 0);
  });

  it('any numeraire: every notional converts through the FX table', () => {
    const eur = buildUniverse(microBook(), { numeraire: 'EUR' });
    expect(eur.nav).toBeCloseTo(universe.nav / 1.1, 6);
    expect(eur.instruments[universe.byId.get('F') as number]?.notional0).toBeCloseTo(20_000, 9);
    const r = runMicro({ numeraire: 'EUR' });
    expect(r.status).toBe('optimal');
    expect(r.summary.numeraire).toBe('EUR');
  });
});
