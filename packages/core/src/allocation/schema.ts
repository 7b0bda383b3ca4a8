/**
 * The `AllocationRequest` contract (MODELS.md §1) as Zod schemas, and every default in one
 * place (`ALLOCATION_DEFAULTS`). Shape checks live here; cross-field checks (unknown ids,
 * duplicates, denominators that can reach zero, matrix shapes) live in `parse.ts`, which runs
 * both and throws one InputError naming every offending JSON path.
 *
 * Units (MODELS.md): money in the account's numeraire; prices are clean per 100 face; bond
 * quantities and positions are face amounts (positions signed, + long); rates are annual
 * decimals with ACT/360 accrual over `horizonDays`; a scenario return is a relative clean
 * price change (-0.01 = -1%). dv01 is per 100 face.
 *
 * Additions to MODELS.md §1 (documented in packages/core/README.md):
 * - `securities[].spreadDuration` (corporates; default = duration), `securities[].idiosyncraticVol`.
 * - `trades[].price` / `trades[].accrued` default to the security's.
 * - term `filter` keys: `type`, `issuer`, `rating`, `securities`, `excludeSecurities`
 *   (each field a value or a list; all given fields must match).
 * - `cash` and `equity` may also be used as term values (`equity` = cash' + Σ mv over all
 *   securities) and are built-in metric ids; they take no filter and no per-security weights.
 * - `scenarios.generate`: `degreesOfFreedom`, `volatility {rates, credit, idiosyncratic,
 *   bySecurity}`, `correlation {ratesCredit}` — see `GenerateScenariosSpec`.
 * - `objective.lexicographicTolerance`; `options.feasibilityTolerance`.
 */
import { z } from 'zod';

export const SECURITY_TYPES = ['government', 'corporate'] as const;
export const TRADE_SIDES = ['buy', 'sell'] as const;
export const VALUE_KINDS = ['mv', 'gross', 'long', 'short', 'dv01', 'cash', 'equity'] as const;
/** Value kinds that are per security (take filters and per-security weights). */
export const SECURITY_VALUE_KINDS = ['mv', 'gross', 'long', 'short', 'dv01'] as const;
export const CONSTRAINT_OPS = ['<=', '>='] as const;
export const STRATEGY_NAMES = ['exact', 'bucketed', 'greedy'] as const;
export const OBJECTIVE_KINDS = ['financingCost', 'headroom', 'risk'] as const;
export const SCENARIO_MODELS = ['normal', 'student-t'] as const;
/** Metric ids every account has without defining them. */
export const BUILTIN_METRICS = ['cash', 'equity'] as const;

export type SecurityType = (typeof SECURITY_TYPES)[number];
export type TradeSide = (typeof TRADE_SIDES)[number];
export type ValueKind = (typeof VALUE_KINDS)[number];
export type SecurityValueKind = (typeof SECURITY_VALUE_KINDS)[number];
export type ConstraintOp = (typeof CONSTRAINT_OPS)[number];
export type StrategyName = (typeof STRATEGY_NAMES)[number];
export type ObjectiveKind = (typeof OBJECTIVE_KINDS)[number];
export type ScenarioModel = (typeof SCENARIO_MODELS)[number];

/**
 * Every default of the allocation engine. Units: `lot` face; `timeLimitSec` seconds;
 * `horizonDays` calendar days (financing accrues ACT/360 over it); volatilities annualised
 * (rates/credit: absolute yield/spread change, 0.01 = 100 bp a year; idiosyncratic: relative
 * price change) and scaled by √(horizonDays/365).
 */
export const ALLOCATION_DEFAULTS = {
  options: {
    strategy: 'exact' as StrategyName,
    allowSplit: false,
    lot: 1_000_000,
    timeLimitSec: 30,
    mipRelGap: 1e-6,
    horizonDays: 1,
    /** A hard constraint passes when its slack ≥ −tol·(|limit| + Σ|terms|): float noise only. */
    feasibilityTolerance: 1e-9,
  },
  objective: {
    terms: [{ kind: 'financingCost', weight: 1 }] as const,
    lexicographic: false,
    /** Lexicographic levels keep earlier (scaled) terms within this absolute tolerance. */
    lexicographicTolerance: 1e-6,
  },
  term: { weight: 1 },
  risk: { measure: 'cvar' as const, alpha: 0.95 },
  generate: {
    model: 'normal' as ScenarioModel,
    degreesOfFreedom: 5,
    volatility: { rates: 0.01, credit: 0.008, idiosyncratic: { government: 0.002, corporate: 0.01 } },
    correlation: { ratesCredit: -0.3 },
    maxCount: 200_000,
  },
} as const;

