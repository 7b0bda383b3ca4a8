import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { KEEL_VERSION } from '@keel/core';
import { RUN_KINDS, RUN_STATES, type RunRecord } from '../store/types.js';
import { bindingConstraints, dataQuality, explainInfeasibility, type Finding } from './explain.js';
import type { RunSource } from './source.js';

const text = (t: string, structured?: Record<string, unknown>) => ({
  content: [{ type: 'text' as const, text: t }],
  ...(structured ? { structuredContent: structured } : {}),
});
const lines = (fs: readonly Finding[], empty: string) => (fs.length ? fs.map((f) => `- ${f.what}`).join('\n') : empty);

/**
 * Keel's MCP server: read-only tools over the run store for an assistant diagnosing runs
 * (seed 03 §13). Every tool names the run it read; nothing here changes a run.
 */
export function createKeelMcpServer(source: RunSource): McpServer {
  const server = new McpServer({ name: 'keel', version: KEEL_VERSION });
  const load = async (id: string): Promise<RunRecord | string> => (await source.get(id))?.run ?? `no run with id ${id}`;

  server.registerTool(
    'list_runs',
    {
      description: 'List Keel runs, newest first, with their state and engine outcome.',
      inputSchema: { kind: z.enum(RUN_KINDS).optional(), state: z.enum(RUN_STATES).optional(), limit: z.number().int().min(1).max(200).default(20) },
    },
    async ({ kind, state, limit }) => {
      const runs = await source.list({ limit, ...(kind ? { kind } : {}), ...(state ? { state } : {}) });
      const t = runs.length
        ? runs.map((r) => `${r.id}  ${r.kind.padEnd(10)} ${r.state.padEnd(9)} ${String(r.outcome ?? '-').padEnd(12)} ${r.createdAt}`).join('\n')
        : 'no runs';
      return text(t, { runs });
    },
  );

  server.registerTool(
    'get_run_diagnostics',
    {
      description: "One run's state, outcome, timings, error and log (status transitions and progress).",
      inputSchema: { id: z.string().min(1) },
    },
    async ({ id }) => {
      const got = await source.get(id);
      if (!got) return text(`no run with id ${id}`);
      const { run, log } = got;
      const head = `${run.kind} run ${run.id}: ${run.state}${run.outcome ? ` (${run.outcome})` : ''}; input ${run.inputHash.slice(0, 12)}…, version ${run.version}`;
      const timing = run.timings ? `queued ${Math.round(run.timings.queueMs ?? 0)} ms, ran ${Math.round(run.timings.runMs ?? 0)} ms` : 'no timings';
      const err = run.error ? `error ${run.error.code}: ${run.error.message}` : '';
      const logText = log.map((e) => `${e.at} ${e.type}: ${e.message}`).join('\n');
      return text([head, timing, err, 'log:', logText].filter(Boolean).join('\n'), {
        run: { ...run, input: undefined, output: undefined },
        log,
      });
    },
  );

  server.registerTool(
    'explain_infeasibility',
    {
      description:
        'Why a run found no feasible answer: for allocations the smallest relaxation of each constraint (elastic model); for rotation the conflicting constraint groups; for execution the shortfall; for portfolios the pre-solve conflicts.',
      inputSchema: { id: z.string().min(1) },
    },
    async ({ id }) => {
      const run = await load(id);
      if (typeof run === 'string') return text(run);
      const e = explainInfeasibility(run);
      return text(`${e.summary}\n${lines(e.findings, '')}`.trim(), e as unknown as Record<string, unknown>);
    },
  );

  server.registerTool(
    'binding_constraints',
    {
      description: 'Constraints that bind or nearly bind in a finished run (normalised slack within `tolerance`), tightest first.',
      inputSchema: { id: z.string().min(1), tolerance: z.number().min(0).max(1).default(0.01) },
    },
    async ({ id, tolerance }) => {
      const run = await load(id);
      if (typeof run === 'string') return text(run);
      const fs = bindingConstraints(run, tolerance);
      return text(lines(fs, `no constraint within ${tolerance} of its limit`), { binding: fs });
    },
  );

  server.registerTool(
    'data_quality',
    {
      description: "A portfolio run's data-quality findings from the universe builder (missing risk or cost, invalid symbols, basket weights, stale FX).",
      inputSchema: { id: z.string().min(1) },
    },
    async ({ id }) => {
      const run = await load(id);
      if (typeof run === 'string') return text(run);
      const fs = dataQuality(run);
      return text(lines(fs, 'no data-quality findings recorded for this run'), { findings: fs });
    },
  );
  return server;
}
