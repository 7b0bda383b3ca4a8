import { isInputError } from '@keel/core';
import { commands } from './commands/index.js';
import type { CliIo } from './io.js';

export const EXIT = { ok: 0, failure: 1, invalidInput: 2 } as const;

const HELP_WIDTH = 100;

/**
 * Splits text into lines of at most `width` characters at spaces outside brackets, so an
 * option group like `[--format table|json]` is never cut (a group longer than a line stands alone).
 */
export function wrapText(text: string, width: number): string[] {
  const groups: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if ((ch === ' ' && depth === 0) || i === text.length) {
      if (i > start) groups.push(text.slice(start, i));
      start = i + 1;
    }
  }
  const lines: string[] = [];
  for (const g of groups) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + g.length <= width) lines[lines.length - 1] = `${last} ${g}`;
    else lines.push(g);
  }
  return lines;
}

/** One block per command: name and summary, then its usage, wrapped to HELP_WIDTH columns. */
function help(io: CliIo): void {
  const nameWidth = Math.max(...commands.map((c) => c.name.length));
  const indent = ' '.repeat(2 + nameWidth + 2);
  const textWidth = HELP_WIDTH - indent.length;
  io.out('usage: keel <command> [options]\n\ncommands:\n');
  for (const c of commands) {
    const [first = '', ...more] = wrapText(c.summary, textWidth);
    io.out(`  ${c.name.padEnd(nameWidth)}  ${first}\n`);
    for (const line of more) io.out(`${indent}${line}\n`);
    wrapText(c.usage, textWidth - 2).forEach((line, i) => io.out(`${indent}${i > 0 ? '  ' : ''}${line}\n`));
  }
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    help(io);
    return name ? EXIT.ok : EXIT.invalidInput;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`keel: unknown command "${name}"\n`);
    help(io);
    return EXIT.invalidInput;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (isInputError(e)) {
      io.err(`keel ${name}: invalid input\n`);
      for (const i of e.issues) io.err(`  ${i.path || '(root)'}: ${i.message}\n`);
      return EXIT.invalidInput;
    }
    io.err(`keel ${name}: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.failure;
  }
}
