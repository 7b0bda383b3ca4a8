import { z } from 'zod';
import { parseOrThrow } from '../contracts/index.js';
import type { ExecutionRequest } from './types.js';

// Zod's z.number() already rejects NaN and ±Infinity; every bound below is stated in the message
// so the CLI's "path: message" line tells the user the fix.
const positive = z.number().positive('must be > 0');
const nonNegative = z.number().nonnegative('must be ≥ 0');

const linear = z.strictObject({
  model: z.literal('linear'),
  beta: z.array(positive),
});

const exponent = z.number().gt(0, 'must be in (0, 1]').lte(1, 'must be in (0, 1]');
const powerLaw = z.strictObject({
  model: z.literal('powerLaw'),
  eta: z.array(positive),
  exponent: z.union([exponent, z.array(exponent)]),
});

const almgrenChriss = z.strictObject({
  model: z.literal('almgrenChriss'),
  sigma: positive,
  eta: positive,
  gamma: nonNegative,
  epsilon: nonNegative,
  lambda: nonNegative,
  tau: positive.optional(),
});

const impact = z.discriminatedUnion('model', [linear, powerLaw, almgrenChriss], {
  error: (iss) => (iss.code === 'invalid_union' ? 'model must be one of linear, powerLaw, almgrenChriss' : undefined),
});

export const executionRequestSchema = z
  .strictObject({
    totalShares: z.number().int('must be a whole number of shares').nonnegative('must be ≥ 0'),
    intervals: z.number().int('must be a whole number').positive('must be ≥ 1').max(10_000_000, 'must be ≤ 10,000,000'),
    impact,
    volume: z.array(nonNegative).optional(),
    participation: z.number().gt(0, 'must be in (0, 1]').lte(1, 'must be in (0, 1]').optional(),
    caps: z.array(nonNegative).optional(),
    sensitivityShares: z.array(z.number().int('must be a whole number of shares').nonnegative('must be ≥ 0')).max(100).optional(),
  })
  .superRefine((r, ctx) => {
    const n = r.intervals;
    const needLength = (arr: readonly unknown[] | undefined, path: (string | number)[]) => {
      if (arr && arr.length !== n) {
        ctx.addIssue({ code: 'custom', path, message: `has ${arr.length} entries, expected intervals = ${n}` });
      }
    };
    if (r.impact.model === 'linear') needLength(r.impact.beta, ['impact', 'beta']);
    if (r.impact.model === 'powerLaw') {
      needLength(r.impact.eta, ['impact', 'eta']);
      if (Array.isArray(r.impact.exponent)) needLength(r.impact.exponent, ['impact', 'exponent']);
    }
    if (r.impact.model === 'almgrenChriss') {
      // η̃ = η − γτ/2 must stay positive or E + λVar is not convex (the paper's standing assumption).
      const tau = r.impact.tau ?? 1;
      if (!(r.impact.eta - (r.impact.gamma * tau) / 2 > 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['impact', 'eta'],
          message: `must exceed gamma·tau/2 = ${(r.impact.gamma * tau) / 2} (η̃ = η − γτ/2 > 0 keeps the problem convex)`,
        });
      }
    }
    needLength(r.volume, ['volume']);
    needLength(r.caps, ['caps']);
    if (r.participation !== undefined && r.volume === undefined) {
      ctx.addIssue({ code: 'custom', path: ['participation'], message: 'needs volume (caps are participation · volume_t)' });
    }
    if (r.volume && r.volume.every((v) => v === 0)) {
      ctx.addIssue({ code: 'custom', path: ['volume'], message: 'is zero in every bin (VWAP needs some volume)' });
    }
  });

/** Validates an `ExecutionRequest` (MODELS.md §3); throws InputError naming each bad field. */
export function parseExecutionRequest(data: unknown, prefix: readonly PropertyKey[] = []): ExecutionRequest {
  return parseOrThrow(executionRequestSchema, data, prefix);
}
