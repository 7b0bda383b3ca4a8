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

describe('parseRotationRequest: factorModel', () => {
  const fbase = () => {
    const { correlation: _c, ...rest } = base();
    return {
      ...rest,
      factorModel: {
        factors: ['market', 'Tech'],
        loadings: { A: { market: 0.2, Tech: 0.1 }, B: { market: 0.25 }, C: { market: 0.15, Tech: -0.05 }, ZZ: { market: 1 } } as Record<string, Record<string, number>>,
        covariance: [
          [0.04, 0.01],
          [0.01, 0.02],
        ],
        specificVariance: { A: 0.01, B: 0.02, C: 0.015 } as Record<string, number>,
      } as Record<string, unknown>,
    };
  };

  const byName = (r: ReturnType<typeof fbase>) => r.factorModel.loadings as Record<string, Record<string, number>>;

  it('reads loadings by symbol (missing factors 0, names outside the universe ignored) or by row, the same model', () => {
    const p = parseRotationRequest(fbase());
    const f = p.factorModel!;
    expect(f.factors).toEqual(['market', 'Tech']);
    expect(Array.from(f.loadings)).toEqual([0.2, 0.1, 0.25, 0, 0.15, -0.05]);
    expect(Array.from(f.covariance)).toEqual([0.04, 0.01, 0.01, 0.02]);
    expect(Array.from(f.specificVariance)).toEqual([0.01, 0.02, 0.015]);
    const r = fbase();
    r.factorModel.loadings = [
      [0.2, 0.1],
      [0.25, 0],
      [0.15, -0.05],
    ];
    delete r.factorModel.specificVariance;
    r.factorModel.specificVol = [0.1, Math.sqrt(0.02), Math.sqrt(0.015)];
    const q = parseRotationRequest(r).factorModel!;
    expect(Array.from(q.loadings)).toEqual(Array.from(f.loadings));
    for (let i = 0; i < 3; i++) expect(q.specificVariance[i]).toBeCloseTo(f.specificVariance[i]!, 15);
    // No vols needed: the factor model is the risk.
    expect(() => parseRotationRequest({ ...fbase(), universe: fbase().universe.map(({ vol: _v, ...u }) => u) })).not.toThrow();
  });

  it('names what is wrong with the factor model by its JSON path', () => {
    const missing = fbase();
    delete byName(missing).C;
    expect(paths(missing)).toEqual(['factorModel.loadings.C']);
    const unknown = fbase();
    byName(unknown).A = { market: 0.2, Energy: 0.1 };
    expect(paths(unknown)).toEqual(['factorModel.loadings.A.Energy']);
    const rows = fbase();
    rows.factorModel.loadings = [[0.2, 0.1], [0.25], [0.15, 0]];
    expect(paths(rows)).toEqual(['factorModel.loadings[1]']);
    const short = fbase();
    short.factorModel.loadings = [[0.2, 0.1]];
    expect(paths(short)).toEqual(['factorModel.loadings']);
    const asym = fbase();
    asym.factorModel.covariance = [
      [0.04, 0.01],
      [0.02, 0.02],
    ];
    expect(paths(asym)).toEqual(['factorModel.covariance[0][1]']);
    const notPsd = fbase();
    notPsd.factorModel.covariance = [
      [0.01, 0.05],
      [0.05, 0.01],
    ];
    expect(paths(notPsd)).toEqual(['factorModel.covariance']);
    const shape = fbase();
    shape.factorModel.covariance = [[0.04]];
    expect(paths(shape)).toEqual(['factorModel.covariance']);
    const dup = fbase();
    dup.factorModel.factors = ['market', 'market'];
    expect(paths(dup)).toContain('factorModel.factors[1]');
    const spec = fbase();
    delete (spec.factorModel.specificVariance as Record<string, number>).B;
    expect(paths(spec)).toEqual(['factorModel.specificVariance.B']);
    const both = fbase();
    both.factorModel.specificVol = [0.1, 0.1, 0.1];
    expect(paths(both)).toEqual(['factorModel.specificVariance']);
    const nan = fbase();
    byName(nan).B = { market: NaN };
    expect(paths(nan)[0]).toMatch(/^factorModel\.loadings/);
  });

  it('is one risk source: not with a correlation, covariance or returns, and not shrunk', () => {
    expect(paths({ ...fbase(), correlation: base().correlation })).toEqual(['factorModel']);
    expect(paths({ ...fbase(), config: { ...base().config, shrinkage: 'identity', shrinkage_intensity: 0.2 } })).toEqual(['config.shrinkage']);
  });
});
