/**
 * Input errors are thrown before any work starts; outcomes of a solve (infeasible, time limit)
 * are statuses, never errors. One issue per offending field, named by a path such as
 * `trades[3].quantity` (JSON) or `positions.csv:12:price` (table:row:column).
 */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

export class InputError extends Error {
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[] | InputIssue) {
    const list = Array.isArray(issues) ? issues : [issues as InputIssue];
    super(list.map((i) => `${i.path || '(root)'}: ${i.message}`).join('\n'));
    this.name = 'InputError';
    this.issues = list;
  }
}

export const isInputError = (e: unknown): e is InputError => e instanceof InputError;

/** Formats a path from keys and indices: ['trades', 3, 'quantity'] → `trades[3].quantity`. */
export function formatPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
