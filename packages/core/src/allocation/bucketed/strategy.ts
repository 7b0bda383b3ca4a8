/**
 * The `bucketed` strategy: seed 02's pre-bucketing (buckets.ts), then the same MIP as `exact`
 * with each bucket assigned as a unit. It is a restriction of `exact`, so it can never beat it;
 * in exchange the MIP has fewer assignment variables.
 *
 * A bucket MIP that is infeasible proves nothing about the book — the buckets may be what makes
 * it so (on tight books a pair can fit no account together while each trade fits somewhere). The
 * strategy then refines the buckets and solves again, in the time left: first it dissolves the
 * pairs matched across securities (keeping same-security pairs, which net), then every pair —
 * which is exact's own MIP, so only there does infeasibility prove the book infeasible (and get
 * the elastic diagnostics). The notes say which level produced the allocation.
 */
import type { AllocationModel } from '../model.js';
import type { AllocationStrategy, StrategyContext, StrategyOutcome } from '../types.js';
import { allocationOutcome, greedyStart, mipSettingsFrom, mipSolverInfo, runMipStrategy } from '../exact/strategy.js';
import { solveAllocationMip } from '../exact/solve.js';
import type { TradeGroup } from '../exact/formulation.js';
import { buildBuckets } from './buckets.js';
import type { Bucket, Bucketing } from './buckets.js';

/** Greedy's allocation is a usable start only if it keeps every bucket of `groups` in one account. */
function respectsGroups(groups: readonly TradeGroup[], q: Float64Array, nAcc: number): boolean {
  for (const g of groups) {
    if (g.trades.length < 2) continue;
    const home = (t: number) => {
      for (let a = 0; a < nAcc; a++) if (q[t * nAcc + a]! > 0) return a;
      return -1;
    };
    const a0 = home(g.trades[0]!);
    if (g.trades.some((t) => home(t) !== a0 || q.subarray(t * nAcc, (t + 1) * nAcc).filter((v) => v > 0).length !== 1)) {
      return false;
    }
  }
  return true;
}

/** The MIP groups of `buckets` with the pairs `dissolve` picks split into single trades (keeping their lots). */
function groupsOf(model: AllocationModel, buckets: readonly Bucket[], dissolve: (b: Bucket) => boolean): TradeGroup[] {
  const groups: TradeGroup[] = [];
  for (const b of buckets) {
    if (b.trades.length === 1 || dissolve(b)) for (const t of b.trades) groups.push({ trades: [t], units: model.tradeLots[t]! });
    else groups.push({ trades: b.trades, units: 1 });
  }
  return groups.sort((x, y) => x.trades[0]! - y.trades[0]!);
}

interface Level {
  readonly name: string;
  readonly groups: readonly TradeGroup[];
  /** Every group a single trade: exact's own MIP. */
  readonly exact: boolean;
}

/** The buckets as built, then without cross-security pairs, then without any pair; each only if it differs from the one before. */
function levelsOf(model: AllocationModel, b: Bucketing): Level[] {
  const pairs = b.stats.sameSecurity + b.stats.matched;
  const levels: Level[] = [{ name: 'all buckets', groups: b.groups, exact: pairs === 0 }];
  if (b.stats.matched > 0 && b.stats.sameSecurity > 0) levels.push({ name: 'same-security pairs only', groups: groupsOf(model, b.buckets, (x) => x.kind === 'matched'), exact: false });
  if (pairs > 0) levels.push({ name: 'no buckets', groups: groupsOf(model, b.buckets, () => true), exact: true });
  return levels;
}

export async function runBucketed(ctx: StrategyContext): Promise<StrategyOutcome> {
  const t0 = performance.now();
  const deadline = t0 + ctx.settings.timeLimitSec * 1000;
  const bucketing = buildBuckets(ctx.model, ctx.scenarios);
  const bucketMs = performance.now() - t0;
  const g = await greedyStart(ctx);
  const s = bucketing.stats;
  const notes = [
    `buckets: ${s.sameSecurity} same-security pairs, ${s.matched} pairs matched by the Hungarian algorithm ` +
      `(total mismatch ${s.mismatch.toFixed(3)}), ${s.single} single trades; bucketing took ${bucketMs.toFixed(1)} ms`,
  ];
  const levels = levelsOf(ctx.model, bucketing);
  for (let li = 0; li < levels.length; li++) {
    const level = levels[li]!;
    const left = Math.max(0.05, (deadline - performance.now()) / 1000);
    const start = g && respectsGroups(level.groups, g, ctx.model.nAcc) ? g : undefined;
    const settings = mipSettingsFrom(ctx, { timeLimitSec: left, ...(start ? { start } : {}) });
    if (level.exact) {
      // Exact's own MIP: here infeasibility proves the book infeasible (with the diagnostics).
      const { mip, ...outcome } = await runMipStrategy(ctx.model, ctx.scenarios, settings, NAME, level.groups);
      return outcome.kind === 'allocation' ? withLevel(outcome, notes, level, li, mip.kind === 'solved' && mip.proven) : outcome;
    }
    const mip = await solveAllocationMip(ctx.model, ctx.scenarios, { ...settings, groups: level.groups });
    if (mip.kind === 'solved') return withLevel(allocationOutcome(mip, NAME), notes, level, li, mip.proven);
    if (mip.kind === 'no_incumbent') return { kind: 'no_incumbent', solver: mipSolverInfo(mip.info, NAME), reason: mip.reason };
    notes.push(`the bucket MIP with ${level.name} is infeasible (the buckets may be why, which proves nothing about the book)`);
    if (li + 1 === levels.length || (deadline - performance.now()) / 1000 <= 0.05) {
      return {
        kind: 'no_incumbent',
        solver: mipSolverInfo(mip.info, NAME),
        reason: `the bucket MIP is infeasible with ${level.name}${li + 1 < levels.length ? ' and no time is left to refine the buckets' : ''}; that proves nothing about the book`,
      };
    }
  }
  throw new Error('bucketed: no bucketing level'); // levelsOf returns at least one
}

const NAME = 'highs (bucketed)';

/** An allocation with the bucketing notes; optimal for the book only when the level is exact's MIP and proved it. */
function withLevel(outcome: Extract<StrategyOutcome, { kind: 'allocation' }>, notes: readonly string[], level: Level, index: number, proven: boolean): StrategyOutcome {
  const proof = level.exact
    ? `every bucket dissolved: exact's own MIP, ${proven ? 'proved optimal' : 'stopped before proving optimality'}`
    : proven
      ? `the bucket MIP (${level.name}) is solved to optimality (optimal among allocations that keep those buckets together, not proven optimal for the book)`
      : `the bucket MIP (${level.name}) stopped before proving optimality`;
  return {
    ...outcome,
    provenOptimal: level.exact && proven,
    notes: [...notes, ...(index > 0 ? [`allocation from refinement level ${index + 1}: ${level.name}`] : []), proof, ...(outcome.notes ?? [])],
  };
}

export const bucketedStrategy: AllocationStrategy = { name: 'bucketed', run: runBucketed };
