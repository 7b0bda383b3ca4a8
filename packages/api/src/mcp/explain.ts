/*
 * Pure readers over stored run outputs, per engine: what made a run infeasible, which
 * constraints bind or nearly bind, and what the data-quality checks found. They return plain
 * data; the MCP tools render it for the assistant (seed 03 §13: suggest relaxations, spot tight
 * or loose exposures, detect data issues).
 */
import type { RunRecord } from '../store/types.js';

export interface Finding {
  readonly what: string;
  readonly detail: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function explainInfeasibility(run: RunRecord): { infeasible: boolean; summary: string; findings: Finding[] } {
  const out = obj(run.output);
  if (run.state !== 'succeeded') return { infeasible: false, summary: `run is ${run.state}${run.error ? `: ${run.error.message}` : ''}`, findings: [] };
  switch (run.kind) {
    case 'allocation': {
      const relax = arr(obj(out.diagnostics).relaxations);
      const notes = arr(obj(out.diagnostics).notes).map(String);
      const infeasible = out.status === 'infeasible';
      return {
        infeasible,
        summary: infeasible
          ? `no assignment meets every hard constraint in every scenario; ${relax.length} constraint(s) must be relaxed (smallest relaxations from the elastic model)`
          : `status ${String(out.status)}: the book is feasible`,
        findings: [
          ...relax.map((r) => ({
            what: `relax ${String(r.account)}/${String(r.constraint)} ${String(r.op)} ${String(r.limit)} → ${String(r.relaxedLimit)}`,
            detail: r,
          })),
          ...notes.map((n) => ({ what: n, detail: {} })),
        ],
      };
    }
    case 'rotation': {
      const info = obj(out.info);
      const diag = obj(info.diagnosis ?? out.diagnosis);
      const conflict = arr(diag.conflict);
      const relax = arr(diag.relaxation);
      const infeasible = info.status === 'infeasible';
      return {
        infeasible,
        summary: infeasible ? `the QP's constraints admit no weights; ${conflict.length} constraint group(s) conflict` : `status ${String(info.status ?? 'ok')}`,
        findings: [
          ...conflict.map((g) => ({ what: `in conflict: ${JSON.stringify(g)}`, detail: { group: g } })),
          ...relax.map((r) => ({ what: `widen ${JSON.stringify(r.group)} by ${String(r.amount)}`, detail: r })),
        ],
      };
    }
    case 'execution': {
      const infeasible = out.status === 'infeasible';
      return {
        infeasible,
        summary: infeasible
          ? `the caps hold ${String(num(out.totalShares) !== undefined && num(out.shortfall) !== undefined ? (out.totalShares as number) - (out.shortfall as number) : '?')} shares; ${String(out.shortfall)} cannot be scheduled — raise the participation rate or caps, or lengthen the horizon`
          : `status ${String(out.status)}`,
        findings: infeasible ? [{ what: `shortfall ${String(out.shortfall)} shares`, detail: { shortfall: out.shortfall } }] : [],
      };
    }
    case 'portfolio': {
      const summary = obj(out.summary);
      const status = String(summary.status ?? out.status ?? 'unknown');
      const infeasible = /infeasible/.test(status);
      const pre = arr(out.preSolve ?? obj(out.log).preSolve ?? out.conflicts);
      return {
        infeasible,
        summary: infeasible ? `the optimiser found no portfolio meeting the hard constraints (${status})` : `status ${status}`,
        findings: pre.map((d) => ({ what: String(d.message ?? JSON.stringify(d)), detail: d })),
      };
    }
  }
}

/** Constraints whose normalised slack is within `tolerance` (binding or nearly so). */
export function bindingConstraints(run: RunRecord, tolerance = 0.01): Finding[] {
  const out = obj(run.output);
  switch (run.kind) {
    case 'allocation':
      return arr(out.compliance)
        .filter((c) => (num(c.headroom) ?? Infinity) <= tolerance)
        .sort((a, b) => (num(a.headroom) ?? 0) - (num(b.headroom) ?? 0))
        .map((c) => ({
          what: `${String(c.account)}/${String(c.constraint)}: headroom ${fmt(c.headroom)} (worst ${fmt(c.worst)} in scenario ${String(c.worstScenario)} vs limit ${String(c.op)} ${fmt(c.limit)})`,
          detail: c,
        }));
    case 'portfolio':
      return arr(out.diagnostics)
        .filter((d) => d.binding === true || Math.abs(num(d.slack) ?? Infinity) <= tolerance * Math.max(1, Math.abs(num(d.upper) ?? num(d.lower) ?? 1)))
        .map((d) => ({ what: `${String(d.name ?? d.id ?? d.constraint)}: value ${fmt(d.value)} in [${fmt(d.lower)}, ${fmt(d.upper)}], dual ${fmt(d.dual)}`, detail: d }));
    case 'rotation': {
      const ev = obj(obj(out.info).evaluation);
      return arr(ev.constraints ?? ev.checks)
        .filter((c) => Math.abs(num(c.slack) ?? Infinity) <= tolerance)
        .map((c) => ({ what: `${String(c.name ?? c.id)}: slack ${fmt(c.slack)}`, detail: c }));
    }
    case 'execution': {
      // Bins whose continuous optimum sits on its participation/explicit cap.
      const caps = obj(out.info).caps;
      const cont = Array.isArray(out.continuous) ? (out.continuous as number[]) : [];
      if (!Array.isArray(caps)) return [];
      return cont.flatMap((x, t) => {
        const cap = (caps as (number | null)[])[t];
        return cap !== null && cap !== undefined && x >= cap * (1 - tolerance)
          ? [{ what: `bin ${t}: ${x.toFixed(1)} shares at cap ${cap}`, detail: { bin: t, shares: x, cap } }]
          : [];
      });
    }
  }
}

/** The universe builder's data-quality diagnostics of a portfolio run (or notes of others). */
export function dataQuality(run: RunRecord): Finding[] {
  const out = obj(run.output);
  const diags = arr(out.dataQc ?? obj(out.log).dataQc ?? obj(out.universe).diagnostics ?? out.universeDiagnostics);
  return diags.map((d) => ({
    what: `${String(d.severity ?? 'info')}: ${String(d.message ?? d.code ?? JSON.stringify(d))}${d.instrument ? ` (${String(d.instrument)})` : ''}`,
    detail: d,
  }));
}

function fmt(v: unknown): string {
  const n = num(v);
  if (n === undefined) return String(v);
  return Math.abs(n) >= 1e4 ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : n.toPrecision(4);
}
