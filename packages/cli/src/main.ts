import { isInputError } from '@keel/core';
import { commands } from './commands/index.js';
import type { CliIo } from './io.js';

export const EXIT = { ok: 0, failure: 1, invalidInput: 2 } as const;

function help(io: CliIo): void {
  io.out('usage: keel <command> [options]\n\ncommands:\n');
  for (const c of commands) io.out(`  ${c.usage.padEnd(64)} ${c.summary}\n`);
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
