import { describe, expect, it } from 'vitest';
import { InputError } from '@keel/solver-native/errors';
import { parseRotationRequest } from './schema.js';

const base = () => ({
  universe: [
    { symbol: 'A', z: 1.2, weight: 0.3, vol: 0.2, sector: 'Tech' },
    { symbol: 'B', z: 0.4, weight: 0.3, vol: 0.3, sector: 'Tech' },
    { symbol: 'C', z: -0.5, weight: 0.4, vol: 0.25, sector: 'Energy' },
  ],
  correlation: [
    [1, 0.3, 0.1],
    [0.3, 1, 0.2],
    [0.1, 0.2, 1],
  ],
  config: { budget: 1, max_net_exposure: 1, per_name_cap: 0.5, sector_cap: 0.8, K: 2, K_buy: 1, K_sell: 3 },
});

const paths = (data: unknown): string[] => {
  try {
    parseRotationRequest(data);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => i.path);
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('parseRotationRequest', () => {
  it('accepts a good request and merges defaults once', () => {
    const p = parseRotationRequest(base());
    expect(p.config.lambda_risk).toBe(0.1);
    expect(p.config.K_sell).toBe(3);
    expect(p.universe[0]).toMatchObject({ cost: 0, restricted: false, cooldownMinutes: 0 });
    expect(p.correlation?.length).toBe(9);
    expect(p.state.killSwitch).toBe(false);
  });

  it('rejects a non-square correlation', () => {
    const r = base();
    r.correlation[1] = [0.3, 1];
    expect(paths(r)).toEqual(['correlation[1]']);
    expect(paths({ ...base(), correlation: [[1]] })).toEqual(['correlation']);
  });

  it('rejects an asymmetric correlation, a bad diagonal, an entry outside [−1, 1]', () => {
    const r = base();
    r.correlation[0]![2] = 0.15;
    expect(paths(r)).toEqual(['correlation[0][2]']);
    const d = base();
    d.correlation[1]![1] = 0.9;
    expect(paths(d)).toEqual(['correlation[1][1]']);
  });

  it('rejects a correlation that is not positive semidefinite', () => {
    const r = base();
    r.correlation = [
      [1, 0.9, -0.9],
      [0.9, 1, 0.9],
      [-0.9, 0.9, 1],
    ];
    expect(paths(r)).toEqual(['correlation']);
  });

  it('rejects NaN scores and misspelt config fields', () => {
    const r = base();
    r.universe[1]!.z = NaN;
    expect(paths(r)).toEqual(['universe[1].z']);
    expect(paths({ ...base(), config: { K_sel: 3 } })).toEqual(['config']);
  });

  it('rejects K_buy > K and K > K_sell', () => {
    expect(paths({ ...base(), config: { ...base().config, K_buy: 3, K: 2, K_sell: 4 } })).toEqual(['config.K_buy']);
    expect(paths({ ...base(), config: { ...base().config, K_buy: 1, K: 4, K_sell: 3 } })).toEqual(['config.K_sell']);
  });

  it('reports budget against max_net_exposure as a configuration error naming both', () => {
    const r = { ...base(), config: { budget: 1, per_name_cap: 0.5, sector_cap: 1 } }; // seed default max_net_exposure 0.3
    expect(paths(r)).toEqual(['config.budget', 'config.max_net_exposure']);
  });

  it('rejects caps that make Σw = budget impossible', () => {
    expect(paths({ ...base(), config: { ...base().config, per_name_cap: 0.3 } })).toEqual(['config.per_name_cap']);
    // Sector caps: Tech ≤ 0.3, Energy ≤ 0.5 (one name) → at most 0.8.
    expect(paths({ ...base(), config: { ...base().config, sector_cap: 0.3 } })).toEqual(['config.sector_cap']);
  });

  it('rejects duplicate symbols, missing vols with a correlation, partial betas', () => {
    const r = base();
    const u: Record<string, unknown>[] = r.universe;
    u[2]!.symbol = 'A';
    delete u[1]!.vol;
    u[0]!.beta = 1.1;
    expect(paths(r).sort()).toEqual(['universe[1].beta', 'universe[1].vol', 'universe[2].beta', 'universe[2].symbol']);
  });

  it('requires returns or a fixed intensity for shrinkage', () => {
    expect(paths({ ...base(), config: { ...base().config, shrinkage: 'identity' } })).toEqual(['config.shrinkage_intensity']);
    expect(() => parseRotationRequest({ ...base(), config: { ...base().config, shrinkage: 'identity', shrinkage_intensity: 0.2 } })).not.toThrow();
  });
});
