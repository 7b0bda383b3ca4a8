// One conformance suite for every kernel backend (Hono's common.case pattern): each backend's
// test file calls `runKernelConformance` with its name, or a reason to skip.
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { generateScenarioProblem, seededNormal, seededRandom } from './generate.js';
import { evaluateScenariosDense, evaluateScenariosStructured, evaluateTailStats } from './index.js';
import type { DenseScenarioSpec, KernelBackend, StructuredScenarioSpec } from './types.js';

// ---- naive references, written independently of the kernels -------------------------------

function naiveDense(spec: DenseScenarioSpec): number[][] {
  const { items: N, holders: K, scenarios: S } = spec;
  const v: number[][] = [];
  for (let k = 0; k < K; k++) {
    v.push([]);
    for (let s = 0; s < S; s++) {
      let acc = 0;
      for (let n = 0; n < N; n++) acc += spec.holderWeights[k * N + n]! * ((spec.itemBase?.[n] ?? 0) + spec.scenarioValues[s * N + n]!);
      v[k]!.push(acc);
    }
  }
  return v;
}

/** Writes each item's scenario value out in full, then sums per holder: the brute force. */
function naiveStructured(spec: StructuredScenarioSpec): number[][] {
  const { items: N, holders: K, scenarios: S, factors: B } = spec;
  const e = spec.exposure;
  const entries = (n: number): [number, number, number][] => {
    if (e.kind === 'dense') return Array.from({ length: B }, (_, b) => [b, e.first[n * B + b]!, e.second?.[n * B + b] ?? 0]);
    const out: [number, number, number][] = [];
    for (let p = e.rowPtr[n]!; p < e.rowPtr[n + 1]!; p++) out.push([e.bucket[p]!, e.first[p]!, e.second?.[p] ?? 0]);
    return out;
  };
  const value: number[][] = [];
  for (let n = 0; n < N; n++) {
    value.push([]);
    for (let s = 0; s < S; s++) {
      let c = spec.itemBase?.[n] ?? 0;
      for (const [b, f, g] of entries(n)) {
        const x = spec.shocks[s * B + b]!;
        c += f * x + 0.5 * g * x * x;
      }
      value[n]!.push(c);
    }
  }
  return Array.from({ length: K }, (_, k) =>
    Array.from({ length: S }, (_, s) => {
      let acc = 0;
      for (let n = 0; n < N; n++) acc += spec.holderWeights[k * N + n]! * value[n]![s]!;
      return acc;
    }),
  );
}

/** Rockafellar–Uryasev: CVaR = min_ζ ζ + Σ(L − ζ)⁺/t; the minimum is attained at a sample loss. */
function ruCvar(losses: number[], t: number): number {
  let best = Infinity;
  for (const z of losses) {
    let acc = 0;
    for (const l of losses) acc += Math.max(0, l - z);
    best = Math.min(best, z + acc / t);
  }
  return best;
}

function expectClose(actual: Float64Array, expected: number[][], scenarios: number, relTol: number) {
  let scale = 0;
  for (const row of expected) for (const x of row) scale = Math.max(scale, Math.abs(x));
  let worst = 0;
  expected.forEach((row, k) =>
    row.forEach((x, s) => {
      worst = Math.max(worst, Math.abs(actual[k * scenarios + s]! - x));
    }),
  );
  expect(worst).toBeLessThanOrEqual(relTol * Math.max(scale, 1e-300));
}

function randomArray(len: number, seed: number, scale = 1, zeroShare = 0): Float64Array {
  const z = seededNormal(seed);
  const u = seededRandom(seed + 1);
  return Float64Array.from({ length: len }, () => (u() < zeroShare ? 0 : scale * z()));
}

function randomDense(N: number, K: number, S: number, seed: number, withBase: boolean): DenseScenarioSpec {
  return {
    items: N,
    holders: K,
    scenarios: S,
    holderWeights: randomArray(K * N, seed, 1e6, 0.2),
    scenarioValues: randomArray(S * N, seed + 7, 0.01),
    itemBase: withBase ? randomArray(N, seed + 9) : undefined,
  };
}

function randomStructured(N: number, K: number, S: number, B: number, seed: number, kind: 'dense' | 'sparse', second: boolean): StructuredScenarioSpec {
  const u = seededRandom(seed + 3);
  let exposure: StructuredScenarioSpec['exposure'];
  if (kind === 'dense') {
    exposure = { kind, first: randomArray(N * B, seed + 4, 10, 0.5), second: second ? randomArray(N * B, seed + 5, 100, 0.5) : undefined };
  } else {
    const rowPtr = new Int32Array(N + 1);
    const bucket: number[] = [];
    for (let n = 0; n < N; n++) {
      const cnt = Math.floor(u() * 3); // 0, 1 or 2 entries, repeats allowed
      for (let c = 0; c < cnt; c++) bucket.push(Math.floor(u() * B));
      rowPtr[n + 1] = bucket.length;
    }
    const nnz = bucket.length;
    exposure = { kind, rowPtr, bucket: Int32Array.from(bucket), first: randomArray(nnz, seed + 4, 10), second: second ? randomArray(nnz, seed + 5, 100) : undefined };
  }
  return {
    items: N,
    holders: K,
    scenarios: S,
    factors: B,
    holderWeights: randomArray(K * N, seed, 1e6, 0.2),
    exposure,
    shocks: randomArray(S * B, seed + 6, 0.01),
    itemBase: seed % 2 ? randomArray(N, seed + 8) : undefined,
  };
}

