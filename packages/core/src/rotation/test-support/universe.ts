import { resolveConfig, type OptimizationConfig, type OptimizationConfigSpec } from '../config.js';
import { createMulberry32Rng } from '../../random/index.js';
import type { RotationName } from '../types.js';

export const nameOf = (p: Partial<RotationName> & { symbol: string; z: number }): RotationName => ({
  weight: 0,
  cost: 0,
  restricted: false,
  cooldownMinutes: 0,
  ...p,
});

export const configOf = (spec: OptimizationConfigSpec = {}): OptimizationConfig => resolveConfig(spec);

/** A seeded random universe for property tests: sectors, holdings (at most K of them), costs. */
export function randomUniverse(seed: number, opts: { n: number; K: number; held: number; sectors?: number; ties?: boolean }): RotationName[] {
  const rng = createMulberry32Rng(seed);
  const sectors = opts.sectors ?? 5;
  const out: RotationName[] = [];
  const heldIdx = new Set<number>();
  while (heldIdx.size < Math.min(opts.held, opts.n)) heldIdx.add(rng.int(0, opts.n));
  for (let i = 0; i < opts.n; i++) {
    const z = opts.ties ? Math.round(rng.normal() * 4) / 4 : rng.normal() * 1.2;
    out.push(
      nameOf({
        symbol: `N${String(i).padStart(4, '0')}`,
        z,
        weight: heldIdx.has(i) ? 0.02 + rng.next() * 0.06 : 0,
        sector: `S${rng.int(0, sectors)}`,
        cost: rng.next() * 0.002,
      }),
    );
  }
  return out;
}
