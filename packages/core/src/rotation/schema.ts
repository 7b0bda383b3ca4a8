import { z } from 'zod';
import { formatPath, InputError, type InputIssue } from '@keel/solver-native/errors';
import { parseOrThrow } from '../contracts/index.js';
import { optimizationConfigSchema, resolveConfig, sectorCapOf, type OptimizationConfig } from './config.js';
import { firstNonPsdPivot, type FactorRisk } from './risk-model.js';
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

/** Per-name values: an array in universe order, or an object keyed by symbol. */
const perNameSchema = () => z.union([z.array(nonNeg()), z.record(z.string(), nonNeg())]);

/**
 * Σ = B F Bᵀ + D in factor form (additions to MODELS.md §4; units of `covariance`: annualised
 * variance, so `vol`² on the diagonal of Σ). The QP keeps this form: k auxiliary variables, a
 * sparse P at any universe size.
 */
export const factorModelSchema = z
  .object({
    factors: z.array(z.string().min(1, 'must be a non-empty string')).min(1, 'needs at least one factor').describe('Factor names, k of them; the order of covariance rows/columns and of array loadings.'),
    loadings: z
      .union([z.array(z.array(finite())), z.record(z.string(), z.record(z.string(), finite()))])
      .describe('B: n rows of k loadings in universe order, or {symbol: {factor: loading}} (a factor left out is 0; symbols outside the universe are ignored).'),
    covariance: matrixSchema.describe('F: k × k factor covariance, symmetric positive semidefinite, annualised.'),
    specificVariance: perNameSchema().optional().describe('D: specific (idiosyncratic) variance per name, annualised; array in universe order or {symbol: value}.'),
    specificVol: perNameSchema().optional().describe('Alternative to specificVariance: specific vol per name (D = vol²).'),
  })
  .strict();

export const rotationRequestSchema = z
  .object({
    universe: z.array(rotationNameSchema).min(1, 'needs at least one name'),
    correlation: matrixSchema.optional(),
    covariance: matrixSchema.optional(),
    /** Return history, T rows × n columns in universe order (for Ledoit–Wolf). */
    returns: matrixSchema.optional(),
    factorModel: factorModelSchema.optional().describe('Risk in factor form, Σ = BFBᵀ + D (instead of correlation, covariance or returns).'),
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
function checkMatrix(path: string, m: number[][], n: number, kind: 'correlation' | 'covariance', issues: InputIssue[], per = 'universe name'): Float64Array | undefined {
  if (m.length !== n) {
    issues.push({ path, message: `must be ${n} × ${n} (one row per ${per}), got ${m.length} rows` });
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

/** One value per universe name from an array (universe order) or a symbol-keyed object. */
function perNameValues(path: string, v: number[] | Record<string, number>, universe: readonly RotationName[], issues: InputIssue[]): Float64Array | undefined {
  const n = universe.length;
  if (Array.isArray(v)) {
    if (v.length !== n) {
      issues.push({ path, message: `must have ${n} entries (one per universe name, in universe order), got ${v.length}` });
      return undefined;
    }
    return Float64Array.from(v);
  }
  const out = new Float64Array(n);
  let ok = true;
  universe.forEach((u, i) => {
    const x = Object.hasOwn(v, u.symbol) ? v[u.symbol] : undefined;
    if (x === undefined) {
      issues.push({ path: formatPath([...path.split('.'), u.symbol]), message: `is missing: every universe name needs a value (universe[${i}])` });
      ok = false;
    } else out[i] = x;
  });
  return ok ? out : undefined;
}

type FactorModelInput = z.output<typeof factorModelSchema>;

/** Shapes, symbols, PSD factor covariance; returns the model in universe order. */
function checkFactorModel(fm: FactorModelInput, universe: readonly RotationName[], issues: InputIssue[]): FactorRisk | undefined {
  const n = universe.length;
  const k = fm.factors.length;
  const before = issues.length;
  const index = new Map<string, number>();
  fm.factors.forEach((f, a) => {
    if (index.has(f)) issues.push({ path: `factorModel.factors[${a}]`, message: `duplicate factor "${f}" (first at factorModel.factors[${index.get(f)}])` });
    else index.set(f, a);
  });
  const covariance = checkMatrix('factorModel.covariance', fm.covariance, k, 'covariance', issues, 'factor');
  const loadings = new Float64Array(n * k);
  if (Array.isArray(fm.loadings)) {
    if (fm.loadings.length !== n) issues.push({ path: 'factorModel.loadings', message: `must have ${n} rows (one per universe name, in universe order), got ${fm.loadings.length}` });
    else {
      fm.loadings.forEach((row, i) => {
        if (row.length !== k) issues.push({ path: `factorModel.loadings[${i}]`, message: `must have ${k} entries (one per factor), got ${row.length}` });
        else row.forEach((v, a) => (loadings[i * k + a] = v));
      });
    }
  } else {
    const byName = fm.loadings;
    let missing = 0;
    universe.forEach((u, i) => {
      const row = Object.hasOwn(byName, u.symbol) ? byName[u.symbol] : undefined;
      if (row === undefined) {
        if (missing++ < 5) issues.push({ path: formatPath(['factorModel', 'loadings', u.symbol]), message: `is missing: every universe name needs loadings (universe[${i}]; a name with no factor exposure is {})` });
        return;
      }
      for (const [f, v] of Object.entries(row)) {
        const a = index.get(f);
        if (a === undefined) issues.push({ path: formatPath(['factorModel', 'loadings', u.symbol, f]), message: `unknown factor "${f}" (not in factorModel.factors)` });
        else loadings[i * k + a] = v;
      }
    });
    if (missing > 5) issues.push({ path: 'factorModel.loadings', message: `${missing} universe names have no loadings (first 5 listed)` });
  }
  let specificVariance: Float64Array | undefined;
  if ((fm.specificVariance === undefined) === (fm.specificVol === undefined)) {
    issues.push({ path: 'factorModel.specificVariance', message: 'give exactly one of specificVariance and specificVol' });
  } else if (fm.specificVariance !== undefined) {
    specificVariance = perNameValues('factorModel.specificVariance', fm.specificVariance, universe, issues);
  } else {
    const vol = perNameValues('factorModel.specificVol', fm.specificVol!, universe, issues);
    specificVariance = vol?.map((v) => v * v);
  }
  if (issues.length > before || !covariance || !specificVariance) return undefined;
  return { kind: 'factor', factors: fm.factors, loadings, covariance, specificVariance };
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
  let factorModel: FactorRisk | undefined;
  if (req.factorModel) {
    const others = (['correlation', 'covariance', 'returns'] as const).filter((k) => req[k] !== undefined);
    if (others.length) issues.push({ path: 'factorModel', message: `give one risk source: factorModel or ${others.join(' / ')}, not both` });
    if (config.shrinkage !== 'none') issues.push({ path: 'config.shrinkage', message: 'Ledoit–Wolf shrinkage applies to the dense risk model (correlation, covariance or returns); a factor model is used as given' });
    factorModel = checkFactorModel(req.factorModel, universe, issues);
  }
  const correlation = req.correlation ? checkMatrix('correlation', req.correlation, n, 'correlation', issues) : undefined;
  const covariance = req.covariance ? checkMatrix('covariance', req.covariance, n, 'covariance', issues) : undefined;
  if (req.correlation || (!req.covariance && !req.returns && !req.factorModel && config.lambda_risk > 0)) {
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
  if (config.shrinkage !== 'none' && config.shrinkage_intensity === undefined && !req.returns && !req.factorModel) {
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
    ...(factorModel ? { factorModel } : {}),
    state: req.state,
  };
}
