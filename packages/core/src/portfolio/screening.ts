/**
 * Screened warm re-solves. After a price update most instruments still do not trade (at 15,000
 * instruments about 1,200 trade at the optimum): each sits at its no-trade kink, and the
 * interior point spends its steps on all of them. A screened re-solve holds the instruments
 * that did not trade last time at their current position (x = x0, no buy, no sell, the long or
 * short half equal to the position), solves the QP over the rest — the traders, a margin of the
 * instruments nearest to trading, and every instrument in a conversion or a hedge package — and
 * then asks each held instrument whether it wants to move at the new optimum's prices
 * (`ColumnFixing.expand`: stationarity of its columns with multipliers of the right sign).
 * Objectors are freed and the smaller QP is solved again; with no objection the pair is a KKT
 * point of the full problem, which the caller still checks on the raw arrays.
 *
 * The smaller QP keeps its pattern while the screened set does not change, so its workspace is
 * updated in place and warm-started like the full one.
 */
import { ColumnFixing, createQpWorkspace, type QpBackend, type QpResult, type QpSettings, type QpWorkspace, type ReducedQp } from '@keel/solver-native/qp';
import type { PortfolioQp } from './build-qp.js';
import { KKT_TOLERANCES, kktScale } from './kkt.js';
import { sendChanges } from './send-changes.js';

/** Screened re-solves are used from this many instruments up (`solver.screening: 'auto'`). */
export const SCREENING_MIN_INSTRUMENTS = 5000;
/** Free instruments nearest to trading, beyond the traders: this share of the traders, at least `margin` (default 100). */
const MARGIN_SHARE = 0.25;
const MARGIN_MIN = 100;
/** Smaller solves per re-solve before giving up (the caller then solves the full problem). */
const MAX_ROUNDS = 3;

export interface ScreeningOptions {
  /** Least number of non-trading instruments left free as a margin (default 100; tests use 0). */
  readonly margin?: number;
  /** Smaller solves per re-solve before giving up (default 3). */
  readonly maxRounds?: number;
}
/** A trade below this (NAV fraction) counts as none when choosing what to free. */
const TRADE_EPS = 1e-9;

export interface ScreeningInfo {
  /** Instruments solved for / held at their position in the last smaller solve. */
  readonly freeInstruments: number;
  readonly fixedInstruments: number;
  /** Smaller solves this re-solve took (1 when nothing objected). */
  readonly rounds: number;
  /** Instruments freed because they objected or their position broke a limit. */
  readonly freed: number;
  /** Whether the smaller problem was set up anew this time (first re-solve, or the set grew). */
  readonly setUp: boolean;
  /** Why the screen gave up, when it did (the full problem was then solved warm). */
  readonly gaveUp?: string;
}

/** `x`/`y`/`result` only when the screen did not give up. */
export interface ScreenedSolve {
  readonly x?: Float64Array;
  readonly y?: Float64Array;
  /** The last smaller solve. */
  readonly result?: QpResult;
  /** The smaller problems' fixing, reduction, setup (when set up anew) and solves, ms (not the expansions). */
  readonly solverMs: number;
  readonly info: ScreeningInfo;
}

/** The columns (ascending) a fixing holds: every own column (x, u⁺, u⁻, long/short halves) of the instruments not in `free`. */
function heldColumns(owner: Int32Array, free: Uint8Array): Int32Array {
  let count = 0;
  for (let c = 0; c < owner.length; c++) if ((owner[c] as number) >= 0 && !free[owner[c] as number]) count++;
  const cols = new Int32Array(count);
  for (let c = 0, t = 0; c < owner.length; c++) if ((owner[c] as number) >= 0 && !free[owner[c] as number]) cols[t++] = c;
  return cols;
}

/** No-trade values of held columns: x = x0, no buy or sell, the long or short half = the position. */
function heldValues(qp: PortfolioQp, cols: Int32Array, owner: Int32Array): Float64Array {
  const L = qp.layout;
  const values = new Float64Array(cols.length);
  for (let t = 0; t < cols.length; t++) {
    const c = cols[t] as number;
    const i = owner[c] as number;
    const x0 = qp.problem.l[i] as number; // trade-balance row i: x − u⁺ + u⁻ (…) = x0
    if (c === L.x + i) values[t] = x0;
    else if (c >= L.split && c === L.longCol[i]) values[t] = Math.max(x0, 0);
    else if (c >= L.split && c === L.shortCol[i]) values[t] = Math.max(-x0, 0);
    // u⁺, u⁻ (also the halves of an instrument without its own): 0
  }
  return values;
}

