import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { resolveQpSettings } from './settings.js';
import { DEFAULT_QP_SETTINGS } from './types.js';

describe('resolveQpSettings', () => {
  it('merges over the defaults once', () => {
    expect(resolveQpSettings()).toBe(DEFAULT_QP_SETTINGS);
    const s = resolveQpSettings({ epsAbs: 1e-6, polish: true });
    expect(s).toEqual({ ...DEFAULT_QP_SETTINGS, epsAbs: 1e-6, polish: true });
  });

  it('rejects bad values and unknown keys with paths', () => {
    try {
      resolveQpSettings({ rho: -1, alpha: 2, maxIter: 1.5, polish: 'yes', bogus: 1 });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).issues.map((i) => i.path)).toEqual(['settings.rho', 'settings.alpha', 'settings.maxIter', 'settings.polish', 'settings.bogus']);
    }
    expect(() => resolveQpSettings([1])).toThrow(InputError);
    expect(() => resolveQpSettings({ sigma: NaN })).toThrow(/settings.sigma/);
  });
});