const id = z.string().min(1, 'must be a non-empty string');
const finite = z.number();
const positive = z.number().positive('must be > 0');
const nonNegative = z.number().nonnegative('must be ≥ 0');
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);

export const SecuritySchema = z.strictObject({
  id,
  type: z.enum(SECURITY_TYPES),
  price: positive,
  accrued: nonNegative.default(0),
  /** Per 100 face. Defaults to duration·(price+accrued)/10 000 when duration is given. */
  dv01: finite.optional(),
  /** Modified duration, years. Needed for generated scenarios. */
  duration: nonNegative.optional(),
  convexity: finite.optional(),
  /** Corporates only; defaults to `duration`. */
  spreadDuration: nonNegative.optional(),
  /** Annualised idiosyncratic price vol for generated scenarios; overrides the type default. */
  idiosyncraticVol: nonNegative.optional(),
  issuer: z.string().optional(),
  rating: z.string().optional(),
});

export const TradeSchema = z.strictObject({
  id,
  side: z.enum(TRADE_SIDES),
  security: id,
  quantity: positive,
  /** Execution clean price; defaults to the security's. */
  price: positive.optional(),
  accrued: nonNegative.optional(),
});

export const FilterSchema = z.strictObject({
  type: oneOrMany(z.enum(SECURITY_TYPES)).optional(),
  issuer: oneOrMany(z.string()).optional(),
  rating: oneOrMany(z.string()).optional(),
  securities: z.array(id).optional(),
  excludeSecurities: z.array(id).optional(),
});

export const MetricTermSchema = z.strictObject({
  value: z.enum(VALUE_KINDS),
  weight: finite.optional(),
  filter: FilterSchema.optional(),
  weights: z
    .strictObject({
      default: finite.optional(),
      bySecurity: z.record(z.string(), finite).optional(),
    })
    .optional(),
});

export const MetricSchema = z.strictObject({ id, terms: z.array(MetricTermSchema).min(1, 'a metric needs at least one term') });

const softSchema = z.strictObject({ penalty: nonNegative });

const ConstraintShape = z.strictObject({
  id,
  metric: id.optional(),
  ratio: z.tuple([id, id]).optional(),
  lhs: z.array(z.strictObject({ metric: id, coef: finite })).min(1).optional(),
  op: z.enum(CONSTRAINT_OPS),
  limit: finite,
  soft: softSchema.optional(),
});

interface ConstraintCommon {
  readonly id: string;
  readonly op: ConstraintOp;
  readonly limit: number;
  /** A soft constraint is priced (penalty per unit of normalised violation), not enforced. */
  readonly soft?: { readonly penalty: number } | undefined;
}
/** `metric op limit` */
export interface MetricConstraintSpec extends ConstraintCommon {
  readonly metric: string;
  readonly ratio?: undefined;
  readonly lhs?: undefined;
}
/** `num / den op limit`, linearised as `num − limit·den op 0`; den > 0 is checked up front. */
export interface RatioConstraintSpec extends ConstraintCommon {
  readonly ratio: readonly [string, string];
  readonly metric?: undefined;
  readonly lhs?: undefined;
}
/** `Σ coef·metric op limit` */
export interface LinearConstraintSpec extends ConstraintCommon {
  readonly lhs: readonly { readonly metric: string; readonly coef: number }[];
  readonly metric?: undefined;
  readonly ratio?: undefined;
}
export type ConstraintSpec = MetricConstraintSpec | RatioConstraintSpec | LinearConstraintSpec;

export const ConstraintSchema = ConstraintShape.superRefine((c, ctx) => {
  const given = (['metric', 'ratio', 'lhs'] as const).filter((k) => c[k] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: given.length ? [given[1]!] : [],
      message: given.length
        ? `give exactly one of metric, ratio, lhs (got ${given.join(' and ')})`
        : 'give one of metric, ratio [num, den] or lhs [{metric, coef}]',
    });
  }
}).transform((c) => c as ConstraintSpec);

const rateSchema = z.strictObject({ long: finite, short: finite });
export const FinancingSchema = z.strictObject({
  government: rateSchema.optional(),
  corporate: rateSchema.optional(),
});

export const AccountSchema = z.strictObject({
  id,
  cash: finite,
  positions: z.record(z.string(), finite).default({}),
  financing: FinancingSchema.optional(),
  metrics: z.array(MetricSchema).default([]),
  constraints: z.array(ConstraintSchema).default([]),
});

