/**
 * Report builder: terminal tables (assignment, per-account compliance, metrics, objective and
 * solver lines) and JSON for machines. Pure: returns strings.
 */
import type { AllocationRequest } from './schema.js';
import type { AllocationResult } from './types.js';

const money = (x: number) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(x);
const num = (x: number, digits = 4) => (Number.isFinite(x) ? (Math.abs(x) >= 1e5 ? money(x) : x.toFixed(digits)) : String(x));
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : String(x));
const scen = (s: number) => (s === 0 ? 'base' : `#${s}`);

/** Renders rows as an aligned text table; numeric-looking cells are right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,.]+%?$|^#\d+$|^base$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatAllocationTables(result: AllocationResult, request?: AllocationRequest): string {
  const out: string[] = [];
  const trades = new Map(request?.trades.map((t) => [t.id, t]) ?? []);
  out.push(`status ${result.status} · strategy ${result.strategy} · solver ${result.solver.name} (${result.solver.status})`);
  if (result.message) out.push(`note: ${result.message}`);
  out.push('');

  out.push(`Assignments (${result.assignments.length})`);
  out.push(
    request
      ? formatTable(
          ['trade', 'side', 'security', 'quantity', 'account'],
          result.assignments.map((r) => {
            const t = trades.get(r.trade);
            return [r.trade, t?.side ?? '', t?.security ?? '', money(r.quantity), r.account];
          }),
        )
      : formatTable(['trade', 'quantity', 'account'], result.assignments.map((r) => [r.trade, money(r.quantity), r.account])),
  );
  out.push('');

  out.push('Compliance (every scenario, base included; headroom = smallest normalised slack)');
  out.push(
    formatTable(
      ['account', 'constraint', 'op', 'limit', 'base', 'worst', 'scenario', 'headroom', 'pass'],
      result.compliance.map((c) => [
        c.account,
        c.soft ? `${c.constraint} (soft)` : c.constraint,
        c.op,
        num(c.limit, c.kind === 'ratio' ? 4 : 2),
        num(c.base, c.kind === 'ratio' ? 4 : 2),
        num(c.worst, c.kind === 'ratio' ? 4 : 2),
        scen(c.worstScenario),
        pct(c.headroom),
        c.pass ? 'yes' : 'NO',
      ]),
    ),
  );
  out.push('');

  out.push('Accounts after allocation');
  out.push(
    formatTable(
      ['account', 'cash', 'metric', 'base', 'worst', 'scenario'],
      result.accounts.flatMap((a) =>
        a.metrics.map((m, i) => [i === 0 ? a.id : '', i === 0 ? money(a.cash) : '', m.id, num(m.base, 2), num(m.worst, 2), scen(m.worstScenario)]),
      ),
    ),
  );
  out.push('');

  const o = result.objective;
  const terms = Object.entries(o.terms)
    .map(([k, v]) => `${k} ${k === 'headroom' ? pct(v as number) : money(v as number)}`)
    .join(' · ');
  out.push(`objective ${num(o.value, 6)}${terms ? ` (${terms})` : ''} · scale financingCost ${money(o.scale.financingCost)}, risk ${money(o.scale.risk)}`);
  const s = result.solver;
  const bits = [
    `solver ${s.name}`,
    `status ${s.status}`,
    s.mipGap !== null ? `gap ${s.mipGap.toExponential(2)}` : null,
    `time ${s.timeMs.toFixed(0)} ms`,
    s.nodes !== null ? `nodes ${s.nodes}` : null,
    s.rounds !== null ? `rounds ${s.rounds}` : null,
    s.scenarioRowsAdded !== null ? `scenario rows ${s.scenarioRowsAdded}` : null,
  ].filter(Boolean);
  out.push(bits.join(' · '));
  const d = result.diagnostics;
  if (d?.relaxations?.length) {
    out.push('');
    out.push('Smallest relaxation per constraint that makes the book feasible');
    out.push(
      formatTable(
        ['account', 'constraint', 'op', 'limit', 'relax by', 'relaxed limit'],
        d.relaxations.map((r) => [r.account, r.constraint, r.op, num(r.limit, 2), num(r.relaxation, 2), num(r.relaxedLimit, 2)]),
      ),
    );
  }
  if (d?.notes?.length) out.push('', ...d.notes.map((n) => `note: ${n}`));
  out.push(`audit run ${result.audit.runId} · input sha256 ${result.audit.inputHash.slice(0, 16)}… · keel ${result.audit.version} · ${result.audit.createdAt}`);
  return `${out.join('\n')}\n`;
}

/** The result as JSON (NaN/±∞ become null). */
export function formatAllocationJson(result: AllocationResult): string {
  return `${JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