/** Instruments a fixing must leave free: conversion legs and hedge-package members (their rows tie them to shared variables). */
function alwaysFree(qp: PortfolioQp): Uint8Array {
  const free = new Uint8Array(qp.layout.n);
  for (const c of qp.conversions) {
    free[c.leader] = 1;
    for (const m of c.members) free[m] = 1;
  }
  for (let i = 0; i < qp.layout.n; i++) if ((qp.layout.resSlot[i] as number) !== -1) free[i] = 1;
  return free;
}

/** Instrument owning each column (−1: not an instrument's own column). */
function columnOwners(qp: PortfolioQp): Int32Array {
  const L = qp.layout;
  const owner = new Int32Array(qp.problem.n).fill(-1);
  for (let i = 0; i < L.n; i++) {
    owner[L.x + i] = i;
    owner[L.up + i] = i;
    owner[L.um + i] = i;
    owner[L.longCol[i] as number] = i;
    owner[L.shortCol[i] as number] = i;
  }
  return owner;
}

/**
 * The instruments to solve for, from a solution of the full problem: those that trade, those in
 * conversions or packages, and the ones nearest to trading — the smallest multiplier on their
 * buy or sell bound (a no-trade kink that a small price move can tip).
 */
function freeSetFrom(qp: PortfolioQp, keep: Uint8Array, x: Float64Array, y: Float64Array, marginMin: number): Uint8Array {
  const L = qp.layout;
  const free = Uint8Array.from(keep);
  const idle: number[] = [];
  let traders = 0;
  for (let i = 0; i < L.n; i++) {
    if (free[i]) continue;
    if (Math.abs(x[L.up + i] as number) + Math.abs(x[L.um + i] as number) > TRADE_EPS) {
      free[i] = 1;
      traders++;
    } else idle.push(i);
  }
  const near = (i: number) => Math.min(Math.abs(y[qp.identityRow + L.up + i] as number), Math.abs(y[qp.identityRow + L.um + i] as number));
  const margin = Math.min(idle.length, Math.max(marginMin, Math.ceil(MARGIN_SHARE * traders)));
  const key = Float64Array.from(idle, near);
  const order = Array.from(idle.keys()).sort((a, b) => (key[a] as number) - (key[b] as number));
  for (let t = 0; t < margin; t++) free[idle[order[t] as number] as number] = 1;
  return free;
}

/**
 * One solve session of the smaller problem. `solve` takes the current full problem and the last
 * accepted full solution (the start, and the source of the screened set when it is set up).
 */
export class ScreenedSession {
  private readonly settings: Partial<QpSettings>;
  private readonly backend: QpBackend | undefined;
  private readonly keep: Uint8Array;
  private readonly owner: Int32Array;
  private free: Uint8Array | undefined;
  private fixing: ColumnFixing | undefined;
  private ws: QpWorkspace | undefined;
  private last: ReducedQp | undefined;
  private readonly marginMin: number;
  private readonly maxRounds: number;

  constructor(qp: PortfolioQp, settings: Partial<QpSettings>, backend: QpBackend | undefined, opts: ScreeningOptions = {}) {
    this.settings = settings;
    this.backend = backend;
    this.marginMin = opts.margin ?? MARGIN_MIN;
    this.maxRounds = opts.maxRounds ?? MAX_ROUNDS;
    this.keep = alwaysFree(qp);
    this.owner = columnOwners(qp);
  }

