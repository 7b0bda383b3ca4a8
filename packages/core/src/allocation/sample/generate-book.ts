/**
 * Seeded generator of realistic PB allocation books of any size: UST and corporate bonds with
 * price, accrued, duration, convexity and dv01; trades (buys and sells, same-security pairs
 * included so netting matters); accounts with cash, positions, per-account financing and
 * constraints of mixed kinds; generated scenarios.
 *
 * Every book is feasible by construction: limits are calibrated on a random reference
 * assignment of the trades — each hard limit is that assignment's worst value over all
 * scenarios, loosened by a random slack in `slack` — so the reference assignment satisfies
 * them all, while the financing-optimal assignment has to work around them.
 */
import { createRng } from '../../random/index.js';
import { checkRatioDenominators } from '../denominator-bound.js';
import { evaluateAllocationMetrics, evaluateConstraintSlacks } from '../metrics.js';
import { buildAllocationModel } from '../model.js';
import { parseAllocationRequest } from '../parse.js';
import { buildScenarioSet } from '../scenario-set.js';
import type {
  AllocationRequestInput,
  ConstraintSpecInput,
  ObjectiveSpec,
  StrategyName,
} from '../schema.js';

export interface AllocationBookSpec {
  readonly trades: number;
  readonly accounts: number;
  readonly scenarios: number;
  /** 0..9; kinds cycle through leverage ratio, margin ≤, cash ≥, minimum gross ≥, dv01 ≤,
   * corporate concentration (linear), dv01 ≥, short ≤, long ≤. */
  readonly constraintsPerAccount: number;
  readonly seed: number;
  /** Number of securities; default max(6, round(0.4·trades)). */
  readonly securities?: number;
  readonly horizonDays?: number;
  readonly scenarioModel?: 'normal' | 'student-t';
  /** Range of the relative slack each limit gets over the reference assignment. */
  readonly slack?: readonly [number, number];
  readonly objective?: Partial<ObjectiveSpec>;
  readonly strategy?: StrategyName;
  readonly allowSplit?: boolean;
}

export const CONSTRAINT_KIND_CYCLE = [
  'leverage',
  'margin',
  'cash',
  'minGross',
  'dv01Max',
  'corpConcentration',
  'dv01Min',
  'shortMax',
  'longMax',
] as const;

const ISSUERS = [
  ['AAPL', 'AA+'], ['MSFT', 'AAA'], ['JPM', 'A-'], ['BAC', 'A-'], ['GS', 'BBB+'], ['VZ', 'BBB+'],
  ['T', 'BBB'], ['CVS', 'BBB'], ['F', 'BB+'], ['ORCL', 'BBB'], ['AMZN', 'AA'], ['KO', 'A+'],
  ['PFE', 'A'], ['XOM', 'AA-'], ['WFC', 'BBB+'], ['CMCSA', 'A-'], ['BA', 'BBB-'], ['OXY', 'BB+'],
] as const;
const TENORS = [2, 3, 5, 7, 10, 20, 30] as const;
const ACCOUNT_NAMES = ['PB-A', 'PB-B', 'PB-C', 'PB-D', 'PB-E', 'PB-F', 'PB-G', 'PB-H', 'PB-I', 'PB-J'];

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
/** Rounds |x| up/down to 3 significant digits in the direction that loosens the limit. */
function niceLimit(x: number, direction: 'up' | 'down'): number {
  if (x === 0) return 0;
  const mag = 10 ** (Math.floor(Math.log10(Math.abs(x))) - 2);
  return (direction === 'up' ? Math.ceil(x / mag) : Math.floor(x / mag)) * mag;
}

/** Modified duration and convexity of a semi-annual bullet bond at yield y. */
function bondRisk(coupon: number, tenor: number, y: number) {
  const n = Math.round(tenor * 2);
  const c = coupon / 2;
  const r = y / 2;
  let price = 0;
  let dur = 0;
  let conv = 0;
  for (let k = 1; k <= n; k++) {
    const cf = k === n ? 100 + c * 100 : c * 100;
    const df = (1 + r) ** -k;
    price += cf * df;
    dur += (k / 2) * cf * df;
    conv += ((k * (k + 1)) / 4) * cf * df;
  }
  const macaulay = dur / price;
  return { price, duration: macaulay / (1 + r), convexity: conv / (price * (1 + r) ** 2) };
}

