import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError, isInputError, parseOrThrow } from '@keel/core';
import { buildUniverse, readPortfolioTables, TABLE_NAMES, type Diagnostic, type PortfolioTables, type TableFileInfo } from '@keel/core/data';
import { formatOmsCsv } from '@keel/core/orders';
import {
  parsePortfolioConfig,
  PortfolioConfigSchema,
  preparePortfolio,
  runPortfolio,
  SAMPLE_PORTFOLIO_CONFIG,
  SAMPLE_PORTFOLIO_DIR,
  type PortfolioRunResult,
} from '@keel/core/portfolio';
import type { Engine } from '../jobs/engine.js';
import { jsonSchemaOf } from './util.js';

/**
 * Where the tables come from: the embedded 2,000-instrument sample, or files sent inline
 * (CSV text or base64 Parquet, named by table: `instruments`, `positions`, …).
 */
const TableFileSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('csv'), text: z.string().max(64 * 2 ** 20) }).strict(),
  z.object({ format: z.literal('parquet'), base64: z.string().max(90 * 2 ** 20) }).strict(),
]);
export const PortfolioDataSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('sample') }).strict(),
  z
    .object({
      source: z.literal('inline'),
      tables: z.partialRecord(z.enum(TABLE_NAMES), TableFileSchema).refine((t) => Object.keys(t).length > 0, 'needs at least one table'),
    })
    .strict(),
]);
export type PortfolioData = z.output<typeof PortfolioDataSchema>;

export const PortfolioRequestSchema = z
  .object({
    /** The run config of seed 03 (constraints and settings); defaults fill what is missing. */
    config: z.unknown().optional(),
    data: PortfolioDataSchema.default({ source: 'sample' }),
  })
  .strict();

export const UniverseRequestSchema = z.object({ config: z.unknown().optional(), data: PortfolioDataSchema.default({ source: 'sample' }) }).strict();

export interface LoadedData {
  readonly tables: PortfolioTables;
  readonly readDiagnostics: Diagnostic[];
  readonly files: TableFileInfo[];
  readonly dataSource: string;
}

/** Reads the tables through the same reader as `keel optimize` (schema checks, table:row:column findings). */
export async function loadPortfolioData(data: PortfolioData): Promise<LoadedData> {
  if (data.source === 'sample') {
    const r = await readPortfolioTables(SAMPLE_PORTFOLIO_DIR);
    return { tables: r.tables, readDiagnostics: r.diagnostics, files: r.files, dataSource: 'embedded sample' };
  }
  const dir = await mkdtemp(join(tmpdir(), 'keel-tables-'));
  try {
    for (const [name, file] of Object.entries(data.tables)) {
      if (!file) continue;
      if (file.format === 'csv') await writeFile(join(dir, `${name}.csv`), file.text);
      else {
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(file.base64)) throw new InputError({ path: `data.tables.${name}.base64`, message: 'not base64' });
        await writeFile(join(dir, `${name}.parquet`), Buffer.from(file.base64, 'base64'));
      }
    }
    const r = await readPortfolioTables(dir);
    return { tables: r.tables, readDiagnostics: r.diagnostics, files: r.files, dataSource: 'uploaded tables' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface PortfolioInput extends LoadedData {
  readonly config: unknown;
  readonly instruments: number;
}

export const portfolioEngine: Engine<PortfolioInput> = {
  kind: 'portfolio',
  async parse(body) {
    const req = parseOrThrow(PortfolioRequestSchema, body);
    const config = req.config ?? {};
    inConfig(() => parsePortfolioConfig(config));
    const loaded = await loadPortfolioData(req.data);
    // Every check that stops a run happens here, before a run exists: table schemas, the
    // universe's errors, config references and pre-solve contradictions.
    const prep = inConfig(() => preparePortfolio(loaded.tables, config, loaded.readDiagnostics));
    return { ...loaded, config, instruments: prep.universe.instruments.length };
  },
  size: (i) => i.instruments,
  // The 2,000-instrument sample answers in a few seconds; 15,000 runs in the background.
  asyncAbove: 5_000,
  async run(input, ctx) {
    const result = runPortfolio({
      tables: input.tables,
      config: input.config,
      readDiagnostics: input.readDiagnostics,
      files: input.files,
      dataSource: input.dataSource,
      onProgress: (step) => ctx.progress(step),
    });
    return { outcome: result.status, output: result };
  },
  sample: () => ({ config: SAMPLE_PORTFOLIO_CONFIG, data: { source: 'sample' } }),
  ordersCsv: (output) => formatOmsCsv((output as PortfolioRunResult).orders),
  openapi: {
    request: {
      ...jsonSchemaOf(PortfolioRequestSchema),
      properties: { config: jsonSchemaOf(PortfolioConfigSchema), data: jsonSchemaOf(PortfolioDataSchema) },
    },
    summary: 'Single-period portfolio construction from seed 03 tables (MODELS.md §2)',
  },
};

const CONFIG_KEYS = new Set(Object.keys(PortfolioConfigSchema.shape));

/**
 * Config findings name paths inside the config (`constraints.portfolio.net.lower`); in the API
 * the config sits at `config`, so those paths get the prefix. Table findings keep theirs.
 */
function inConfig<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!isInputError(e)) throw e;
    const fix = (p: string) => p.split(' vs ').map((q) => (CONFIG_KEYS.has(q.split(/[.[]/)[0] ?? '') ? `config.${q}` : q)).join(' vs ');
    throw new InputError(e.issues.map((i) => ({ ...i, path: fix(i.path) })));
  }
}

/** POST /v1/portfolio/universe: the joined universe with derived fields and validation findings, no solve. */
export async function buildUniverseView(body: unknown) {
  const req = parseOrThrow(UniverseRequestSchema, body);
  const config = inConfig(() => parsePortfolioConfig(req.config ?? {}));
  const loaded = await loadPortfolioData(req.data);
  const u = buildUniverse(loaded.tables, { numeraire: config.numeraire, ...(config.asOf ? { asOf: config.asOf } : {}), ...config.universe });
  const diagnostics = [...loaded.readDiagnostics, ...u.diagnostics];
  const counts = { error: 0, warning: 0, info: 0 } as Record<string, number>;
  for (const d of diagnostics) counts[d.severity] = (counts[d.severity] ?? 0) + 1;
  const byType: Record<string, number> = {};
  for (const i of u.instruments) byType[i.type] = (byType[i.type] ?? 0) + 1;
  return {
    universe: u.instruments,
    diagnostics,
    summary: {
      numeraire: u.numeraire,
      asOf: u.asOf,
      nav: u.nav,
      instruments: u.instruments.length,
      byType,
      factors: u.factors.length,
      currencies: u.currencies,
      totals: u.totals,
      diagnostics: counts,
      files: loaded.files,
    },
  };
}
