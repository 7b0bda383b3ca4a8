import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseQpProblem } from './problem.js';
import type { QpProblem } from './types.js';

/**
 * The Maros–Meszaros convex QP test set as shipped beside the repository
 * (`<repo>/../shared/data/maros-meszaros`, see its README for provenance and licences).
 * `KEEL_MAROS_MESZAROS_DIR` overrides the location.
 */
export interface MarosMeszarosEntry {
  readonly name: string;
  readonly n: number;
  readonly m: number;
  readonly nnzP: number;
  readonly nnzA: number;
  /** Optimal ½xᵀPx + qᵀx + r, 8 significant digits. */
  readonly referenceObjective: number;
  readonly file: string;
}

/** Problems whose optimum is about 0: compare them with an absolute tolerance (data README). */
export const MAROS_MESZAROS_NEAR_ZERO: ReadonlySet<string> = new Set(['HS51', 'TAME', 'HS268', 'S268']);

/** A small, fast subset covering equalities, bounds, LP-like and degenerate problems. */
export const MAROS_MESZAROS_SMALL = ['HS21', 'HS35', 'HS51', 'HS76', 'HS118', 'HS268', 'TAME', 'QAFIRO', 'DUALC1', 'GENHS28', 'LOTSCHD', 'QPTEST', 'ZECEVIC2'] as const;

function repoRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The data directory, or undefined (with the reason in `marosMeszarosMissingReason`). */
export function findMarosMeszarosDir(): string | undefined {
  const fromEnv = process.env.KEEL_MAROS_MESZAROS_DIR;
  const root = repoRoot();
  const dir = fromEnv ? resolve(fromEnv) : root ? resolve(root, '..', 'shared', 'data', 'maros-meszaros') : undefined;
  return dir && existsSync(join(dir, 'index.json')) ? dir : undefined;
}

export function marosMeszarosMissingReason(): string {
  return 'Maros–Meszaros data not found: expected <repo>/../shared/data/maros-meszaros/index.json (or set KEEL_MAROS_MESZAROS_DIR)';
}

export function loadMarosMeszarosIndex(dir = findMarosMeszarosDir()): MarosMeszarosEntry[] {
  if (!dir) throw new Error(marosMeszarosMissingReason());
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { problems: MarosMeszarosEntry[] };
  return index.problems;
}

export function loadMarosMeszarosProblem(entry: MarosMeszarosEntry, dir = findMarosMeszarosDir()): QpProblem {
  if (!dir) throw new Error(marosMeszarosMissingReason());
  return parseQpProblem(JSON.parse(readFileSync(join(dir, entry.file), 'utf8')));
}

/** Objective within `rel` of the reference (absolute `rel` for the near-zero optima). */
export function matchesReference(entry: MarosMeszarosEntry, objective: number, rel = 1e-5): boolean {
  const ref = entry.referenceObjective;
  const err = Math.abs(objective - ref);
  return MAROS_MESZAROS_NEAR_ZERO.has(entry.name) ? err <= rel : err <= rel * Math.abs(ref);
}
