import { polarNormal, rngFrom, type Rng } from './rng.js';

/** splitmix32: a seed hash whose successive outputs seed other generators. */
export function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** The first splitmix32 output of a seed: spreads nearby seeds (1, 2, 3, ...) far apart. */
export const mixSeed = (seed: number): number => splitmix32(seed)();

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/**
 * Keel's generator: xoshiro128** (Blackman & Vigna) seeded through splitmix32, doubles with
 * 53 random bits, normals by the Marsaglia polar method. Seeds above 2^32 are folded in, so any
 * safe integer is a distinct seed.
 */
export function createRng(seed: number): Rng {
  const hi = Math.floor(seed / 0x1_0000_0000);
  const mixLo = splitmix32(seed >>> 0);
  const mixHi = splitmix32(hi ^ 0x5bd1e995);
  let s0 = mixLo() ^ mixHi();
  let s1 = mixLo();
  let s2 = mixLo() ^ mixHi();
  let s3 = mixLo();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    return result;
  };
  const next = (): number => ((nextU32() >>> 5) * 67108864 + (nextU32() >>> 6)) / 9007199254740992;
  return rngFrom({ nextU32, next, normal: polarNormal(next) });
}
