import { describe, expect, it } from 'vitest';
import { commands } from './commands/index.js';
import { main, wrapText } from './main.js';
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

  it('help lists every command by engine, each usage whole and no line over 100 columns', async () => {
    const m = memoryIo();
    expect(await main(['help'], m.io)).toBe(0);
    const lines = m.stdout().split('\n');
    const named = lines.map((l) => /^ {2}(\S+) /.exec(l)?.[1]).filter((x) => x !== undefined);
    expect(named).toEqual(['allocate', 'optimize', 'schedule', 'rotate', 'replay', 'qp', 'bench', 'serve', 'mcp', 'keys', 'version']);
    expect(named).toEqual(commands.map((c) => c.name));
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(100);
    const text = lines.map((l) => l.trim()).join(' ');
    for (const c of commands) expect(text).toContain(c.usage);
  });
});

describe('wrapText', () => {
  it('breaks at spaces outside brackets, within the width, losing nothing', () => {
    const usage = 'keel schedule [REQUEST.json] [--model linear|powerLaw|almgrenChriss] [--fills FILLS.csv] [--out FILE] [--csv DIR] [--format table|json]';
    for (const width of [20, 40, 60, 200]) {
      const lines = wrapText(usage, width);
      expect(lines.join(' ')).toBe(usage);
      for (const l of lines) {
        // A line may only overflow when it is one bracketed group longer than the width.
        if (l.length > width) expect(l).toMatch(/^\[[^\]]*\]$|^\S+$/);
        expect((l.match(/\[/g) ?? []).length).toBe((l.match(/\]/g) ?? []).length);
      }
    }
    expect(wrapText('a [b c] d', 3)).toEqual(['a', '[b c]', 'd']);
    expect(wrapText('', 10)).toEqual([]);
  });
});
