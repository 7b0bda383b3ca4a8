import { describe, expect, it } from 'vitest';
import { nativeAddon } from '../native/index.js';
import { runKernelConformance } from './conformance.case.js';
import { generateScenarioProblem } from './generate.js';
import { evaluateScenariosDense, evaluateScenariosStructured, evaluateTailStats } from './index.js';
import { nativeKernelIsa, nativeKernelsStatus } from './native-backend.js';

const status = nativeKernelsStatus();
const skip = status.impl ? undefined : status.reason;
runKernelConformance('native', skip);

const d = skip ? describe.skip : describe;
d(`native kernels agree with the TS fallback${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const p = generateScenarioProblem({ items: 4000, scenarios: 300, holders: 25, seed: 5, dense: true, noise: 0.002, withBase: true });

  it('dense: to 1e-12 relative (different summation order, FMA)', () => {
    const a = evaluateScenariosDense(p.dense!, { backend: 'native' }).values;
    const b = evaluateScenariosDense(p.dense!, { backend: 'ts' }).values;
    const scale = b.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const worst = a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
    expect(worst).toBeLessThanOrEqual(1e-12 * scale);
    expect(nativeKernelIsa()).toMatch(/^(avx512|avx2\+fma|baseline)$/);
  });

  it('structured and tail statistics: identical bits (same arithmetic in the same order)', () => {
    const a = evaluateScenariosStructured(p.structured, { backend: 'native' }).values;
    const b = evaluateScenariosStructured(p.structured, { backend: 'ts' }).values;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    for (const tail of ['low', 'high'] as const) {
      const x = evaluateTailStats(a, 25, 300, { alpha: 0.975, tail }, { backend: 'native' });
      const y = evaluateTailStats(a, 25, 300, { alpha: 0.975, tail }, { backend: 'ts' });
      expect([x.backend, y.backend]).toEqual(['native', 'ts']);
      expect({ ...x, backend: 'ts' }).toEqual(y);
    }
  });

  it('bad calls straight into the addon throw and never crash the process', () => {
    const addon = nativeAddon<Record<string, (...a: unknown[]) => unknown>>();
    const h = new Float64Array(6);
    const r = new Float64Array(9);
    const spec = { items: 3, holders: 2, scenarios: 3, holderWeights: h, scenarioValues: r };
    const calls: [string, () => unknown, RegExp][] = [
      ['no spec', () => addon.kernelsDense!(), /spec/],
      ['wrong length', () => addon.kernelsDense!({ ...spec, scenarioValues: r.subarray(1) }, new Float64Array(6)), /scenarioValues/],
      ['wrong out length', () => addon.kernelsDense!(spec, new Float64Array(5)), /out/],
      ['out aliases an input', () => addon.kernelsDense!(spec, h), /out: must not overlap holderWeights/],
      ['wrong array type', () => addon.kernelsDense!({ ...spec, holderWeights: new Float32Array(6) }, new Float64Array(6)), /holderWeights/],
      ['huge sizes', () => addon.kernelsDense!({ ...spec, items: 2 ** 40, holders: 2 ** 40 }, new Float64Array(6)), /holderWeights/],
      ['negative size', () => addon.kernelsDense!({ ...spec, items: -1 }, new Float64Array(6)), /items/],
      ['bad bucket', () => addon.kernelsStructured!({ items: 1, holders: 1, scenarios: 1, factors: 1, holderWeights: new Float64Array(1), shocks: new Float64Array(1), exposure: { kind: 'sparse', rowPtr: Int32Array.of(0, 1), bucket: Int32Array.of(7), first: new Float64Array(1) } }, new Float64Array(1)), /exposure\.bucket\[0\]/],
      ['decreasing rowPtr', () => addon.kernelsStructured!({ items: 1, holders: 1, scenarios: 1, factors: 1, holderWeights: new Float64Array(1), shocks: new Float64Array(1), exposure: { kind: 'sparse', rowPtr: Int32Array.of(0, -1), bucket: new Int32Array(0), first: new Float64Array(0) } }, new Float64Array(1)), /exposure\.rowPtr\[1\]/],
      ['unknown kind', () => addon.kernelsStructured!({ items: 1, holders: 1, scenarios: 1, factors: 1, holderWeights: new Float64Array(1), shocks: new Float64Array(1), exposure: { kind: 'x', first: new Float64Array(1) } }, new Float64Array(1)), /exposure\.kind/],
      ['bad alpha', () => addon.kernelsTail!(new Float64Array(4), 2, 2, 1.5, 'low'), /alpha/],
      ['bad tail', () => addon.kernelsTail!(new Float64Array(4), 2, 2, 0.5, 'middle'), /tail/],
    ];
    for (const [what, call, msg] of calls) expect(call, what).toThrow(msg);
  });
});
