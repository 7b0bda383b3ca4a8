import { ordersFromTargets } from '../orders/orders-from-targets.js';
import type { OmsOrder, OrderTarget } from '../orders/types.js';
import { diagnoseRotationInfeasibility, type InfeasibilityDiagnosis } from './elastic.js';
import { solveGreedyRotation } from './greedy.js';
import { decideTrade, type PolicyOutcome } from './policy.js';
import type { QpSolveFn, QpSolveSettings } from './qp-contract.js';
import { solveQpRotation, type QpRotationInfo } from './qp-engine.js';
import { defaultQpSolve } from './qp-backend.js';
import { parseRotationRequest } from './schema.js';
import type { EngineResult, GreedyInfo, RotationEngine, RotationProblem, RotationResult } from './types.js';

export interface RotationOptions {
  /** Chosen at run time; default greedy (seed 05: "recommended for intraday"). */
  readonly engine?: RotationEngine;
  /** The QP solver; default `solveQp` of @keel/solver-native/qp (native backend when it loads). */
  readonly solve?: QpSolveFn;
  readonly qpSettings?: QpSolveSettings;
}

export interface OrdersInfo {
  /** `ok`, or why no orders were produced: no NAV in state, or names to trade without a price. */
  readonly status: 'ok' | 'no_nav' | 'missing_prices';
  readonly missingPrices: readonly string[];
  /** Names whose whole-share position could not meet the cap exactly (kept on the safe side). */
  readonly roundedInsideBounds: readonly string[];
}

export interface RotationPlan {
  readonly engine: RotationEngine;
  readonly result: EngineResult<GreedyInfo | QpRotationInfo>;
  readonly policy: PolicyOutcome;
  readonly orders: readonly OmsOrder[];
  readonly ordersInfo: OrdersInfo;
}

export function runEngine(problem: RotationProblem, options: RotationOptions = {}): EngineResult<GreedyInfo | QpRotationInfo> {
  const engine = options.engine ?? 'greedy';
  if (engine === 'greedy') return solveGreedyRotation(problem.universe, problem.config, problem.state);
  return solveQpRotation(problem, { solve: options.solve ?? defaultQpSolve, ...(options.qpSettings ? { settings: options.qpSettings } : {}) });
}

/** Whole-share orders that move the book from its current shares to `tradeTargets`. */
export function ordersForTargets(problem: RotationProblem, tradeTargets: Float64Array, engine: RotationEngine): { orders: readonly OmsOrder[]; info: OrdersInfo } {
  const { universe, config, state } = problem;
  const nav = state.nav;
  if (nav === undefined) return { orders: [], info: { status: 'no_nav', missingPrices: [], roundedInsideBounds: [] } };
  const missing: string[] = [];
  const targets: OrderTarget[] = [];
  const lowerCap = engine === 'greedy' || config.long_only ? 0 : -config.per_name_cap;
  universe.forEach((u, i) => {
    const to = tradeTargets[i]!;
    const moves = to !== u.weight;
    if (u.price === undefined) {
      if (moves) missing.push(u.symbol);
      return;
    }
    const currentShares = u.shares ?? Math.round((u.weight * nav) / u.price);
    if (!moves) return;
    // A target at zero is exactly zero shares; otherwise round to the nearest share without
    // crossing the cap the engine respected.
    targets.push(
      to === 0
        ? { symbol: u.symbol, price: u.price, currentShares, targetShares: 0 }
        : { symbol: u.symbol, price: u.price, currentShares, targetWeight: to, minNotional: Math.min(lowerCap * nav, u.weight * nav), maxNotional: Math.max(config.per_name_cap * nav, u.weight * nav) },
    );
  });
  if (missing.length) return { orders: [], info: { status: 'missing_prices', missingPrices: missing, roundedInsideBounds: [] } };
  const r = ordersFromTargets({ nav, targets });
  return { orders: r.orders, info: { status: 'ok', missingPrices: [], roundedInsideBounds: r.rows.filter((x) => x.boundsUnattainable).map((x) => x.symbol) } };
}

/** Engine → policy → orders, synchronously (no infeasibility diagnosis). */
export function planRotation(problem: RotationProblem, options: RotationOptions = {}): RotationPlan {
  const engine = options.engine ?? 'greedy';
  const result = runEngine(problem, options);
  const usable = result.info.engine === 'greedy' || result.info.status === 'optimal';
  const policy = decideTrade(problem.universe, result.targets, problem.config, problem.state, usable);
  const o = policy.decision.trade ? ordersForTargets(problem, policy.tradeTargets, engine) : { orders: [], info: { status: 'ok' as const, missingPrices: [], roundedInsideBounds: [] } };
  return { engine, result, policy, orders: o.orders, ordersInfo: o.info };
}

/**
 * `keel rotate`: validates a RotationRequest, runs the chosen engine, the policy layer and the
 * order builder, and on an infeasible QP names the conflicting constraints.
 */
export async function rotate(request: unknown, options: RotationOptions = {}): Promise<RotationResult> {
  const problem = parseRotationRequest(request);
  const plan = planRotation(problem, options);
  let diagnosis: InfeasibilityDiagnosis | undefined;
  if (plan.result.info.engine === 'qp' && plan.result.info.status === 'infeasible' && !plan.result.info.diagnosis) {
    diagnosis = await diagnoseRotationInfeasibility(problem.universe, problem.config);
  }
  const targets: Record<string, number> = {};
  problem.universe.forEach((u, i) => (targets[u.symbol] = plan.result.targets[i]!));
  return {
    engine: plan.engine,
    targets,
    changes: plan.result.changes,
    orders: plan.orders,
    decision: plan.policy.decision,
    info: { ...plan.result.info, ...(diagnosis ? { diagnosis } : {}), orders: plan.ordersInfo },
  };
}
