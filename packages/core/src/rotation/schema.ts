import { z } from 'zod';
import { InputError, type InputIssue } from '@keel/solver-native/errors';
import { parseOrThrow } from '../contracts/index.js';
import { optimizationConfigSchema, resolveConfig, sectorCapOf, type OptimizationConfig } from './config.js';
import { firstNonPsdPivot } from './risk-model.js';
import type { RotationName, RotationProblem } from './types.js';

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const nonNeg = () => finite().refine((v) => v >= 0, 'must be ≥ 0');
const positive = () => finite().refine((v) => v > 0, 'must be > 0');

export const rotationNameSchema = z
  .object({
    symbol: z.string().min(1, 'must be a non-empty string'),
    z: finite(),
    weight: finite().default(0),
    beta: finite().optional(),
    sector: z.string().min(1).optional(),
    cost: nonNeg().default(0),
    vol: nonNeg().optional(),
    adv: nonNeg().optional(),
    atr: nonNeg().optional(),
    heldMinutes: nonNeg().optional(),
    price: positive().optional(),
    /** Signed whole shares held now; derived as round(weight · nav / price) when absent. */
    shares: z.number().int('must be a whole number of shares').optional(),
    entryPrice: positive().optional(),
    highPrice: positive().optional(),
    spreadBps: nonNeg().optional(),
    baselineSpreadBps: positive().optional(),
    baselineVol: positive().optional(),
    restricted: z.boolean().default(false),
    cooldownMinutes: nonNeg().default(0),
  })
  .strict();

const matrixSchema = z.array(z.array(finite()));

export const rotationRequestSchema = z
  .object({
    universe: z.array(rotationNameSchema).min(1, 'needs at least one name'),
    correlation: matrixSchema.optional(),
    covariance: matrixSchema.optional(),
    /** Return history, T rows × n columns in universe order (for Ledoit–Wolf). */
    returns: matrixSchema.optional(),
    config: optimizationConfigSchema.optional(),
    state: z
      .object({
        minute: nonNeg().optional(),
        killSwitch: z.boolean().default(false),
        killSwitchAction: z.enum(['halt', 'flatten']).default('halt'),
        volSpike: z.boolean().default(false),
        nav: positive().optional(),
      })
      .strict()
      .default({ killSwitch: false, killSwitchAction: 'halt', volSpike: false }),
  })
  .strict();

export type RotationRequest = z.input<typeof rotationRequestSchema>;

const SYM_TOL = 1e-9;

/** Shape, symmetry and (optionally) unit diagonal of a square matrix; returns it row-major. */
function checkMatrix(path: string, m: number[][], n: number, kind: 'correlation' | 'covariance', issues: InputIssue[]): Float64Array | undefined {
  if (m.length !== n) {
    issues.push({ path, message: `must be ${n} × ${n} (one row per universe name), got ${m.length} rows` });
    return undefined;
  }
  let ok = true;
  m.forEach((row, i) => {
    if (row.length !== n) {
      issues.push({ path: `${path}[${i}]`, message: `must have ${n} entries (the matrix must be square), got ${row.length}` });
      ok = false;
    }
  });
  if (!ok) return undefined;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = m[i]![j]!;
  let bad = 0;
  for (let i = 0; i < n && bad < 5; i++) {
    const d = a[i * n + i]!;
    if (kind === 'correlation' && Math.abs(d - 1) > SYM_TOL) {
      issues.push({ path: `${path}[${i}][${i}]`, message: `a correlation diagonal must be 1, got ${d}` });
      bad++;
    }
    if (kind === 'covariance' && d < 0) {
      issues.push({ path: `${path}[${i}][${i}]`, message: `a variance must be ≥ 0, got ${d}` });
      bad++;
    }
    for (let j = i + 1; j < n && bad < 5; j++) {
      const x = a[i * n + j]!;
      const y = a[j * n + i]!;
      const scale = Math.max(1, Math.abs(x), Math.abs(y));
      if (Math.abs(x - y) > SYM_TOL * scale) {
        issues.push({ path: `${path}[${i}][${j}]`, message: `matrix is not symmetric: ${x} ≠ ${path}[${j}][${i}] = ${y}` });
        bad++;
      } else if (kind === 'correlation' && Math.abs(x) > 1 + SYM_TOL) {
        issues.push({ path: `${path}[${i}][${j}]`, message: `a correlation must lie in [−1, 1], got ${x}` });
        bad++;
      }
    }
  }
  if (bad) return undefined;
  const np = firstNonPsdPivot(a, n);
  if (np) {
    issues.push({ path, message: `not positive semidefinite (Cholesky pivot ${np.pivot} = ${np.value.toPrecision(3)}); the risk term would be non-convex` });
    return undefined;
  }
  return a;
}

