import { afterEach, describe, expect, it } from 'vitest';
import { backendFromEnv, chooseBackend, nativeAddon, nativeStatus } from './index.js';

const status = nativeStatus();

describe('backend choice', () => {
  const saved = process.env.KEEL_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.KEEL_BACKEND;
    else process.env.KEEL_BACKEND = saved;
  });

  it('honours an explicit request over KEEL_BACKEND', () => {
    process.env.KEEL_BACKEND = 'native';
    expect(chooseBackend('ts')).toBe('ts');
  });

  it('rejects an unknown KEEL_BACKEND value', () => {
    process.env.KEEL_BACKEND = 'wasm';
    expect(() => backendFromEnv()).toThrow(/KEEL_BACKEND/);
  });

  it('uses native when it loads and forcing it works only then', () => {
    delete process.env.KEEL_BACKEND;
    expect(chooseBackend()).toBe(status.available ? 'native' : 'ts');
    if (status.available) expect(chooseBackend('native')).toBe('native');
    else expect(() => chooseBackend('native')).toThrow(/unavailable/);
  });
});

describe.skipIf(!status.available)(`native addon boundary${status.available ? '' : ` (skipped: ${status.reason})`}`, () => {
  it('turns a Rust panic into a JS error, on the calling thread and in a scoped thread', () => {
    const addon = nativeAddon();
    for (const kind of ['main', 'thread'] as const) {
      let caught: unknown;
      try {
        addon.__testPanic(kind);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(Error);
      expect((caught as { code?: string }).code).toBe('KEEL_NATIVE_PANIC');
    }
    // Still alive and usable after the panics.
    expect(() => addon.__testPanic('other' as 'main')).toThrow(/kind/);
  });
});
