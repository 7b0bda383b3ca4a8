import { InputError, type InputIssue } from '../errors/index.js';
import type { DenseScenarioSpec, SparseExposure, StructuredScenarioSpec } from './types.js';

/**
 * A seeded synthetic problem for tests, `keel bench scenarios` and the benchmarks: N items each
 * in one of B buckets with a first-order exposure −D·P and a second-order C·P (a duration/
 * convexity book), correlated bucket shocks, and K holders (groups of signed weights and their
 * absolute values, like positions and gross). The dense matrix, when asked for, is the
 * structured model written out per item plus optional idiosyncratic noise, so with
 * `noise: 0` both paths must give the same values.
 */
export interface ScenarioProblemSpec {
  readonly items: number;
  readonly scenarios: number;
  /** Default 25. */
  readonly holders?: number;
  /** Buckets, default 20. */
  readonly factors?: number;
  /** Default 1. */
  readonly seed?: number;
  /** Build the S × N matrix too (S·N·8 bytes). Default false. */
  readonly dense?: boolean;
  /** Standard deviation of the idiosyncratic return added to the dense matrix. Default 0. */
  readonly noise?: number;
  /** Per-item base values (price/100). Default false (outputs are value changes). */
  readonly withBase?: boolean;
}

export interface ScenarioProblem {
  readonly structured: StructuredScenarioSpec & { readonly exposure: SparseExposure };
  /** Present when `dense` was asked for. */
  readonly dense?: DenseScenarioSpec;
}

/** sfc32 (Small Fast Counting generator, 32-bit): fast, seedable, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Standard normals by Box–Muller from a uniform source. */
export function seededNormal(seed: number): () => number {
  const u = seededRandom(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

export function generateScenarioProblem(spec: ScenarioProblemSpec): ScenarioProblem {
  const N = spec.items, S = spec.scenarios, K = spec.holders ?? 25, B = spec.factors ?? 20;
  const seed = spec.seed ?? 1, noise = spec.noise ?? 0;
  const issues: InputIssue[] = [];
  for (const [path, v] of [['items', N], ['scenarios', S], ['holders', K], ['factors', B]] as const) {
    if (!Number.isInteger(v) || v < 1) issues.push({ path, message: `must be an integer ≥ 1 (got ${v})` });
  }
  if (!Number.isInteger(seed)) issues.push({ path: 'seed', message: `must be an integer (got ${seed})` });
  if (!(noise >= 0 && Number.isFinite(noise))) issues.push({ path: 'noise', message: `must be finite and ≥ 0 (got ${noise})` });
  if (issues.length) throw new InputError(issues);

  const z = seededNormal(seed);
  const u = seededRandom(seed ^ 0x5bd1e995);
  const price = new Float64Array(N);
  const rowPtr = new Int32Array(N + 1);
  const bucket = new Int32Array(N);
  const first = new Float64Array(N);
  const second = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const p = 80 + 40 * u();
    const dur = 0.25 + 29.75 * u() ** 1.5;
    const b = Math.min(B - 1, Math.floor((dur / 30) * B));
    price[n] = p / 100;
    rowPtr[n + 1] = n + 1;
    bucket[n] = b;
    first[n] = (-dur * p) / 100;
    second[n] = (dur * dur * 1.1 * p) / 100;
  }
  // K holders in groups of up to 5: signed weights, their absolute value and three weighted copies.
  const H = new Float64Array(K * N);
  const signed = new Float64Array(N);
  for (let k = 0; k < K; k++) {
    const kind = k % 5;
    if (kind === 0) for (let n = 0; n < N; n++) signed[n] = u() < 0.3 ? 0 : Math.round(z() * 50) * 1e5;
    const w = [1, 1, 0.08, 0.02 + 0.1 * u(), 1][kind]!;
    for (let n = 0; n < N; n++) H[k * N + n] = kind === 0 || kind === 4 ? signed[n]! * w : Math.abs(signed[n]!) * w;
  }
  // Bucket shocks: a level factor, a slope and bucket noise; ~10 bp a day.
  const X = new Float64Array(S * B);
  for (let s = 0; s < S; s++) {
    const level = z(), slope = z();
    for (let b = 0; b < B; b++) X[s * B + b] = 1e-3 * (level + 0.4 * slope * (b / B - 0.5) + 0.2 * z());
  }
  const itemBase = spec.withBase ? price : undefined;
  const structured = {
    items: N,
    holders: K,
    scenarios: S,
    factors: B,
    holderWeights: H,
    exposure: { kind: 'sparse', rowPtr, bucket, first, second } as const,
    shocks: X,
    itemBase,
  };
  if (!spec.dense) return { structured };
  const R = new Float64Array(S * N);
  const zn = seededNormal(seed ^ 0x27d4eb2f);
  for (let s = 0; s < S; s++) {
    const row = s * N;
    for (let n = 0; n < N; n++) {
      const x = X[s * B + bucket[n]!]!;
      let r = x * (first[n]! + 0.5 * second[n]! * x);
      if (noise > 0) r += noise * price[n]! * zn();
      R[row + n] = r;
    }
  }
  return { structured, dense: { items: N, holders: K, scenarios: S, holderWeights: H, scenarioValues: R, itemBase } };
}
