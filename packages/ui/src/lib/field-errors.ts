/**
 * Maps the server's field-level issues (`{path, message}` from a 400) onto the form fields
 * that show them. A field at `a.b` claims issues at `a.b` and below it (`a.b[2].c`); an issue
 * no field claims is listed with the form, so nothing the server said is lost.
 */
import { normalizePath } from './json-path.js';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * An issue about a contradiction names both sides (`constraints.portfolio.net vs
 * constraints.portfolio.gross`): one issue per side, so each field shows it.
 */
export function splitSides(issues: readonly FieldIssue[]): FieldIssue[] {
  return issues.flatMap((i) => (i.path.includes(' vs ') ? i.path.split(' vs ').map((p) => ({ path: p.trim(), message: i.message })) : [i]));
}

/** `config.constraints.x` → `constraints.x` when the form edits the config alone. */
export function stripPrefix(issues: readonly FieldIssue[], prefix: string): FieldIssue[] {
  const p = normalizePath(prefix);
  if (!p) return issues.map((i) => ({ path: normalizePath(i.path), message: i.message }));
  return issues.flatMap((i) => {
    const n = normalizePath(i.path);
    if (n === p) return [{ path: '', message: i.message }];
    if (n.startsWith(`${p}.`)) return [{ path: n.slice(p.length + 1), message: i.message }];
    if (n.startsWith(`${p}[`)) return [{ path: n.slice(p.length), message: i.message }];
    return [];
  });
}

/** True when an issue at `issuePath` belongs to the field at `fieldPath`. */
export function claims(fieldPath: string, issuePath: string): boolean {
  const f = normalizePath(fieldPath);
  const i = normalizePath(issuePath);
  return i === f || i.startsWith(`${f}.`) || i.startsWith(`${f}[`);
}

export function issuesFor(issues: readonly FieldIssue[], fieldPath: string): FieldIssue[] {
  return issues.filter((i) => claims(fieldPath, i.path));
}

/** Issues no field claims (shown at the top of the form). */
export function unclaimed(issues: readonly FieldIssue[], fieldPaths: Iterable<string>): FieldIssue[] {
  const fields = [...fieldPaths];
  return issues.filter((i) => !fields.some((f) => claims(f, i.path)));
}

/**
 * What a numeric input holds: a number when the text is one, nothing when empty, and otherwise
 * the text itself — so the server names the field and the user's typing is kept.
 */
export function numberDraft(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t.replace(/[,_](?=\d{3})/g, ''));
  return Number.isFinite(n) && /^[-+]?(\d[\d,_]*\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? n : text;
}

/** The text a numeric input shows for a value (numbers plainly, drafts as typed). */
export function draftText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value);
}
