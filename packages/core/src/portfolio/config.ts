/**
 * The run config of the portfolio construction engine (MODELS.md §2): settings (alpha, risk,
 * costs, synthetics, rounding, solver) and constraints (instrument / group / portfolio), every
 * constraint written as `{lower, upper, soft, penalty}`. Defaults live in one place
 * (`PORTFOLIO_DEFAULTS`) and are merged by Zod.
 *
 * Units: money bounds in the numeraire unless `unit: "nav"` (fraction of NAV); ADV bounds as
 * fractions of ADV (0.1 = 10%); `leverage` as a multiple of NAV; costs and rates as decimals;
 * `penalty` in objective money per numeraire unit of violation (0.05: each dollar beyond the
 * bound costs 5 cents), whatever unit the bound is written in.
 */
import { z } from 'zod';
import { parseOrThrow } from '../contracts/index.js';

const bound = z.number().nullable().optional();

/** `{lower, upper, soft, penalty}`; null or absent bounds are infinite. */
export const BoundSpecSchema = z
  .object({
    lower: bound,
    upper: bound,
    soft: z.boolean().default(false),
    /** Objective money per numeraire unit of violation; required when soft. */
    penalty: z.number().nonnegative().optional(),
    unit: z.enum(['money', 'nav']).default('money'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.soft && b.penalty === undefined) ctx.addIssue({ code: 'custom', path: ['penalty'], message: 'a soft constraint needs a penalty' });
    if (b.lower != null && b.upper != null && b.lower > b.upper) ctx.addIssue({ code: 'custom', path: ['lower'], message: `lower ${b.lower} exceeds upper ${b.upper}` });
  });
export type BoundSpec = z.output<typeof BoundSpecSchema>;

/** A bound that only has an upper side (gross, turnover, margin, ADV, …): convex only that way. */
const UpperSpecSchema = BoundSpecSchema.superRefine((b, ctx) => {
  if (b.lower != null) ctx.addIssue({ code: 'custom', path: ['lower'], message: 'only an upper bound is allowed here (a floor on an absolute value is not convex)' });
});

export const InstrumentLimitsSchema = z
  .object({
    /** Signed position notional. */
    positionNotional: BoundSpecSchema.optional(),
    /** |trade| notional (market trades). */
    tradeNotional: UpperSpecSchema.optional(),
    /** |position| / ADV. */
    positionAdv: UpperSpecSchema.optional(),
    /** |market trade| / ADV. */
    tradeAdv: UpperSpecSchema.optional(),
    /** margin rate · |position| (no hedge credit). */
    marginContribution: UpperSpecSchema.optional(),
    /** On top of the restrictions table. */
    noNewShorts: z.boolean().optional(),
    noNewLongs: z.boolean().optional(),
  })
  .strict();
export type InstrumentLimits = z.output<typeof InstrumentLimitsSchema>;

export const INSTRUMENT_TYPE_FILTER = ['Equity', 'ETF', 'Future'] as const;

export const InstrumentOverrideSchema = InstrumentLimitsSchema.extend({
  /** Instrument ids this override applies to. */
  instruments: z.array(z.string()).optional(),
  /** Or every instrument of these types. */
  types: z.array(z.enum(INSTRUMENT_TYPE_FILTER)).optional(),
}).strict();

