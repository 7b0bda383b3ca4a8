import type { Universe } from '../data/universe.js';
import type { ConstraintSpec } from './constraints.js';

/**
 * The hard per-instrument limits folded into boxes (numeraire money): the position interval
 * [posLo, posHi] and the market-trade cap |u| ≤ tradeCap, each side remembering which
 * constraint set it (for pre-solve diagnostics and for attributing a bound's dual).
 * Restricted and frozen instruments have `fixed` set: no market trade, no conversion.
 */
export interface InstrumentBounds {
  readonly posLo: Float64Array;
  readonly posHi: Float64Array;
  readonly posLoBy: (ConstraintSpec | null)[];
  readonly posHiBy: (ConstraintSpec | null)[];
  readonly tradeCap: Float64Array;
  readonly tradeCapBy: (ConstraintSpec | null)[];
  readonly fixed: Uint8Array;
  readonly fixedBy: (ConstraintSpec | null)[];
}

/** Money interval of the position `h` a hard position-type constraint allows. */
export function positionInterval(c: ConstraintSpec, universe: Universe): [number, number] | null {
  const u = universe.instruments[c.instrument as number];
  if (!u) return null;
  switch (c.kind) {
    case 'positionNotional':
      return [c.lower * c.scale, c.upper * c.scale];
    case 'positionAdv':
      return [-c.upper * c.scale, c.upper * c.scale];
    case 'marginContribution': {
      const cap = (c.upper * c.scale) / u.marginRate;
      return [-cap, cap];
    }
    case 'noNewShorts':
    case 'noNewLongs':
      return [c.lower, c.upper];
    default:
      return null;
  }
}

export function instrumentBounds(universe: Universe, constraints: readonly ConstraintSpec[]): InstrumentBounds {
  const inst = universe.instruments;
  const n = inst.length;
  const b: InstrumentBounds = {
    posLo: new Float64Array(n).fill(-Infinity),
    posHi: new Float64Array(n).fill(Infinity),
    posLoBy: new Array(n).fill(null),
    posHiBy: new Array(n).fill(null),
    tradeCap: new Float64Array(n).fill(Infinity),
    tradeCapBy: new Array(n).fill(null),
    fixed: new Uint8Array(n),
    fixedBy: new Array(n).fill(null),
  };
  for (const c of constraints) {
    if (c.level !== 'instrument' || c.soft) continue;
    const i = c.instrument as number;
    if (c.kind === 'restricted' || c.kind === 'frozen') {
      b.fixed[i] = 1;
      b.fixedBy[i] = c;
      continue;
    }
    if (c.kind === 'tradeNotional' || c.kind === 'tradeAdv') {
      const cap = c.upper * c.scale;
      if (cap < (b.tradeCap[i] as number)) {
        b.tradeCap[i] = cap;
        b.tradeCapBy[i] = c;
      }
      continue;
    }
    // positionInterval, inlined: no pair allocated per constraint (60,000 of them at 15k).
    let lo: number;
    let hi: number;
    switch (c.kind) {
      case 'positionNotional':
        lo = c.lower * c.scale;
        hi = c.upper * c.scale;
        break;
      case 'positionAdv':
        hi = c.upper * c.scale;
        lo = -hi;
        break;
      case 'marginContribution':
        hi = (c.upper * c.scale) / (inst[i] as (typeof inst)[number]).marginRate;
        lo = -hi;
        break;
      case 'noNewShorts':
      case 'noNewLongs':
        lo = c.lower;
        hi = c.upper;
        break;
      default:
        continue;
    }
    if (lo > (b.posLo[i] as number)) {
      b.posLo[i] = lo;
      b.posLoBy[i] = c;
    }
    if (hi < (b.posHi[i] as number)) {
      b.posHi[i] = hi;
      b.posHiBy[i] = c;
    }
  }
  return b;
}
