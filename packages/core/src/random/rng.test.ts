import { describe, expect, it } from 'vitest';
import { createMulberry32Rng, createRng, mixSeed, type Rng } from './index.js';

// Reference generators written again in BigInt arithmetic (mod 2^32), from the published
// algorithms, so a slip in the Math.imul/>>> tricks of the real ones shows up as a mismatch.
const M = (1n << 32n) - 1n;
const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
function splitmixRef(seed: bigint): () => bigint {
  let s = seed & M;
  return () => {
    s = (s + 0x9e3779b9n) & M;
    let z = s;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M;
    return z ^ (z >> 16n);
  };
}
function xoshiroRef(seed: number): () => bigint {
  const lo = splitmixRef(BigInt(seed >>> 0));
  const hi = splitmixRef(BigInt(Math.floor(seed / 2 ** 32) ^ 0x5bd1e995));
  const s = [lo() ^ hi(), lo(), lo() ^ hi(), lo()];
  return () => {
    const result = (rotl((s[1]! * 5n) & M, 7n) * 9n) & M;
    const t = (s[1]! << 9n) & M;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
    return result;
  };
}
function mulberryRef(seed: number): () => bigint {
  let a = BigInt(seed >>> 0);
  return () => {
    a = (a + 0x6d2b79f5n) & M;
    let t = a;
    t = ((t ^ (t >> 15n)) * (t | 1n)) & M;
    t = (t ^ ((t + (((t ^ (t >> 7n)) * (t | 61n)) & M)) & M)) & M;
    return t ^ (t >> 14n);
  };
}

const SEEDS = [0, 1, 42, 2 ** 31, 2 ** 32 - 1, 2 ** 32 + 5, 2 ** 40 + 3];
const N = 20_000;
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const variance = (x: number[]) => {
  const m = mean(x);
  return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
};

describe('generators match their reference algorithms', () => {
  it.each(SEEDS)('xoshiro128** seeded through splitmix32, seed %s', (seed) => {
    const rng = createRng(seed);
    const ref = xoshiroRef(seed);
    for (let i = 0; i < 200; i++) expect(rng.nextU32()).toBe(Number(ref()));
  });
  it.each(SEEDS)('mulberry32, seed %s', (seed) => {
    const rng = createMulberry32Rng(seed);
    const ref = mulberryRef(seed);
    for (let i = 0; i < 200; i++) expect(rng.nextU32()).toBe(Number(ref()));
  });
  it('mixSeed is the first splitmix32 output', () => {
    for (const seed of SEEDS) expect(mixSeed(seed)).toBe(Number(splitmixRef(BigInt(seed >>> 0))()));
  });
  it('doubles are built from the words: 53 bits from two (xoshiro), 32 bits from one (mulberry32)', () => {
    const [a, b] = [createRng(9), createRng(9)];
    for (let i = 0; i < 100; i++) expect(a.next()).toBe(((b.nextU32() >>> 5) * 2 ** 26 + (b.nextU32() >>> 6)) / 2 ** 53);
    const [c, d] = [createMulberry32Rng(9), createMulberry32Rng(9)];
    for (let i = 0; i < 100; i++) expect(c.next()).toBe(d.nextU32() / 2 ** 32);
  });
});

describe.each([
  ['xoshiro128**', createRng],
  ['mulberry32', createMulberry32Rng],
] as const)('%s draws', (_name, create: (seed: number) => Rng) => {
  // Every tolerance is 4 standard errors of the estimator at N draws.
  it('is a function of the seed', () => {
    const [a, b, c] = [create(7), create(7), create(8)];
    const xs = Array.from({ length: 50 }, () => a.normal());
    expect(Array.from({ length: 50 }, () => b.normal())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.normal())).not.toEqual(xs);
  });
  it('uniforms lie in [0, 1) with mean 1/2; uniform(lo, hi) in [lo, hi)', () => {
    const rng = create(1);
    const u = Array.from({ length: N }, () => rng.next());
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / N));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const w = Array.from({ length: N }, () => rng.uniform(-3, 5));
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...w)).toBeLessThan(5);
  });
  it('int and pick reach every value and nothing else', () => {
    const rng = create(2);
    const ints = new Set(Array.from({ length: 1000 }, () => rng.int(3, 10)));
    expect([...ints].sort()).toEqual([3, 4, 5, 6, 7, 8, 9]);
    const picked = new Set(Array.from({ length: 1000 }, () => rng.pick(['a', 'b', 'c'])));
    expect([...picked].sort()).toEqual(['a', 'b', 'c']);
  });
  it('normals have mean 0 and variance 1', () => {
    const rng = create(3);
    const z = Array.from({ length: N }, () => rng.normal());
    expect(Math.abs(mean(z))).toBeLessThan(4 * Math.sqrt(1 / N));
    expect(Math.abs(variance(z) - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
  });
  it('gammas and chi-squares have the right mean', () => {
    const rng = create(4);
    for (const shape of [0.5, 3]) {
      const g = Array.from({ length: N }, () => rng.gamma(shape));
      expect(Math.abs(mean(g) - shape)).toBeLessThan(4 * Math.sqrt(shape / N));
    }
    const c = Array.from({ length: N }, () => rng.chiSquare(5));
    expect(Math.abs(mean(c) - 5)).toBeLessThan(4 * Math.sqrt(10 / N));
  });
});
