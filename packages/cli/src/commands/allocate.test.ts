import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAllocationBook } from '@keel/core/allocation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { memoryIo } from '../test-support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-allocate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const small = generateAllocationBook({ trades: 12, accounts: 3, scenarios: 100, constraintsPerAccount: 6, seed: 5, strategy: 'greedy' });

function writeBook(name: string, book: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof book === 'string' ? book : JSON.stringify(book));
  return p;
}

async function run(...argv: string[]) {
  const m = memoryIo(dir);
  const code = await main(['allocate', ...argv], m.io);
  return { code, out: m.stdout(), err: m.stderr() };
}

describe('keel allocate (in-process)', () => {
  let smallPath = '';
  beforeAll(() => {
    smallPath = writeBook('small.json', small);
  });

  it('runs the bundled sample without a file and prints the assignment and compliance tables', async () => {
    const r = await run('--strategy', 'greedy');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^status feasible · strategy greedy/);
    expect(r.out).toContain('Assignments (48)');
    expect(r.out).toMatch(/Compliance[^\n]*\naccount\s+constraint\s+op\s+limit\s+base\s+worst\s+scenario\s+headroom\s+pass/);
    const compliance = r.out.split('Compliance')[1]!.split('Accounts after allocation')[0]!;
    expect(compliance.match(/ yes\n/g)?.length).toBe(30);
    expect(compliance).not.toMatch(/ NO\n/);
  });

  it('--format json prints the AllocationResult; --out writes it too', async () => {
    const out = join(dir, 'out', 'result.json');
    const r = await run(smallPath, '--format', 'json', '--out', out);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result.status).toBe('feasible');
    expect(result.assignments.length).toBe(12);
    expect(result.audit.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(result);
    expect(r.err).toContain(`wrote ${out}`);
  });

  const bad: [string, (b: any) => void, string][] = [
    ['negative quantity', (b) => (b.trades[3].quantity = -1), 'trades[3].quantity'],
    ['unknown security', (b) => (b.trades[2].security = 'XYZ 1 2030'), 'trades[2].security'],
    ['duplicate account', (b) => (b.accounts[2].id = b.accounts[0].id), 'accounts[2].id'],
    ['unknown metric', (b) => (b.accounts[1].constraints[1].metric = 'nav'), 'accounts[1].constraints[1].metric'],
    ['wrong scenario shape', (b) => (b.scenarios = { returns: [[0.01, 0.02]] }), 'scenarios.returns[0]'],
    ['unknown strategy in the file', (b) => (b.options.strategy = 'fast'), 'options.strategy'],
    ['denominator can reach ≤ 0', (b) => (b.accounts[0].cash = -1e9), 'accounts[0].constraints[0].ratio[1]'],
  ];
  it.each(bad)('invalid input (%s): exit 2, the JSON path printed, nothing written', async (_n, breakIt, path) => {
    const b = structuredClone(small) as any;
    breakIt(b);
    const out = join(dir, `never-${path.replace(/\W/g, '_')}.json`);
    const r = await run(writeBook('bad.json', b), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('keel allocate: invalid input');
    expect(r.err).toContain(`${path}:`);
    expect(existsSync(out)).toBe(false);
    expect(r.out).toBe('');
  });

  it('flag errors and unreadable files are invalid input too', async () => {
    expect((await run('--strategy', 'magic')).err).toContain('--strategy: must be one of exact, bucketed, greedy');
    expect((await run('--format', 'xml')).code).toBe(2);
    expect((await run(writeBook('broken.json', '{"trades": ['))).err).toMatch(/broken\.json: malformed JSON/);
    expect((await run(join(dir, 'missing.json'))).code).toBe(2);
    expect((await run('a.json', 'b.json')).code).toBe(2);
  });

  it('an infeasible single-account book is an answer (exit 0)', async () => {
    const b = structuredClone(small) as any;
    b.accounts = [b.accounts[0]];
    b.accounts[0].constraints.push({ id: 'impossible', metric: 'gross', op: '<=', limit: 1 });
    const r = await run(writeBook('infeasible.json', b), '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).status).toBe('infeasible');
  });
});

// One real child-process run of the built binary, when a build exists (CI builds first).
const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const built = existsSync(bin) && existsSync(fileURLToPath(new URL('../../dist/commands/allocate.js', import.meta.url)));
describe.skipIf(!built)('keel allocate (built binary, child process)', () => {
  it('exit 0 with JSON on stdout; exit 2 with the path on bad input', () => {
    const path = writeBook('child.json', small);
    const ok = spawnSync(process.execPath, [bin, 'allocate', path, '--format', 'json'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).assignments.length).toBe(12);
    const b = structuredClone(small) as any;
    b.trades[0].quantity = 0;
    const bad = spawnSync(process.execPath, [bin, 'allocate', writeBook('child-bad.json', b)], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('trades[0].quantity');
  });
});