function expectInputError(fn: () => unknown, path: string) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).issues.map((i) => i.path)).toContain(path);
}

// ---- the suite -------------------------------------------------------------------------------

export function runKernelConformance(backend: KernelBackend, skipReason?: string): void {
  const d = skipReason ? describe.skip : describe;
  d(`scenario kernels conformance: ${backend}${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
    const opts = { backend };

    it.each([
      [1, 1, 1, false],
      [37, 5, 23, true],
      [2500, 7, 9, false], // more than one item block
      [5000, 25, 3, true],
    ])('dense N=%i K=%i S=%i (base %s) equals the naive product', (N, K, S, withBase) => {
      const spec = randomDense(N, K, S, N + K + S, withBase);
      const r = evaluateScenariosDense(spec, opts);
      expect(r.backend).toBe(backend);
      expect([r.holders, r.scenarios, r.values.length]).toEqual([K, S, K * S]);
      expectClose(r.values, naiveDense(spec), S, 1e-12);
    });

    it.each([
      ['dense', true, 1],
      ['dense', false, 2],
      ['sparse', true, 3],
      ['sparse', false, 4],
    ] as const)('structured, %s exposure (second order %s) equals brute force', (kind, second, seed) => {
      const spec = randomStructured(301, 6, 53, 7, seed, kind, second);
      const r = evaluateScenariosStructured(spec, opts);
      expect(r.backend).toBe(backend);
      expectClose(r.values, naiveStructured(spec), 53, 1e-12);
    });

    it.each([11, 12, 13])('structured equals dense on the scenarios the structured model generates (seed %i)', (seed) => {
      const p = generateScenarioProblem({ items: 3000, scenarios: 41, holders: 10, factors: 20, seed, dense: true, withBase: seed % 2 === 1 });
      const a = evaluateScenariosStructured(p.structured, opts).values;
      const b = evaluateScenariosDense(p.dense!, opts).values;
      let scale = 0;
      for (const x of b) scale = Math.max(scale, Math.abs(x));
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      expect(scale).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(1e-11 * scale);
    });

    it('writes into a caller-provided output in place', () => {
      const spec = randomDense(50, 3, 4, 5, true);
      const out = new Float64Array(12).fill(Number.NaN);
      const r = evaluateScenariosDense(spec, { ...opts, out });
      expect(r.values).toBe(out);
      expectClose(out, naiveDense(spec), 4, 1e-12);
      const sspec = randomStructured(40, 3, 4, 5, 1, 'sparse', true);
      const out2 = new Float64Array(12).fill(Number.NaN);
      expect(evaluateScenariosStructured(sspec, { ...opts, out: out2 }).values).toBe(out2);
      expectClose(out2, naiveStructured(sspec), 4, 1e-12);
    });

    it('writes into an output that is a subarray at an offset', () => {
      const spec = randomDense(30, 2, 5, 8, false);
      const big = new Float64Array(3 + 10 + 3).fill(7);
      const out = big.subarray(3, 13);
      evaluateScenariosDense(spec, { ...opts, out });
      expectClose(out, naiveDense(spec), 5, 1e-12);
      expect([...big.subarray(0, 3), ...big.subarray(13)]).toEqual([7, 7, 7, 7, 7, 7]);
    });

    it.each([
      [0.95, 100, 'low'],
      [0.95, 37, 'low'],
      [0.975, 50, 'high'],
      [0, 20, 'low'],
      [0.5, 9, 'high'],
    ] as const)('tail statistics at alpha %s over %i scenarios (%s tail) match sorting and the RU minimum', (alpha, S, tail) => {
      const K = 4;
      const values = randomArray(K * S, S, 1000);
      const r = evaluateTailStats(values, K, S, { alpha, tail }, opts);
      expect(r.backend).toBe(backend);
      const t = (1 - alpha) * S;
      const m = Math.max(1, Math.ceil(t - 1e-9));
      expect(r.tailCount).toBe(m);
      for (let k = 0; k < K; k++) {
        const row = Array.from(values.subarray(k * S, (k + 1) * S));
        const losses = row.map((v) => (tail === 'low' ? -v : v));
        const sorted = [...losses].sort((a, b) => b - a);
        expect(r.var[k]).toBe(sorted[m - 1]);
        expect(r.cvar[k]).toBeCloseTo(ruCvar(losses, t), 9);
        if (Number.isInteger(Math.round(t * 1e6) / 1e6)) {
          expect(r.cvar[k]).toBeCloseTo(sorted.slice(0, m).reduce((a, b) => a + b, 0) / m, 9);
        }
        const w = losses.indexOf(sorted[0]!);
        expect(r.worstScenario[k]).toBe(w);
        expect(r.worstValue[k]).toBe(row[w]);
        expect(r.cvar[k]!).toBeGreaterThanOrEqual(r.var[k]!);
      }
    });

    it('breaks ties in the worst scenario by the lowest index', () => {
      const values = Float64Array.from([3, -5, 2, -5, -5, 1]); // K = 1, S = 6
      const r = evaluateTailStats(values, 1, 6, { alpha: 0.5 }, opts);
      expect([r.worstScenario[0], r.worstValue[0], r.var[0], r.cvar[0], r.tailCount]).toEqual([1, -5, 5, 5, 3]);
      const h = evaluateTailStats(values, 1, 6, { alpha: 0.5, tail: 'high' }, opts);
      expect([h.worstScenario[0], h.worstValue[0], h.var[0], h.cvar[0]]).toEqual([0, 3, 1, 2]);
    });

    it('names the offending field before any work', () => {
      const good = randomDense(10, 2, 3, 1, true);
      expectInputError(() => evaluateScenariosDense({ ...good, holderWeights: new Float64Array(19) }, opts), 'holderWeights');
      for (const [at, x] of [[17, Number.NaN], [3, Infinity], [29, -Infinity]] as const) {
        const bad = good.scenarioValues.slice();
        bad[at] = x;
        bad[at + 1] = Number.NaN; // only the first is named
        const badOut = new Float64Array(6);
        expectInputError(() => evaluateScenariosDense({ ...good, scenarioValues: bad }, { ...opts, out: badOut }), `scenarioValues[${at}]`);
        expect(badOut.every((v) => Number.isNaN(v))).toBe(true); // no partial result survives
      }
      const zeroWeights = { ...good, holderWeights: new Float64Array(20), itemBase: undefined, scenarioValues: good.scenarioValues.slice() };
      zeroWeights.scenarioValues[4] = Infinity; // 0 · ∞ is NaN, so even all-zero weights catch it
      expectInputError(() => evaluateScenariosDense(zeroWeights, opts), 'scenarioValues[4]');
      expectInputError(() => evaluateScenariosDense({ ...good, scenarioValues: good.scenarioValues.map(() => 1e306) }, opts), 'scenarioValues');
      expectInputError(() => evaluateScenariosDense({ ...good, items: 0 }, opts), 'items');
      const out = new Float64Array(6).fill(42);
      expectInputError(() => evaluateScenariosDense({ ...good, itemBase: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, Infinity) }, { ...opts, out }), 'itemBase[9]');
      expect([...out]).toEqual([42, 42, 42, 42, 42, 42]);
      expectInputError(() => evaluateScenariosDense(good, { ...opts, out: new Float64Array(5) }), 'out');
      expectInputError(() => evaluateScenariosDense({ items: 1, holders: 70_000, scenarios: 70_000, holderWeights: new Float64Array(70_000), scenarioValues: new Float64Array(70_000) }, opts), 'scenarios');
      expectInputError(() => evaluateScenariosDense(good, { ...opts, out: good.holderWeights.subarray(0, 6) }), 'out');

      const s = randomStructured(10, 2, 3, 4, 2, 'sparse', true);
      const e = s.exposure as Extract<StructuredScenarioSpec['exposure'], { kind: 'sparse' }>;
      if (e.rowPtr[10]! > 0) {
        const bucket = e.bucket.slice();
        bucket[0] = 4;
        expectInputError(() => evaluateScenariosStructured({ ...s, exposure: { ...e, bucket } }, opts), 'exposure.bucket[0]');
      }
      const rowPtr = e.rowPtr.slice();
      rowPtr[5] = rowPtr[4]! - 1;
      expectInputError(() => evaluateScenariosStructured({ ...s, exposure: { ...e, rowPtr } }, opts), 'exposure.rowPtr[5]');
      expectInputError(() => evaluateScenariosStructured({ ...s, shocks: new Float64Array(11) }, opts), 'shocks');
      expectInputError(() => evaluateScenariosStructured({ ...s, exposure: { kind: 'dense', first: new Float64Array(40).fill(Number.NaN) } }, opts), 'exposure.first[0]');
      expectInputError(() => evaluateScenariosStructured({ ...s, exposure: { kind: 'diagonal' } as never }, opts), 'exposure.kind');

      expectInputError(() => evaluateTailStats(new Float64Array(6), 2, 3, { alpha: 1 }, opts), 'alpha');
      expectInputError(() => evaluateTailStats(new Float64Array(6), 2, 3, { alpha: 0.9, tail: 'up' as never }, opts), 'tail');
      expectInputError(() => evaluateTailStats(Float64Array.of(1, 2, 3, 4, 5, Number.NaN), 2, 3, { alpha: 0.9 }, opts), 'values[5]');
    });
  });
}
