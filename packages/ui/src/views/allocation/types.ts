/**
 * The parts of MODELS.md §1 (AllocationRequest / AllocationResult) this view reads. Declared
 * here rather than imported from @keel/core: the UI reaches the engines over HTTP only.
 */
export const STRATEGIES = ['exact', 'bucketed', 'greedy'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface AllocationTradeSpec {
  id: string;
  side: 'buy' | 'sell';
  security: string;
  quantity: number;
  price?: number;
}
export interface AllocationConstraintSpec {
  id: string;
  metric?: string;
  ratio?: [string, string];
  lhs?: { metric: string; coef: number }[];
  op: '<=' | '>=';
  limit: unknown;
  soft?: { penalty: number };
}
export interface AllocationAccountSpec {
  id: string;
  cash: number;
  constraints?: AllocationConstraintSpec[];
}
export interface AllocationRequestLike {
  securities?: { id: string; type?: string }[];
  trades?: AllocationTradeSpec[];
  accounts?: AllocationAccountSpec[];
  scenarios?: { returns?: unknown[]; generate?: { count?: number } };
  options?: Record<string, unknown>;
}

export interface AssignmentRow {
  trade: string;
  account: string;
  quantity: number;
}
export interface MetricReport {
  id: string;
  base: number;
  worst: number;
  worstScenario: number;
  min?: number;
  minScenario?: number;
  max?: number;
  maxScenario?: number;
}
export interface ComplianceRow {
  account: string;
  constraint: string;
  kind?: 'metric' | 'ratio' | 'linear';
  op: '<=' | '>=';
  limit: number;
  base: number;
  worst: number;
  worstScenario: number;
  headroom: number;
  pass: boolean;
  soft?: boolean;
}
export interface Relaxation {
  account: string;
  constraint: string;
  op: string;
  limit: number;
  relaxation: number;
  relaxedLimit: number;
}
export interface AllocationResult {
  status: string;
  strategy: Strategy;
  message?: string;
  assignments: AssignmentRow[];
  accounts: { id: string; cash: number; metrics: MetricReport[] }[];
  compliance: ComplianceRow[];
  objective: { value: number; terms: Record<string, number | undefined>; scale?: Record<string, number> };
  solver: { name: string; status: string; mipGap: number | null; timeMs: number; nodes: number | null; rounds: number | null; scenarioRowsAdded: number | null };
  diagnostics?: { relaxations?: Relaxation[]; notes?: string[] };
  audit?: { runId: string; inputHash: string; version: string; createdAt: string; strategy: string; settings: Record<string, unknown> };
}

/** A compliance row is binding when its normalised slack is this small (0.5% of the limit). */
export const BINDING_HEADROOM = 0.005;
