import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreConformance } from './conformance.case.js';
import { openDuckDbRunStore } from './duckdb.js';
import { createMemoryRunStore } from './memory.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStoreConformance('memory', async () => createMemoryRunStore());
runStoreConformance('duckdb file', async () => openDuckDbRunStore({ path: join(dir, `s${n++}.duckdb`) }));

describe('duckdb run store', () => {
  it('persists across reopen', async () => {
    const path = join(dir, 'reopen.duckdb');
    const a = await openDuckDbRunStore({ path });
    await a.create({ id: 'x', kind: 'rotation', inputHash: 'h', version: 'v', input: { a: 1 } });
    await a.transition('x', 'running', 'go');
    await a.close();
    const b = await openDuckDbRunStore({ path });
    expect((await b.get('x'))?.state).toBe('running');
    expect(await b.recover()).toBe(1);
    await b.close();
  });
});