/** A seeded random book (JSON, ready for `allocate`). Throws if its own output does not parse. */
export function generateAllocationBook(spec: AllocationBookSpec): AllocationRequestInput {
  const rng = createRng(spec.seed);
  const nAcc = spec.accounts;
  const nSec = spec.securities ?? Math.max(6, Math.round(0.4 * spec.trades));
  const [slackLo, slackHi] = spec.slack ?? [0.03, 0.3];
  const horizonDays = spec.horizonDays ?? 10;

  // Securities: ~55% UST, the rest corporates over a spread of issuers and ratings.
  const ids = new Set<string>();
  const securities = Array.from({ length: nSec }, (_, i) => {
    const gov = i % 9 < 5;
    const tenor = rng.pick(TENORS);
    const issuerRating = rng.pick(ISSUERS);
    const spread = gov ? 0 : rng.uniform(0.006, issuerRating[1].startsWith('BB') ? 0.035 : 0.02);
    const y = 0.038 + 0.004 * Math.log(tenor) + spread;
    const coupon = Math.round((y + rng.uniform(-0.012, 0.008)) * 800) / 800;
    const risk = bondRisk(coupon, tenor, y);
    const issuer = gov ? 'UST' : issuerRating[0];
    let id = `${issuer} ${(coupon * 100).toFixed(3).replace(/0$/, '')} ${2025 + tenor}`;
    while (ids.has(id)) id += "'";
    ids.add(id);
    const price = round(risk.price, 3);
    const accrued = round(coupon * 100 * rng.uniform(0, 0.5), 3);
    return {
      id,
      type: gov ? ('government' as const) : ('corporate' as const),
      price,
      accrued,
      dv01: round((risk.duration * (price + accrued)) / 10_000, 5),
      duration: round(risk.duration, 3),
      convexity: round(risk.convexity, 2),
      issuer,
      rating: gov ? 'AA+' : issuerRating[1],
    };
  });

  // Trades, with some same-security opposite-side pairs (netting inside an account pays).
  const trades = Array.from({ length: spec.trades }, (_, i) => {
    const sec = securities[Math.floor(rng.next() * nSec)]!;
    const gov = sec.type === 'government';
    const quantity = (gov ? 1 + Math.floor(rng.next() * 15) : 1 + Math.floor(rng.next() * 6)) * 1_000_000;
    return {
      id: `T${String(i + 1).padStart(3, '0')}`,
      side: rng.next() < 0.55 ? ('buy' as const) : ('sell' as const),
      security: sec.id,
      quantity,
      price: round(sec.price + rng.normal() * 0.05, 3),
      accrued: sec.accrued,
    };
  });
  const tradedNotional = trades.reduce((a, t) => a + (t.quantity * (t.price + t.accrued)) / 100, 0);

  // Accounts: positions in a few securities, cash sized so equity covers leverage ~3–5×.
  const accounts = Array.from({ length: nAcc }, (_, a) => {
    const positions: Record<string, number> = {};
    const nPos = Math.max(1, Math.round(nSec * 0.25));
    for (let k = 0; k < nPos; k++) {
      const sec = rng.pick(securities);
      positions[sec.id] = (rng.next() < 0.8 ? 1 : -1) * (1 + Math.floor(rng.next() * 10)) * 1_000_000;
    }
    let mv0 = 0;
    let gross0 = 0;
    for (const [sid, q] of Object.entries(positions)) {
      const s = securities.find((x) => x.id === sid)!;
      mv0 += (q * (s.price + s.accrued)) / 100;
      gross0 += (Math.abs(q) * (s.price + s.accrued)) / 100;
    }
    const equityTarget = (tradedNotional / nAcc + gross0) * rng.uniform(0.3, 0.45);
    const j = () => rng.uniform(-1, 1);
    return {
      id: ACCOUNT_NAMES[a] ?? `PB-${a + 1}`,
      cash: Math.round((equityTarget - mv0) / 1000) * 1000,
      positions,
      financing: {
        government: { long: round(0.045 + 0.003 * j(), 4), short: round(0.04 + 0.003 * j(), 4) },
        corporate: { long: round(0.055 + 0.004 * j(), 4), short: round(0.06 + 0.004 * j(), 4) },
      },
      metrics: [
        { id: 'gross', terms: [{ value: 'gross' as const, weight: 1 }] },
        {
          id: 'margin',
          terms: [
            { value: 'gross' as const, filter: { type: 'government' as const }, weights: { default: round(rng.uniform(0.015, 0.03), 4) } },
            {
              value: 'gross' as const,
              filter: { type: 'corporate' as const },
              weights: { default: round(rng.uniform(0.06, 0.1), 4) },
            },
            { value: 'gross' as const, filter: { type: 'corporate' as const, rating: ['BB+', 'BBB-'] }, weight: round(rng.uniform(0.04, 0.08), 4) },
          ],
        },
        { id: 'corpGross', terms: [{ value: 'gross' as const, filter: { type: 'corporate' as const } }] },
        { id: 'dv01', terms: [{ value: 'dv01' as const, weight: 1 }] },
        { id: 'longMv', terms: [{ value: 'long' as const }] },
        { id: 'shortMv', terms: [{ value: 'short' as const }] },
      ],
      constraints: [] as ConstraintSpecInput[],
    };
  });

  const objective = spec.objective ?? { terms: [{ kind: 'financingCost' as const, weight: 1 }] };
  const base = {
    securities,
    trades,
    accounts,
    scenarios: {
      generate: { count: spec.scenarios, seed: spec.seed + 1, horizonDays, model: spec.scenarioModel ?? ('normal' as const) },
    },
    objective,
    options: {
      strategy: spec.strategy ?? 'exact',
      horizonDays,
      ...(spec.allowSplit ? { allowSplit: true, lot: 1_000_000 } : {}),
    },
  } satisfies AllocationRequestInput;

  // Reference assignment and its metrics in every scenario.
  // (The objective may need constraints that do not exist yet; calibration does not use it.)
  const refReq = parseAllocationRequest({ ...structuredClone(base), objective: undefined });
  const model = buildAllocationModel(refReq);
  const scen = buildScenarioSet(refReq);
  const q = new Float64Array(model.nTrade * nAcc);
  for (let t = 0; t < model.nTrade; t++) q[t * nAcc + Math.floor(rng.next() * nAcc)] = model.tradeQty[t]!;
  const ref = evaluateAllocationMetrics(model, q, scen);
  const W = ref.width;

  accounts.forEach((acc, a) => {
    const cm = model.accounts[a]!;
    const vals = ref.values[a]!;
    const series = (id: string) => vals.subarray(cm.metricIndex.get(id)! * W, (cm.metricIndex.get(id)! + 1) * W);
    const max = (xs: ArrayLike<number>) => Math.max(...Array.from(xs));
    const min = (xs: ArrayLike<number>) => Math.min(...Array.from(xs));
    const slack = () => rng.uniform(slackLo, slackHi);
    const scale = cm.refScale;
    const constraints: ConstraintSpecInput[] = [];
    for (let k = 0; k < spec.constraintsPerAccount; k++) {
      const kind = CONSTRAINT_KIND_CYCLE[k % CONSTRAINT_KIND_CYCLE.length]!;
      const gross = series('gross');
      switch (kind) {
        case 'leverage': {
          const eq = series('equity');
          let worst = -Infinity;
          for (let s = 0; s < W; s++) worst = Math.max(worst, gross[s]! / eq[s]!);
          constraints.push({ id: 'leverage', ratio: ['gross', 'equity'], op: '<=', limit: Math.ceil(worst * (1 + slack()) * 100) / 100 });
          break;
        }
        case 'margin':
          constraints.push({ id: 'margin', metric: 'margin', op: '<=', limit: niceLimit(max(series('margin')) * (1 + slack()), 'up') });
          break;
        case 'cash': {
          const c = series('cash')[0]!;
          constraints.push({ id: 'cash', metric: 'cash', op: '>=', limit: c >= 0 ? 0 : niceLimit(c - slack() * Math.abs(c), 'down') });
          break;
        }
        case 'minGross':
          constraints.push({ id: 'minBalance', metric: 'gross', op: '>=', limit: niceLimit(min(gross) * (1 - slack()), 'down') });
          break;
        case 'dv01Max':
          constraints.push({ id: 'dv01Max', metric: 'dv01', op: '<=', limit: niceLimit(max(series('dv01')) + slack() * scale * 1e-4 * 3, 'up') });
          break;
        case 'dv01Min':
          constraints.push({ id: 'dv01Min', metric: 'dv01', op: '>=', limit: niceLimit(min(series('dv01')) - slack() * scale * 1e-4 * 3, 'down') });
          break;
        case 'corpConcentration': {
          const corp = series('corpGross');
          let worst = 0;
          for (let s = 0; s < W; s++) worst = Math.max(worst, corp[s]! / Math.max(gross[s]!, 1));
          const f = Math.min(1, Math.ceil((worst + slack() * 0.5) * 100) / 100);
          constraints.push({ id: 'corpConcentration', lhs: [{ metric: 'corpGross', coef: 1 }, { metric: 'gross', coef: -f }], op: '<=', limit: 0 });
          break;
        }
        case 'shortMax':
          constraints.push({ id: 'shortMax', metric: 'shortMv', op: '<=', limit: niceLimit(max(series('shortMv')) * (1 + slack()) + 1e6, 'up') });
          break;
        case 'longMax':
          constraints.push({ id: 'longMax', metric: 'longMv', op: '<=', limit: niceLimit(max(series('longMv')) * (1 + slack()) + 1e6, 'up') });
          break;
      }
    }
    acc.constraints = constraints;
  });

  const book = structuredClone(base) as AllocationRequestInput;
  // Self-check: the book parses, its ratio denominators stay positive, and the reference
  // assignment satisfies every constraint in every scenario.
  const req = parseAllocationRequest(structuredClone(book));
  const m2 = buildAllocationModel(req);
  const issues = checkRatioDenominators(m2, scen);
  if (issues.length) throw new Error(`generated book has unsafe ratio denominators: ${issues[0]!.path}: ${issues[0]!.message}`);
  const ref2 = evaluateAllocationMetrics(m2, q, scen);
  m2.accounts.forEach((acc, a) => {
    const sl = evaluateConstraintSlacks(acc, ref2.values[a]!, W);
    const worst = Math.min(...Array.from(sl));
    if (sl.length && worst < -1e-6) throw new Error(`generated book: reference assignment violates ${acc.id} (${worst})`);
  });
  return book;
}