  /** `info.gaveUp` (no x): the smaller problem failed or kept objecting; solve the full problem instead. */
  solve(qp: PortfolioQp, start: { x: Float64Array; y: Float64Array }): ScreenedSolve {
    // A held block objects above a tenth of the KKT acceptance, so that what the blocks leave
    // cannot decide the check the caller makes on the expanded answer.
    const dualTolerance = 0.1 * KKT_TOLERANCES.dual * kktScale(qp.problem);
    let solverMs = 0;
    let setUp = false;
    let freed = 0;
    let from = start;
    // A new smaller problem (first re-solve, or the last one was dropped): the set from the start
    // point, so that it also shrinks when the book stops trading names.
    if (!this.ws) this.free = freeSetFrom(qp, this.keep, start.x, start.y, this.marginMin);
    const free = this.free as Uint8Array;
    const counts = () => {
      let f = 0;
      for (let i = 0; i < qp.layout.n; i++) f += free[i] as number;
      return { freeInstruments: f, fixedInstruments: qp.layout.n - f };
    };
    for (let round = 1; round <= this.maxRounds; round++) {
      const t0 = performance.now();
      const reduced = this.reduce(qp);
      if (reduced.brokenRows.length > 0) {
        // Holding these positions breaks a limit (a cap that the new prices moved below a position).
        freed += this.freeRowOwners(qp, reduced.brokenRows);
        this.reset();
        continue;
      }
      if (this.ws) {
        sendChanges(this.ws, this.last!.problem, reduced.problem);
        this.last = reduced;
      } else {
        this.open(reduced, from);
        setUp = true;
      }
      const r = this.ws!.solve();
      solverMs += performance.now() - t0;
      if (r.status !== 'solved' || r.x.length === 0) {
        this.reset();
        return { solverMs, info: { ...counts(), rounds: round, freed, setUp, gaveUp: `the smaller problem ended ${r.status}` } };
      }
      const ex = this.fixing!.expand(qp.problem, reduced, r.x, r.y, dualTolerance); // set by reduce()
      if (ex.objecting.length === 0) return { x: ex.x, y: ex.y, result: r, solverMs, info: { ...counts(), rounds: round, freed, setUp } };
      freed += this.freeOwners(Array.from(ex.objecting, (c) => this.owner[c] as number));
      this.reset();
      from = { x: ex.x, y: ex.y };
    }
    return { solverMs, info: { ...counts(), rounds: this.maxRounds, freed, setUp, gaveUp: `held instruments still objected after ${this.maxRounds} rounds` } };
  }

  /**
   * Sets up the smaller problem now, from a solution of `qp` (the screened set, the fixing, the
   * workspace's ordering and symbolic analysis, warm-started at `start`), so that the next
   * `solve` — after a price update — only updates it in place. Idle-time work: what the first
   * screened re-solve of a session would otherwise do itself. False when holding the idle
   * positions breaks a limit at these prices (the first re-solve then sorts it out).
   */
  prepare(qp: PortfolioQp, start: { x: Float64Array; y: Float64Array }): boolean {
    if (this.ws) return true;
    this.free = freeSetFrom(qp, this.keep, start.x, start.y, this.marginMin);
    const reduced = this.reduce(qp);
    if (reduced.brokenRows.length > 0) {
      this.reset();
      return false;
    }
    this.open(reduced, start);
    return true;
  }

  /** `qp` with the held instruments at their no-trade values (the fixing is built once per screened set). */
  private reduce(qp: PortfolioQp): ReducedQp {
    this.fixing ??= new ColumnFixing(qp.problem, heldColumns(this.owner, this.free as Uint8Array));
    return this.fixing.reduce(qp.problem, heldValues(qp, this.fixing.cols, this.owner));
  }

  /** A workspace for `reduced` (the current fixing's), warm-started at the full point `from`. */
  private open(reduced: ReducedQp, from: { x: Float64Array; y: Float64Array }): void {
    const f = this.fixing!;
    this.ws = createQpWorkspace(reduced.problem, this.settings, { backend: this.backend });
    this.ws.warmStart(Float64Array.from(f.keptCols, (j) => from.x[j] as number), Float64Array.from(f.keptRows, (r) => from.y[r] as number));
    this.last = reduced;
  }

  /** Frees the instruments (−1s ignored); how many were held. */
  private freeOwners(instruments: readonly number[]): number {
    let n = 0;
    for (const i of instruments) {
      if (i >= 0 && !this.free![i]) {
        this.free![i] = 1;
        n++;
      }
    }
    return n;
  }

  /** Frees the held instruments with an entry in any of `rows`; how many. */
  private freeRowOwners(qp: PortfolioQp, rows: Int32Array): number {
    const inRows = new Set(rows);
    const owners = new Set<number>();
    const { A } = qp.problem;
    for (let j = 0; j < qp.problem.n; j++) {
      const i = this.owner[j] as number;
      if (i < 0 || this.free![i]) continue;
      for (let k = A.colPtr[j] as number; k < (A.colPtr[j + 1] as number); k++) if (inRows.has(A.rowIdx[k] as number)) owners.add(i);
    }
    return this.freeOwners([...owners]);
  }

  /** Drops the smaller problem (the screened set changed): the next round sets it up anew. */
  private reset(): void {
    this.ws?.dispose();
    this.ws = undefined;
    this.fixing = undefined;
    this.last = undefined;
  }

  dispose(): void {
    this.reset();
    this.free = undefined;
  }
}
