export { createRng, mixSeed } from './xoshiro128.js';
export { createMulberry32Rng } from './mulberry32.js';
export type { Rng } from './rng.js';
