import { InputError, type InputIssue } from '../errors/index.js';
import { DEFAULT_QP_SETTINGS, QP_METHODS, type QpSettings } from './types.js';

type Rule =
  | { kind: 'number'; min: number; max: number; open?: 'min' | 'max' | 'both'; integer?: boolean }
  | { kind: 'boolean' }
  | { kind: 'choice'; values: readonly string[] };

const num = (min: number, max: number, open?: 'min' | 'max' | 'both', integer = false): Rule => ({ kind: 'number', min, max, open, integer });
const bool: Rule = { kind: 'boolean' };

/** One rule per field, so every field of QpSettings is validated (the Record type enforces it). */
const RULES: Record<keyof QpSettings, Rule> = {
  method: { kind: 'choice', values: QP_METHODS },
  rho: num(0, Infinity, 'both'),
  sigma: num(0, Infinity, 'both'),
  alpha: num(0, 2, 'both'),
  epsAbs: num(0, Infinity, 'max'),
  epsRel: num(0, Infinity, 'max'),
  epsPrimInf: num(0, Infinity, 'both'),
  epsDualInf: num(0, Infinity, 'both'),
  maxIter: num(1, 1e9, undefined, true),
  timeLimitSec: num(0, Infinity, 'max'),
  scalingIterations: num(0, 100, undefined, true),
  adaptiveRho: bool,
  adaptiveRhoInterval: num(0, 1e9, undefined, true),
  adaptiveRhoTolerance: num(1, Infinity, 'max'),
  checkTermination: num(1, 1e9, undefined, true),
  polish: bool,
  polishDelta: num(0, 1, 'min'),
  polishRefineIter: num(0, 1000, undefined, true),
  warmStart: bool,
  warmFallback: bool,
  ipmCountedOrder: bool,
  scaledTermination: bool,
};

const describe = (r: Extract<Rule, { kind: 'number' }>): string => {
  const lo = r.open === 'min' || r.open === 'both' ? `> ${r.min}` : `≥ ${r.min}`;
  const hi = r.max === Infinity ? '' : r.open === 'max' || r.open === 'both' ? ` and < ${r.max}` : ` and ≤ ${r.max}`;
  return `${r.integer ? 'an integer' : 'a number'} ${lo}${hi}`;
};

/** The issue for one field, or undefined when the value is acceptable. */
function checkField(key: keyof QpSettings, value: unknown): string | undefined {
  const rule = RULES[key];
  if (rule.kind === 'boolean') return typeof value === 'boolean' ? undefined : `must be a boolean (got ${JSON.stringify(value)})`;
  if (rule.kind === 'choice') return typeof value === 'string' && rule.values.includes(value) ? undefined : `must be one of ${rule.values.join(', ')} (got ${JSON.stringify(value)})`;
  if (typeof value !== 'number' || Number.isNaN(value)) return `must be ${describe(rule)} (got ${JSON.stringify(value)})`;
  const belowMin = rule.open === 'min' || rule.open === 'both' ? value <= rule.min : value < rule.min;
  const aboveMax = rule.open === 'max' || rule.open === 'both' ? value >= rule.max : value > rule.max;
  if (belowMin || aboveMax || (rule.integer && !Number.isInteger(value))) return `must be ${describe(rule)} (got ${value})`;
  return undefined;
}

/**
 * Merges a partial settings object over DEFAULT_QP_SETTINGS once, validating every given field
 * and rejecting unknown keys. Issues are reported as `settings.<field>` (or `<prefix>.<field>`).
 */
export function resolveQpSettings(partial?: Partial<QpSettings> | unknown, prefix = 'settings'): QpSettings {
  if (partial === undefined || partial === null) return DEFAULT_QP_SETTINGS;
  if (typeof partial !== 'object' || Array.isArray(partial)) {
    throw new InputError({ path: prefix, message: 'must be an object of QP settings' });
  }
  const issues: InputIssue[] = [];
  const merged: Record<string, unknown> = { ...DEFAULT_QP_SETTINGS };
  for (const [key, value] of Object.entries(partial as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(RULES, key)) {
      issues.push({ path: `${prefix}.${key}`, message: `unknown setting (known: ${Object.keys(RULES).join(', ')})` });
      continue;
    }
    const problem = checkField(key as keyof QpSettings, value);
    if (problem) issues.push({ path: `${prefix}.${key}`, message: problem });
    else merged[key] = value;
  }
  if (issues.length) throw new InputError(issues);
  return Object.freeze(merged as unknown as QpSettings);
}

/** The subset of settings a workspace accepts after setup (QpWorkspace.updateSettings). */
export const UPDATABLE_QP_SETTINGS = ['maxIter', 'epsAbs', 'epsRel', 'timeLimitSec', 'polish', 'warmStart', 'checkTermination'] as const;