function checkConfig(c: OptimizationConfig, universe: readonly RotationName[], issues: InputIssue[]): void {
  const n = universe.length;
  if (c.K_buy > c.K) issues.push({ path: 'config.K_buy', message: `must be ≤ K (K_buy = ${c.K_buy} > K = ${c.K}); hysteresis needs K_buy ≤ K ≤ K_sell` });
  if (c.K > c.K_sell) issues.push({ path: 'config.K_sell', message: `must be ≥ K (K_sell = ${c.K_sell} < K = ${c.K}); hysteresis needs K_buy ≤ K ≤ K_sell` });
  if (c.z_cut > c.z_keep) issues.push({ path: 'config.z_cut', message: `must be ≤ z_keep (${c.z_cut} > ${c.z_keep}): a name would be bought and cut on the same score` });
  if (c.max_net_exposure > c.max_gross_exposure) {
    issues.push({ path: 'config.max_net_exposure', message: `exceeds max_gross_exposure (${c.max_net_exposure} > ${c.max_gross_exposure})` });
  }
  const budget = c.budget;
  if (budget === undefined) return;
  if (Math.abs(budget) > c.max_net_exposure + 1e-12) {
    // MODELS.md §4: the seed sets Σw = 1 and |Σw| ≤ 0.3 at once; say which two fields clash.
    const message = `configuration error: budget (Σw = ${budget}) contradicts max_net_exposure (|Σw| ≤ ${c.max_net_exposure}); raise max_net_exposure to at least |budget| or drop budget to use the net band alone`;
    issues.push({ path: 'config.budget', message });
    issues.push({ path: 'config.max_net_exposure', message });
  }
  if (Math.abs(budget) > c.max_gross_exposure + 1e-12) {
    issues.push({ path: 'config.budget', message: `|budget| = ${Math.abs(budget)} exceeds max_gross_exposure = ${c.max_gross_exposure}` });
  }
  if (c.long_only && budget < 0) issues.push({ path: 'config.budget', message: 'must be ≥ 0 with long_only' });
  if (n * c.per_name_cap < Math.abs(budget) - 1e-12) {
    issues.push({
      path: 'config.per_name_cap',
      message: `caps make Σw = budget impossible: ${n} names × per_name_cap ${c.per_name_cap} = ${n * c.per_name_cap} < budget ${budget}`,
    });
    return;
  }
  // Sector caps bound each sector's sum; names without a sector only by per_name_cap.
  const bySector = new Map<string, number>();
  let free = 0;
  for (const u of universe) {
    if (u.sector === undefined) free += c.per_name_cap;
    else bySector.set(u.sector, (bySector.get(u.sector) ?? 0) + 1);
  }
  let reach = free;
  for (const [s, count] of bySector) reach += Math.min(sectorCapOf(c, s), count * c.per_name_cap);
  if (reach < Math.abs(budget) - 1e-12) {
    issues.push({
      path: 'config.sector_cap',
      message: `sector and name caps make Σw = budget impossible: at most ${reach.toPrecision(6)} can be invested < budget ${budget}`,
    });
  }
}

/**
 * Validates a `RotationRequest` (MODELS.md §4–§5) and resolves defaults. Every problem is an
 * InputError issue with its JSON path, reported before any work starts.
 */
export function parseRotationRequest(data: unknown): RotationProblem {
  const req = parseOrThrow(rotationRequestSchema, data);
  const issues: InputIssue[] = [];
  const universe: RotationName[] = req.universe;
  const n = universe.length;
  const seen = new Map<string, number>();
  universe.forEach((u, i) => {
    const prev = seen.get(u.symbol);
    if (prev !== undefined) issues.push({ path: `universe[${i}].symbol`, message: `duplicate symbol "${u.symbol}" (first at universe[${prev}])` });
    else seen.set(u.symbol, i);
  });
  const config = resolveConfig(req.config);
  checkConfig(config, universe, issues);

  if (req.correlation && req.covariance) issues.push({ path: 'covariance', message: 'give correlation or covariance, not both' });
  const correlation = req.correlation ? checkMatrix('correlation', req.correlation, n, 'correlation', issues) : undefined;
  const covariance = req.covariance ? checkMatrix('covariance', req.covariance, n, 'covariance', issues) : undefined;
  if (req.correlation || (!req.covariance && !req.returns && config.lambda_risk > 0)) {
    // Σ = D C D (or diag(vol²) without a correlation) needs every vol.
    universe.forEach((u, i) => {
      if (u.vol === undefined) issues.push({ path: `universe[${i}].vol`, message: req.correlation ? 'is required with a correlation matrix (Σ = D C D)' : 'is required for the diagonal risk model (no correlation, covariance or returns given)' });
    });
  }
  let returns: RotationProblem['returns'];
  if (req.returns) {
    if (req.returns.length < 2) issues.push({ path: 'returns', message: `needs at least 2 rows, got ${req.returns.length}` });
    req.returns.forEach((row, r) => {
      if (row.length !== n) issues.push({ path: `returns[${r}]`, message: `must have ${n} entries (one per universe name), got ${row.length}` });
    });
    if (!issues.some((i) => i.path.startsWith('returns'))) {
      const data = new Float64Array(req.returns.length * n);
      req.returns.forEach((row, r) => row.forEach((v, j) => (data[r * n + j] = v)));
      returns = { rows: req.returns.length, data };
    }
  }
  if (config.shrinkage !== 'none' && config.shrinkage_intensity === undefined && !req.returns) {
    issues.push({ path: 'config.shrinkage_intensity', message: 'is required with shrinkage when no returns are given (Ledoit–Wolf estimates δ from returns)' });
  }
  const withBeta = universe.filter((u) => u.beta !== undefined).length;
  if (withBeta > 0 && withBeta < n) {
    universe.forEach((u, i) => {
      if (u.beta === undefined) issues.push({ path: `universe[${i}].beta`, message: 'is missing while other names carry a beta (beta neutrality needs every beta)' });
    });
  }
  universe.forEach((u, i) => {
    if (u.highPrice !== undefined && u.entryPrice === undefined) issues.push({ path: `universe[${i}].entryPrice`, message: 'is required when highPrice is given' });
  });
  if (issues.length) throw new InputError(issues);
  return {
    universe,
    config,
    ...(correlation ? { correlation } : {}),
    ...(covariance ? { covariance } : {}),
    ...(returns ? { returns } : {}),
    state: req.state,
  };
}
