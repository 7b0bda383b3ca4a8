/**
 * Writes a seeded portfolio sample (seed 03 §4 tables) to a directory.
 *
 *   tsx packages/core/scripts/generate-portfolio-sample.ts [--instruments 2000] [--seed 7]
 *       [--format parquet|csv] [--out packages/core/samples/portfolio]
 *
 * The defaults regenerate the embedded sample (2,000 instruments, Parquet) byte for byte in
 * content (Parquet metadata aside); --instruments 15000 is the benchmark book, written on demand
 * and never committed. The run config of the sample is written next to the tables as config.json.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePortfolioSample, writePortfolioTables } from '../src/data/index.js';
import { SAMPLE_PORTFOLIO_CONFIG } from '../src/portfolio/sample-config.js';

const { values } = parseArgs({
  options: {
    instruments: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '7' },
    format: { type: 'string', default: 'parquet' },
    out: { type: 'string', default: new URL('../samples/portfolio/', import.meta.url).pathname },
  },
});
const instruments = Number(values.instruments);
const seed = Number(values.seed);
const format = values.format === 'csv' ? 'csv' : 'parquet';
if (!Number.isInteger(instruments) || instruments < 200) throw new Error('--instruments must be an integer ≥ 200');
const out = resolve(values.out as string);
const t0 = performance.now();
const tables = generatePortfolioSample({ instruments, seed });
const files = await writePortfolioTables(out, tables, format);
await writeFile(join(out, 'config.json'), `${JSON.stringify(SAMPLE_PORTFOLIO_CONFIG, null, 2)}\n`);
process.stdout.write(`wrote ${files.length} tables + config.json to ${out} (${instruments} instruments, seed ${seed}, ${format}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
