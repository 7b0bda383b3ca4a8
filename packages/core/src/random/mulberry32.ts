import { boxMullerNormal, rngFrom, type Rng } from './rng.js';

/**
 * mulberry32 (Tommy Ettinger): 32-bit state, doubles with 32 random bits, Box–Muller normals.
 * Prefer `createRng` for new code; this one stays because the committed rotation and execution
 * sample days and the portfolio sample tables (seeded through `mixSeed`) were drawn from it.
 */
export function createMulberry32Rng(seed: number): Rng {
  let a = seed >>> 0;
  const nextU32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextU32() / 4294967296;
  return rngFrom({ nextU32, next, normal: boxMullerNormal(next) });
}
