// `pnpm bench` runs every suite; `pnpm bench:ci` the quick subset, then fails when a tracked
// ratio falls below its floor in floors.json (ratios, not times: these machines are noisy).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeJson, type SuiteReport } from './harness.js';
import { suites } from './suites/index.js';

const { values } = parseArgs({ options: { ci: { type: 'boolean', default: false }, only: { type: 'string' } } });
const floors = JSON.parse(readFileSync(new URL('../floors.json', import.meta.url), 'utf8')) as Record<string, number>;

const selected = suites.filter((s) => (values.ci ? s.inCi : true) && (!values.only || s.name === values.only));
const reports: Record<string, SuiteReport> = {};
const breaches: string[] = [];
for (const suite of selected) {
  const t0 = performance.now();
  console.log(`\n▶ ${suite.name}`);
  const report = await suite.run({ ci: !!values.ci });
  reports[suite.name] = report;
  for (const [k, v] of Object.entries(report.ratios)) {
    const key = `${suite.name}.${k}`;
    const floor = floors[key];
    const ok = floor === undefined || v >= floor;
    if (!ok) breaches.push(`${key} = ${v.toFixed(3)} < floor ${floor}`);
    console.log(`  ratio ${key} = ${v.toFixed(3)}${floor === undefined ? '' : ` (floor ${floor})`} ${ok ? '' : '✗'}`);
  }
  for (const [k, v] of Object.entries(report.figures)) console.log(`  ${k}: ${v}`);
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
writeJson(values.ci ? 'summary-ci' : 'summary', { createdAt: new Date().toISOString(), node: process.version, reports });
if (breaches.length) {
  console.error(`\nbenchmark floors breached:\n  ${breaches.join('\n  ')}`);
  process.exit(1);
}
console.log(`\n${selected.length} suites, ${Object.keys(floors).length} floors, none breached`);
