/**
 * The `bucketed` strategy: seed 02's pre-bucketing (buckets.ts), then the same MIP as `exact`
 * with each bucket assigned as a unit. It is a restriction of `exact`, so it can never beat it;
 * in exchange the MIP has fewer assignment variables. A bucket MIP that is infeasible proves
 * nothing about the book (the buckets may be what makes it infeasible): the strategy then reports
 * no incumbent and the orchestrator falls back to greedy.
 */
import type { AllocationStrategy, StrategyContext, StrategyOutcome } from '../types.js';
import { greedyStart, mipSettingsFrom, mipSolverInfo, runMipStrategy } from '../exact/strategy.js';
import { buildBuckets } from './buckets.js';
import type { Bucketing } from './buckets.js';

/** Greedy's allocation is a usable start only if it keeps every bucket in one account. */
function respectsBuckets(b: Bucketing, q: Float64Array, nAcc: number): boolean {
  for (const bucket of b.buckets) {
    if (bucket.trades.length < 2) continue;
    const home = (t: number) => {
      for (let a = 0; a < nAcc; a++) if (q[t * nAcc + a]! > 0) return a;
      return -1;
    };
    const a0 = home(bucket.trades[0]!);
    if (bucket.trades.some((t) => home(t) !== a0 || q.subarray(t * nAcc, (t + 1) * nAcc).filter((v) => v > 0).length !== 1)) {
      return false;
    }
  }
  return true;
}

export async function runBucketed(ctx: StrategyContext): Promise<StrategyOutcome> {
  const t0 = performance.now();
  const bucketing = buildBuckets(ctx.model, ctx.scenarios);
  const bucketMs = performance.now() - t0;
  const g = await greedyStart(ctx);
  const start = g && respectsBuckets(bucketing, g, ctx.model.nAcc) ? g : undefined;
  const settings = mipSettingsFrom(ctx, start ? { start } : {});
  const { mip, ...outcome } = await runMipStrategy(ctx.model, ctx.scenarios, settings, 'highs (bucketed)', bucketing.groups);
  const s = bucketing.stats;
  const note =
    `buckets: ${s.sameSecurity} same-security pairs, ${s.matched} pairs matched by the Hungarian algorithm ` +
    `(total mismatch ${s.mismatch.toFixed(3)}), ${s.single} single trades; bucketing took ${bucketMs.toFixed(1)} ms`;
  if (outcome.kind === 'allocation') {
    // Optimal over bucketed assignments only — never a proof of optimality for the book.
    const proof = outcome.provenOptimal ? 'the bucket MIP is solved to optimality (optimal among allocations that keep every bucket together, not proven optimal for the book)' : 'the bucket MIP stopped before proving optimality';
    return { ...outcome, provenOptimal: false, notes: [note, proof, ...(outcome.notes ?? [])] };
  }
  if (outcome.kind === 'infeasible') {
    return {
      kind: 'no_incumbent',
      solver: mipSolverInfo(mip.info, 'highs (bucketed)'),
      reason: 'the bucket MIP is infeasible; the buckets may be what makes it so, which proves nothing about the book',
    };
  }
  return outcome;
}

export const bucketedStrategy: AllocationStrategy = { name: 'bucketed', run: runBucketed };
