import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { generateScenarioProblem } from './generate.js';
import {
  evaluateScenariosDense,
  evaluateScenariosDenseAsync,
  evaluateScenariosStructured,
  evaluateScenariosStructuredAsync,
  nativeKernelsStatus,
  type KernelBackend,
} from './index.js';

const sharedCopy = (a: Float64Array) => {
  const c = new Float64Array(new SharedArrayBuffer(a.byteLength));
  c.set(a);
  return c;
};

const backends: KernelBackend[] = nativeKernelsStatus().impl ? ['ts', 'native'] : ['ts'];

describe.each(backends)('async kernels on a worker thread (%s)', (backend) => {
  const p = generateScenarioProblem({ items: 700, scenarios: 90, holders: 6, seed: 9, dense: true, noise: 0.001, withBase: true });

  it('gives the same values as the synchronous call, into a caller-provided array', async () => {
    const sync = evaluateScenariosDense(p.dense!, { backend }).values;
    const out = new Float64Array(6 * 90);
    const r = await evaluateScenariosDenseAsync(p.dense!, { backend, out, offThread: true });
    expect(r.backend).toBe(backend);
    expect(r.values).toBe(out);
    expect([...out]).toEqual([...sync]);
    const s = await evaluateScenariosStructuredAsync(p.structured, { backend, offThread: true });
    expect([...s.values]).toEqual([...evaluateScenariosStructured(p.structured, { backend }).values]);
  });

  it('writes a shared output in place and reads shared inputs without copying', async () => {
    const spec = { ...p.dense!, holderWeights: sharedCopy(p.dense!.holderWeights), scenarioValues: sharedCopy(p.dense!.scenarioValues) };
    const out = new Float64Array(new SharedArrayBuffer(6 * 90 * 8));
    const r = await evaluateScenariosDenseAsync(spec, { backend, out, offThread: true });
    expect(r.values).toBe(out);
    expect([...out]).toEqual([...evaluateScenariosDense(p.dense!, { backend }).values]);
  });

  it('rejects with the same InputError as the synchronous call', async () => {
    const bad = p.dense!.scenarioValues.slice();
    bad[1234] = Number.NaN;
    const out = new Float64Array(6 * 90);
    const err = await evaluateScenariosDenseAsync({ ...p.dense!, scenarioValues: bad }, { backend, out, offThread: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).issues[0]!.path).toBe('scenarioValues[1234]');
    expect(out.every(Number.isNaN)).toBe(true);
    const early = await evaluateScenariosStructuredAsync({ ...p.structured, shocks: new Float64Array(3) }, { backend, offThread: true }).catch((e: unknown) => e);
    expect((early as InputError).issues[0]!.path).toBe('shocks');
  });
});