export const GenerateScenariosSchema = z.strictObject({
  count: z.number().int('must be an integer').min(1).max(ALLOCATION_DEFAULTS.generate.maxCount),
  seed: z.number().int('must be an integer').nonnegative(),
  /** Defaults to options.horizonDays. */
  horizonDays: positive.optional(),
  model: z.enum(SCENARIO_MODELS).default(ALLOCATION_DEFAULTS.generate.model),
  /** Student-t only; > 2 so the variance exists (the draws are scaled to the requested vol). */
  degreesOfFreedom: z.number().gt(2, 'must be > 2').default(ALLOCATION_DEFAULTS.generate.degreesOfFreedom),
  volatility: z
    .strictObject({
      rates: nonNegative.optional(),
      credit: nonNegative.optional(),
      idiosyncratic: z
        .union([nonNegative, z.strictObject({ government: nonNegative.optional(), corporate: nonNegative.optional() })])
        .optional(),
      /** Idiosyncratic vol per security id. */
      bySecurity: z.record(z.string(), nonNegative).optional(),
    })
    .default({}),
  correlation: z
    .strictObject({ ratesCredit: z.number().gt(-1, 'must be > -1').lt(1, 'must be < 1').optional() })
    .default({}),
});
export type GenerateScenariosSpec = z.output<typeof GenerateScenariosSchema>;

const ExplicitScenariosSchema = z.strictObject({ returns: z.array(z.array(finite)) });
export type ExplicitScenariosSpec = z.output<typeof ExplicitScenariosSchema>;
export type ScenariosSpec = ExplicitScenariosSpec | { readonly generate: GenerateScenariosSpec };

export const ScenariosSchema = z
  .strictObject({ returns: ExplicitScenariosSchema.shape.returns.optional(), generate: GenerateScenariosSchema.optional() })
  .superRefine((s, ctx) => {
    if ((s.returns === undefined) === (s.generate === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of returns [[...]] or generate {...}' });
    }
  })
  .transform((s) => s as ScenariosSpec);

export const ObjectiveTermSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('financingCost'), weight: nonNegative.default(1) }),
  z.strictObject({ kind: z.literal('headroom'), weight: nonNegative.default(1) }),
  z.strictObject({
    kind: z.literal('risk'),
    weight: nonNegative.default(1),
    measure: z.literal('cvar').default('cvar'),
    alpha: z.number().gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').default(ALLOCATION_DEFAULTS.risk.alpha),
  }),
]);
export type ObjectiveTermSpec = z.output<typeof ObjectiveTermSchema>;

export const ObjectiveSchema = z.strictObject({
  terms: z.array(ObjectiveTermSchema).default(() => ALLOCATION_DEFAULTS.objective.terms.map((t) => ({ ...t }))),
  lexicographic: z.boolean().default(ALLOCATION_DEFAULTS.objective.lexicographic),
  lexicographicTolerance: nonNegative.default(ALLOCATION_DEFAULTS.objective.lexicographicTolerance),
});
export type ObjectiveSpec = z.output<typeof ObjectiveSchema>;

const D = ALLOCATION_DEFAULTS.options;
export const OptionsSchema = z.strictObject({
  strategy: z.enum(STRATEGY_NAMES).default(D.strategy),
  allowSplit: z.boolean().default(D.allowSplit),
  lot: positive.default(D.lot),
  timeLimitSec: positive.default(D.timeLimitSec),
  mipRelGap: nonNegative.default(D.mipRelGap),
  horizonDays: positive.default(D.horizonDays),
  feasibilityTolerance: nonNegative.default(D.feasibilityTolerance),
});
export type AllocationOptions = z.output<typeof OptionsSchema>;

export const AllocationRequestSchema = z.strictObject({
  securities: z.array(SecuritySchema).default([]),
  trades: z.array(TradeSchema).default([]),
  accounts: z.array(AccountSchema).min(1, 'at least one account'),
  scenarios: ScenariosSchema.optional(),
  objective: ObjectiveSchema.default(() => ObjectiveSchema.parse({})),
  options: OptionsSchema.default(() => OptionsSchema.parse({})),
});

/** The request as JSON writers see it (defaults optional). */
export type AllocationRequestInput = z.input<typeof AllocationRequestSchema>;
/** The request after parsing (defaults filled). */
export type AllocationRequest = z.output<typeof AllocationRequestSchema>;
export type SecuritySpec = z.output<typeof SecuritySchema>;
export type TradeSpec = z.output<typeof TradeSchema>;
export type AccountSpec = z.output<typeof AccountSchema>;
export type MetricSpec = z.output<typeof MetricSchema>;
export type MetricTermSpec = z.output<typeof MetricTermSchema>;
export type FilterSpec = z.output<typeof FilterSchema>;
export type FinancingSpec = z.output<typeof FinancingSchema>;
export type ConstraintSpecInput = z.input<typeof ConstraintSchema>;
