/**
 * The `AllocationResult` contract (MODELS.md §1) and the strategy interface every allocation
 * strategy (exact, bucketed, greedy) implements.
 *
 * Scenario indices everywhere: σ = 0 is the base (no price change), σ ≥ 1 is row σ−1 of the
 * scenario matrix (explicit `returns` or generated).
 */
import type { AllocationModel } from './model.js';
import type { AllocationOptions, ConstraintOp, StrategyName } from './schema.js';

export const ALLOCATION_STATUSES = ['optimal', 'feasible', 'infeasible', 'fallback', 'error'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

/** Scenario returns without the base: S × nSec row-major relative clean-price changes. */
export interface ScenarioSet {
  readonly count: number;
  readonly nSec: number;
  readonly returns: Float64Array;
}

export interface AssignmentRow {
  readonly trade: string;
  readonly account: string;
  /** Face. With allowSplit a trade may appear on several rows. */
  readonly quantity: number;
}

export interface MetricReport {
  readonly id: string;
  readonly base: number;
  /** The bad extreme: max for metrics only bounded above, min for those only bounded below, else max. */
  readonly worst: number;
  readonly worstScenario: number;
  readonly min: number;
  readonly minScenario: number;
  readonly max: number;
  readonly maxScenario: number;
}

export interface AccountReport {
  readonly id: string;
  /** Post-trade cash. */
  readonly cash: number;
  readonly metrics: readonly MetricReport[];
}

export interface ComplianceRow {
  readonly account: string;
  readonly constraint: string;
  readonly kind: 'metric' | 'ratio' | 'linear';
  readonly op: ConstraintOp;
  readonly limit: number;
  /** The constrained quantity (metric, ratio num/den, or Σ coef·metric) at the base. */
  readonly base: number;
  /** Its value in the scenario with the least headroom. */
  readonly worst: number;
  readonly worstScenario: number;
  /** Smallest normalised slack over scenarios (≥ 0 passes); see model.ts. */
  readonly headroom: number;
  readonly pass: boolean;
  readonly soft: boolean;
}

export interface ObjectiveTerms {
  /** Money over the horizon (post-trade positions at base prices). */
  readonly financingCost?: number;
  /** Smallest normalised slack over hard constraints, accounts, scenarios (higher is better). */
  readonly headroom?: number;
  /** Σ over accounts of CVaR_alpha of scenario loss, money. */
  readonly risk?: number;
  /** Σ penalty·(normalised worst violation) over soft constraints. */
  readonly softPenalty?: number;
}

export interface ObjectiveReport {
  /** Σ weight·term/scale (headroom enters negated), plus softPenalty. Lower is better. */
  readonly value: number;
  readonly terms: ObjectiveTerms;
  readonly scale: { readonly financingCost: number; readonly headroom: number; readonly risk: number };
}

export interface SolverInfo {
  readonly name: string;
  /** The solver's own status string (e.g. HiGHS model status), informational. */
  readonly status: string;
  readonly mipGap: number | null;
  readonly timeMs: number;
  readonly nodes: number | null;
  readonly rounds: number | null;
  readonly scenarioRowsAdded: number | null;
  /** The objective value as the strategy computed it (compared with the evaluated one). */
  readonly objective?: number | null;
}

export interface ConstraintRelaxation {
  readonly account: string;
  readonly constraint: string;
  readonly op: ConstraintOp;
  readonly limit: number;
  /** Smallest change of the limit that makes the book feasible (in the constraint's units). */
  readonly relaxation: number;
  readonly relaxedLimit: number;
}

export interface AllocationDiagnostics {
  readonly relaxations?: readonly ConstraintRelaxation[];
  readonly notes?: readonly string[];
}

export interface AuditRecord {
  readonly runId: string;
  /** sha256 of the canonical JSON of the parsed request (sorted keys, defaults filled). */
  readonly inputHash: string;
  readonly version: string;
  readonly createdAt: string;
  readonly strategy: StrategyName;
  readonly settings: AllocationOptions;
}

export interface AllocationResult {
  readonly status: AllocationStatus;
  /** The strategy requested; `solver.name` says what actually produced the allocation. */
  readonly strategy: StrategyName;
  /** Why the status is what it is when it is not plainly `optimal`/`feasible`. */
  readonly message?: string;
  readonly assignments: readonly AssignmentRow[];
  readonly accounts: readonly AccountReport[];
  readonly compliance: readonly ComplianceRow[];
  readonly objective: ObjectiveReport;
  readonly solver: SolverInfo;
  readonly diagnostics?: AllocationDiagnostics;
  readonly audit: AuditRecord;
}

// ---------------------------------------------------------------------------------------
// Strategy interface

export interface StrategyProgress {
  readonly phase: string;
  /** 0..1 when known. */
  readonly fraction?: number;
  readonly message?: string;
}

/** Resolved settings a strategy runs with (request options + caller overrides). */
export type AllocationSettings = AllocationOptions;

export interface StrategyContext {
  readonly model: AllocationModel;
  readonly scenarios: ScenarioSet;
  readonly settings: AllocationSettings;
  readonly signal: AbortSignal;
  progress(p: StrategyProgress): void;
}

/**
 * What a strategy hands back. `allocation`: a trade × account quantity matrix (face,
 * row-major `q[t·nAcc + a]`, each row summing to the trade's quantity, multiples of `lot` when
 * split). The orchestrator validates it independently before any status is given.
 * `infeasible`: the strategy proved that no allocation satisfies the hard constraints.
 * `no_incumbent`: it ran out of time/nodes without any allocation; the orchestrator then runs
 * greedy and reports `fallback`.
 */
export type StrategyOutcome =
  | {
      readonly kind: 'allocation';
      readonly quantities: Float64Array;
      /** True only when the strategy proved optimality within mipRelGap. */
      readonly provenOptimal: boolean;
      readonly solver: SolverInfo;
      /** Set when this allocation came from a fallback (e.g. greedy after a MIP without incumbent). */
      readonly fallbackReason?: string;
      readonly notes?: readonly string[];
    }
  | {
      readonly kind: 'infeasible';
      readonly solver: SolverInfo;
      readonly diagnostics?: AllocationDiagnostics;
    }
  | {
      readonly kind: 'no_incumbent';
      readonly solver: SolverInfo;
      readonly reason: string;
    };

export interface AllocationStrategy {
  readonly name: StrategyName;
  run(ctx: StrategyContext): Promise<StrategyOutcome>;
}
