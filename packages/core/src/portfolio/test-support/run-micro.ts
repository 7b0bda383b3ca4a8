import type { PortfolioConfigInput } from '../config.js';
import { runPortfolio, type ConstraintDiagnostic, type PortfolioRunResult } from '../run-portfolio.js';
import { microBook, type MicroBookPatch } from './micro-book.js';

/** Micro-book config: nothing but what a test adds; the interior-point method for exactness. */
export function microConfig(extra: Record<string, unknown> = {}): PortfolioConfigInput {
  return {
    horizonDays: 21,
    risk: { aversion: 10 },
    costs: { marginFunding: 0 },
    synthetics: { createRedeem: false, efp: false, hedgeCredit: false },
    solver: { method: 'interior-point' },
    ...extra,
  } as PortfolioConfigInput;
}

export function runMicro(config: Record<string, unknown>, patch: MicroBookPatch = {}): PortfolioRunResult {
  return runPortfolio({ tables: microBook(patch), config: microConfig(config) });
}

export function diag(r: PortfolioRunResult, id: string): ConstraintDiagnostic {
  const d = r.diagnostics.find((x) => x.id === id);
  if (!d) throw new Error(`no diagnostic ${id}; have ${r.diagnostics.map((x) => x.id).join(', ')}`);
  return d;
}

/** The unrounded optimal objective (numeraire), from the independent evaluator. */
export const objective = (r: PortfolioRunResult): number => r.summary.objective.optimal.objective;
