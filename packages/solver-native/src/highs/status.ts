import type { ModelStatus } from '../model/types.js';

/** HiGHS model-status codes (highs.constants.modelStatus) → our snake_case union. */
const BY_CODE: Readonly<Record<number, { status: ModelStatus; name: string }>> = {
  0: { status: 'error', name: 'not_set' },
  1: { status: 'error', name: 'load_error' },
  2: { status: 'error', name: 'model_error' },
  3: { status: 'error', name: 'presolve_error' },
  4: { status: 'error', name: 'solve_error' },
  5: { status: 'error', name: 'postsolve_error' },
  6: { status: 'optimal', name: 'empty' }, // an empty model is trivially solved
  7: { status: 'optimal', name: 'optimal' },
  8: { status: 'infeasible', name: 'infeasible' },
  9: { status: 'infeasible_or_unbounded', name: 'unbounded_or_infeasible' },
  10: { status: 'unbounded', name: 'unbounded' },
  11: { status: 'interrupted', name: 'objective_bound' },
  12: { status: 'interrupted', name: 'objective_target' },
  13: { status: 'time_limit', name: 'time_limit' },
  14: { status: 'iteration_limit', name: 'iteration_limit' },
  15: { status: 'error', name: 'unknown' },
  16: { status: 'solution_limit', name: 'solution_limit' },
  17: { status: 'interrupted', name: 'interrupted' },
};

export function mapHighsStatus(code: number): { status: ModelStatus; name: string } {
  return BY_CODE[code] ?? { status: 'error', name: `code_${code}` };
}

/** HiGHS `primal_solution_status`: 2 = feasible point available. */
export const HIGHS_SOLUTION_FEASIBLE = 2;
