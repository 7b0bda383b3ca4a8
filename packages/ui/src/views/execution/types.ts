/** The parts of MODELS.md §3 (ExecutionRequest / ExecutionResult) the view reads. */
export interface ExecutionRequestLike {
  totalShares?: unknown;
  intervals?: unknown;
  impact?: { model?: string; [k: string]: unknown };
  volume?: number[];
  participation?: unknown;
  caps?: number[];
  sensitivityShares?: number[];
}

export interface BaselineInfo {
  schedule: number[];
  cost: number;
  continuousCost: number;
  withinCaps: boolean;
}

export interface SensitivityRow {
  totalShares: number;
  status: string;
  cost: number;
  twapCost: number;
  vwapCost: number | null;
  improvementVsTwapPct: number | null;
  improvementVsVwapPct: number | null;
  cappedBins: number;
  shortfall: number;
}

export interface ExecutionResult {
  status: string;
  totalShares: number;
  intervals: number;
  schedule: number[];
  continuous: number[];
  cost: number;
  continuousCost: number;
  costPerShare: number;
  baselines: { twap: BaselineInfo; vwap?: BaselineInfo };
  improvementPct: { vsTwap: number | null; vsVwap?: number | null };
  shortfall: number;
  info: {
    model: string;
    solver: string;
    solveTimeMs: number;
    caps: (number | null)[] | null;
    kkt: { ok: boolean; freeBins: number; cappedBins: number; emptyBins: number; multiplier: number } | null;
  };
  sensitivity?: SensitivityRow[];
}

export interface ScheduleRow {
  bin: number;
  volume: number | undefined;
  cap: number | null | undefined;
  continuous: number;
  schedule: number;
  twap: number | undefined;
  vwap: number | undefined;
}

export function scheduleRows(result: ExecutionResult, volume: readonly number[] | undefined): ScheduleRow[] {
  return result.schedule.map((x, t) => ({
    bin: t,
    volume: volume?.[t],
    cap: result.info.caps?.[t],
    continuous: result.continuous[t] ?? 0,
    schedule: x,
    twap: result.baselines.twap.schedule[t],
    vwap: result.baselines.vwap?.schedule[t],
  }));
}

export interface CostRow {
  strategy: string;
  cost: number;
  costPerShare: number;
  continuousCost: number;
  improvementPct: number | null | undefined;
  withinCaps: boolean;
}

/** Optimal vs TWAP vs VWAP; improvement is (baseline − optimal)/baseline as the engine reports it. */
export function costRows(r: ExecutionResult): CostRow[] {
  const per = (c: number) => (r.totalShares ? c / r.totalShares : Number.NaN);
  const rows: CostRow[] = [{ strategy: 'optimal', cost: r.cost, costPerShare: per(r.cost), continuousCost: r.continuousCost, improvementPct: undefined, withinCaps: true }];
  rows.push({ strategy: 'TWAP', cost: r.baselines.twap.cost, costPerShare: per(r.baselines.twap.cost), continuousCost: r.baselines.twap.continuousCost, improvementPct: r.improvementPct.vsTwap, withinCaps: r.baselines.twap.withinCaps });
  if (r.baselines.vwap)
    rows.push({ strategy: 'VWAP', cost: r.baselines.vwap.cost, costPerShare: per(r.baselines.vwap.cost), continuousCost: r.baselines.vwap.continuousCost, improvementPct: r.improvementPct.vsVwap, withinCaps: r.baselines.vwap.withinCaps });
  return rows;
}