export const GROUP_BYS = ['sector', 'industry', 'country', 'currency', 'type', 'custom', 'factor'] as const;
export const GROUP_MEASURES = ['net', 'gross', 'long', 'short', 'turnover', 'margin'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export type GroupMeasure = (typeof GROUP_MEASURES)[number];

export const GroupConstraintSchema = BoundSpecSchema.safeExtend({
  id: z.string().min(1).optional(),
  by: z.enum(GROUP_BYS),
  /** One group (`"InformationTechnology"`); absent: one constraint per value of `by`. */
  value: z.string().optional(),
  /** Members of a custom bucket (instrument ids). */
  members: z.array(z.string()).optional(),
  /** The factor of a factor-exposure constraint (`by: "factor"`). */
  factor: z.string().optional(),
  measure: z.enum(GROUP_MEASURES).default('net'),
}).superRefine((g, ctx) => {
  if (g.by === 'custom' && !g.members?.length) ctx.addIssue({ code: 'custom', path: ['members'], message: 'a custom bucket needs members' });
  if (g.by === 'factor' && !g.factor) ctx.addIssue({ code: 'custom', path: ['factor'], message: 'a factor exposure constraint needs a factor' });
  if (g.by === 'factor' && g.measure !== 'net') ctx.addIssue({ code: 'custom', path: ['measure'], message: 'a factor exposure is net only' });
  if (g.measure !== 'net' && g.lower != null) ctx.addIssue({ code: 'custom', path: ['lower'], message: `only an upper bound is allowed for measure ${g.measure}` });
});
export type GroupConstraintSpec = z.output<typeof GroupConstraintSchema>;

const ToleranceSchema = z
  .object({
    tolerance: z.number().nonnegative(),
    unit: z.enum(['money', 'nav']).default('money'),
    soft: z.boolean().default(false),
    penalty: z.number().nonnegative().optional(),
  })
  .strict();

export const PortfolioLimitsSchema = z
  .object({
    net: BoundSpecSchema.optional(),
    gross: UpperSpecSchema.optional(),
    /** Gross / NAV (a multiple; `unit` is ignored). */
    leverage: UpperSpecSchema.optional(),
    longLeg: UpperSpecSchema.optional(),
    shortLeg: UpperSpecSchema.optional(),
    /** Σ |market trades|. */
    turnover: UpperSpecSchema.optional(),
    /** Σ margin with hedge credit for hedged packages (seed 03 §7). */
    marginBudget: UpperSpecSchema.optional(),
    /** Post-trade cash per currency (numeraire money, or NAV fraction). */
    cash: z.record(z.string(), BoundSpecSchema).optional(),
    /** |net| ≤ tolerance (`by: "net"`) or |exposure to the market factor| ≤ tolerance (`by: "beta"`). */
    marketNeutral: ToleranceSchema.extend({ by: z.enum(['net', 'beta']).default('beta'), factor: z.string().default('MARKET') }).optional(),
    /** |exposure| ≤ tolerance for the listed factors (or all). */
    factorNeutral: ToleranceSchema.extend({ factors: z.union([z.literal('all'), z.array(z.string()).min(1)]) }).optional(),
  })
  .strict();
export type PortfolioLimits = z.output<typeof PortfolioLimitsSchema>;

export const ALPHA_NORMALIZATIONS = ['none', 'demean', 'zscore'] as const;
export const RISK_MODELS = ['full', 'idio'] as const;
export const QP_BACKEND_CHOICES = ['auto', 'native', 'ts'] as const;
export const SOLVE_METHOD_CHOICES = ['auto', 'admm', 'interior-point'] as const;

export const PORTFOLIO_DEFAULTS = {
  numeraire: 'USD',
  horizonDays: 21,
  universe: { maxFxAgeDays: 3, basketWeightTolerance: 1e-4 },
  alpha: { apply: true, scale: 1, normalize: 'none' as const },
  risk: { aversion: 10, model: 'full' as const, fxFactors: false },
  costs: { linear: true, impact: true, borrow: true, financing: true, dividends: true, fxCost: 0.0001, marginFunding: 0.02 },
  synthetics: {
    createRedeem: true,
    createRedeemCost: 0.0002,
    maxCreateRedeemNotional: 5e7,
    efp: true,
    efpCost: 0.0001,
    maxEfpNotional: 1e8,
    hedgeCredit: true,
    hedgedMarginRate: 0.02,
  },
  rounding: { enabled: true },
  solver: { method: 'auto' as const, backend: 'auto' as const, epsAbs: 1e-6, epsRel: 1e-6, maxIter: 500, warmMaxIter: 5000, polish: true, timeLimitSec: 0, screening: 'auto' as const, prepareScreening: true },
} as const;

const D = PORTFOLIO_DEFAULTS;

export const PortfolioConfigSchema = z
  .object({
    numeraire: z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code').default(D.numeraire),
    /** Valuation date (ISO); default the newest FX as_of. */
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    /** Calendar days. Alpha is the expected return over it; annual variances scale by horizonDays/365, borrow and financing accrue ACT/360, dividends horizonDays/365. */
    horizonDays: z.number().positive().default(D.horizonDays),
    universe: z
      .object({ maxFxAgeDays: z.number().nonnegative().default(D.universe.maxFxAgeDays), basketWeightTolerance: z.number().positive().default(D.universe.basketWeightTolerance) })
      .strict()
      .prefault({}),
    alpha: z
      .object({
        apply: z.boolean().default(D.alpha.apply),
        scale: z.number().default(D.alpha.scale),
        normalize: z.enum(ALPHA_NORMALIZATIONS).default(D.alpha.normalize),
        /** With `zscore`: the cross-sectional standard deviation the alpha gets (before `scale`); default the raw one. */
        targetStd: z.number().positive().optional(),
      })
      .strict()
      .prefault({}),
    risk: z
      .object({
        aversion: z.number().nonnegative().default(D.risk.aversion),
        model: z.enum(RISK_MODELS).default(D.risk.model),
        /**
         * Currency risk (seed 03 §10.2 "additional FX factor risk", §10.6 "FX factors on/off"):
         * the factor covariance carries a factor `FX_<CCY>` per non-numeraire currency, and the
         * book's exposure to it — holdings in that currency (ETFs through their baskets, futures
         * not at all: only their P&L is in it) plus post-trade cash in it — is derived, not read
         * from the loadings. FX trades then hedge it.
         */
        fxFactors: z.boolean().default(D.risk.fxFactors),
      })
      .strict()
      .prefault({}),
    costs: z
      .object({
        linear: z.boolean().default(D.costs.linear),
        impact: z.boolean().default(D.costs.impact),
        borrow: z.boolean().default(D.costs.borrow),
        financing: z.boolean().default(D.costs.financing),
        dividends: z.boolean().default(D.costs.dividends),
        /** Fraction of FX notional. */
        fxCost: z.number().nonnegative().default(D.costs.fxCost),
        /** Annual funding cost of posted margin (ACT/360 over the horizon); 0 turns it off. */
        marginFunding: z.number().nonnegative().default(D.costs.marginFunding),
      })
      .strict()
      .prefault({}),
    synthetics: z
      .object({
        createRedeem: z.boolean().default(D.synthetics.createRedeem),
        createRedeemCost: z.number().nonnegative().default(D.synthetics.createRedeemCost),
        maxCreateRedeemNotional: z.number().nonnegative().default(D.synthetics.maxCreateRedeemNotional),
        efp: z.boolean().default(D.synthetics.efp),
        efpCost: z.number().nonnegative().default(D.synthetics.efpCost),
        maxEfpNotional: z.number().nonnegative().default(D.synthetics.maxEfpNotional),
        hedgeCredit: z.boolean().default(D.synthetics.hedgeCredit),
        hedgedMarginRate: z.number().nonnegative().default(D.synthetics.hedgedMarginRate),
      })
      .strict()
      .prefault({}),
    constraints: z
      .object({
        instrument: z
          .object({ defaults: InstrumentLimitsSchema.prefault({}), overrides: z.array(InstrumentOverrideSchema).default([]) })
          .strict()
          .prefault({}),
        groups: z.array(GroupConstraintSchema).default([]),
        portfolio: PortfolioLimitsSchema.prefault({}),
      })
      .strict()
      .prefault({}),
    rounding: z.object({ enabled: z.boolean().default(D.rounding.enabled) }).strict().prefault({}),
    solver: z
      .object({
        /**
         * The QP solver's method (`@keel/solver-native/qp`). `interior-point`: its interior point
         * (`method: 'ipm'`) only. `admm`: its ADMM only. `auto`: the interior point, then ADMM warm
         * from its answer only if that answer misses the KKT tolerances.
         */
        method: z.enum(SOLVE_METHOD_CHOICES).default(D.solver.method),
        /** Backend of the QP solver (both methods): `auto` = native when it loads (KEEL_BACKEND honoured). */
        backend: z.enum(QP_BACKEND_CHOICES).default(D.solver.backend),
        epsAbs: z.number().positive().default(D.solver.epsAbs),
        epsRel: z.number().nonnegative().default(D.solver.epsRel),
        /** ADMM iterations (method `admm`, or `auto`'s fallback); the interior point has its own cap (200 Newton steps). */
        maxIter: z.number().int().positive().default(D.solver.maxIter),
        /** ADMM iterations when warm-started (a re-solve after a price update, or `auto`'s fallback from the interior point's answer). */
        warmMaxIter: z.number().int().positive().default(D.solver.warmMaxIter),
        polish: z.boolean().default(D.solver.polish),
        timeLimitSec: z.number().nonnegative().default(D.solver.timeLimitSec),
        /**
         * Screened interior-point re-solves (after `update`): instruments that did not trade are
         * held at their position, a smaller QP is solved, and the held ones are priced at its
         * optimum (objectors freed, solved again; the answer is KKT-checked on the full
         * problem). `auto`: from 5,000 instruments up.
         */
        screening: z.enum(['auto', 'on', 'off']).default(D.solver.screening),
        /**
         * With screening on for the book: the first (cold) interior-point solve also sets the
         * screened re-solves' smaller problem up (`PortfolioSolver.prepareScreening`), so the
         * first re-solve after a price update costs what the later ones do. ~0.1–0.2 s more
         * on the cold solve at 15,000 instruments; `false` for one-off solves of big books.
         */
        prepareScreening: z.boolean().default(D.solver.prepareScreening),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type PortfolioConfig = z.output<typeof PortfolioConfigSchema>;
export type PortfolioConfigInput = z.input<typeof PortfolioConfigSchema>;

/** Parses a config (JSON value) with every default filled; an InputError names each bad JSON path. */
export function parsePortfolioConfig(input: unknown): PortfolioConfig {
  return parseOrThrow(PortfolioConfigSchema, input ?? {});
}
