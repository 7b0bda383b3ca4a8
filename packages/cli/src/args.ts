import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '@keel/core';

/** node:util parseArgs with unknown flags reported as input errors (exit code 2). */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

export function parseCommandArgs(args: string[], options: NonNullable<ParseArgsConfig['options']>): ParsedArgs {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: r.values as ParsedArgs['values'], positionals: r.positionals };
  } catch (e) {
    throw new InputError({ path: 'argv', message: (e as Error).message });
  }
}

/** An integer flag ≥ min; when absent, `fallback`, or an error when there is none. */
export function intFlag(flag: string, value: string | boolean | undefined, min: number, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new InputError({ path: `--${flag}`, message: 'is required' });
  }
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min) throw new InputError({ path: `--${flag}`, message: `must be an integer ≥ ${min} (got "${String(value)}")` });
  return n;
}

/** Validates a flag against a closed set of values. */
export function oneOf<const V extends string>(flag: string, value: string | undefined, allowed: readonly V[]): V | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as V;
  throw new InputError({ path: `--${flag}`, message: `must be one of ${allowed.join(', ')} (got "${value}")` });
}
