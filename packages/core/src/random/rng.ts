/**
 * What every seeded generator in Keel offers. The generators differ only in their uniform source
 * and normal method (see `createRng` and `createMulberry32Rng`); the rest is derived here once,
 * so a given seed gives the same draws on every machine and Node version.
 */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform double in [0, 1). */
  next(): number;
  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [lo, hiExclusive). */
  int(lo: number, hiExclusive: number): number;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(xs: readonly T[]): T;
  /** Standard normal. */
  normal(): number;
  /** Gamma(shape, 1), shape > 0 (Marsaglia–Tsang). */
  gamma(shape: number): number;
  /** Chi-square with `df` degrees of freedom (the mixing variable of a Student-t). */
  chiSquare(df: number): number;
}

export interface RngSource {
  readonly nextU32: () => number;
  readonly next: () => number;
  readonly normal: () => number;
}

/** Completes a uniform source and its normal method into an `Rng`. */
export function rngFrom({ nextU32, next, normal }: RngSource): Rng {
  const gamma = (shape: number): number => {
    if (shape < 1) {
      // Boost: Gamma(a) = Gamma(a + 1)·U^(1/a).
      const u = next();
      return gamma(shape + 1) * Math.pow(u > 0 ? u : Number.MIN_VALUE, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  return {
    nextU32,
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hiExclusive) => lo + Math.floor(next() * (hiExclusive - lo)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    normal,
    gamma,
    chiSquare: (df) => 2 * gamma(df / 2),
  };
}

/** Standard normals by the Marsaglia polar method, the second of each pair kept for the next call. */
export function polarNormal(next: () => number): () => number {
  let spare = 0;
  let hasSpare = false;
  return () => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * next() - 1;
      v = 2 * next() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    spare = v * f;
    hasSpare = true;
    return u * f;
  };
}

/** Standard normals by Box–Muller (cosine first, the sine kept for the next call). */
export function boxMullerNormal(next: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
