import { describe, expect, it } from 'vitest';
import { nativeKernelsStatus } from '@keel/solver-native/kernels';
import { main } from '../main.js';
import { memoryIo } from '../test-support/memory-io.js';

async function bench(args: string[]) {
  const m = memoryIo();
  const code = await main(['bench', 'scenarios', ...args], m.io);
  return { code, out: code === 0 ? (JSON.parse(m.stdout()) as Record<string, unknown>) : null, err: m.stderr() };
}

describe('keel bench scenarios', () => {
  it('prints time, checksum and backend; structured and dense agree on the same generated model', async () => {
    const s = await bench(['--instruments', '800', '--scenarios', '120', '--holders', '10', '--backend', 'ts', '--seed', '3']);
    const d = await bench(['--instruments', '800', '--scenarios', '120', '--holders', '10', '--backend', 'ts', '--seed', '3', '--dense']);
    expect(s.code).toBe(0);
    expect(d.code).toBe(0);
    expect(s.out).toMatchObject({ backend: 'ts', path: 'structured', instruments: 800, scenarios: 120, holders: 10 });
    expect(d.out).toMatchObject({ backend: 'ts', path: 'dense' });
    expect(typeof s.out!.timeMs).toBe('number');
    expect(s.out!.checksum).toBeGreaterThan(0);
    expect(d.out!.checksum).toBe(s.out!.checksum);
    const other = await bench(['--instruments', '800', '--scenarios', '120', '--holders', '10', '--backend', 'ts', '--seed', '4']);
    expect(other.out!.checksum).not.toBe(s.out!.checksum);
  });

  const native = nativeKernelsStatus();
  it.skipIf(!native.impl)(`native and ts print the same checksum${native.impl ? '' : ` (skipped: ${native.reason})`}`, async () => {
    const args = ['--instruments', '3000', '--scenarios', '200', '--dense'];
    const n = await bench([...args, '--backend', 'native']);
    const t = await bench([...args, '--backend', 'ts']);
    expect(n.out).toMatchObject({ backend: 'native', checksum: t.out!.checksum });
    expect(n.out!.isa).toMatch(/avx|baseline/);
  });

  it('rejects bad flags with exit code 2, naming the flag', async () => {
    for (const [args, path] of [
      [['--scenarios', '10'], '--instruments'],
      [['--instruments', '0', '--scenarios', '10'], '--instruments'],
      [['--instruments', '10', '--scenarios', '1.5'], '--scenarios'],
      [['--instruments', '10', '--scenarios', '10', '--backend', 'gpu'], '--backend'],
      [['--instruments', '10', '--scenarios', '10', '--seed', 'x'], '--seed'],
      [['--instruments', '10', '--scenarios', '10', '--bogus'], 'argv'],
    ] as const) {
      const r = await bench([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain(path);
    }
    const m = memoryIo();
    expect(await main(['bench', 'portfolios'], m.io)).toBe(2);
    expect(m.stderr()).toContain('scenarios');
  });
});
