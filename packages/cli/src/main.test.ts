import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { memoryIo } from './test-support/memory-io.js';

describe('keel main', () => {
  it('prints the version', async () => {
    const m = memoryIo();
    expect(await main(['version'], m.io)).toBe(0);
    expect(m.stdout()).toMatch(/^keel \d+\.\d+\.\d+/);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const m = memoryIo();
    expect(await main(['nope'], m.io)).toBe(2);
    expect(m.stderr()).toContain('unknown command "nope"');
  });
});
