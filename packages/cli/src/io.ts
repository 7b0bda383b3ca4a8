import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '@keel/core';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
}

export const processIo = (): CliIo => ({
  cwd: process.env.INIT_CWD ?? process.cwd(),
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
});

/** Reads and parses a JSON file; an unreadable or malformed file is an input error naming it. */
export async function readJsonFile(io: CliIo, path: string): Promise<unknown> {
  const abs = resolve(io.cwd, path);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw new InputError({ path, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError({ path, message: `malformed JSON: ${(e as Error).message}` });
  }
}

/** Writes through a temporary file and a rename, so a reader never sees a partial file. */
export async function writeFileAtomic(io: CliIo, path: string, content: string): Promise<string> {
  const abs = resolve(io.cwd, path);
  await mkdir(dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, abs);
  return abs;
}

/**
 * A progress line on stderr for runs longer than a second: silent for quick runs, then
 * one updating line. `done()` clears it.
 */
export function progress(io: CliIo, label: string, delayMs = 1000) {
  const started = Date.now();
  let last = '';
  let shown = false;
  const timer = setInterval(() => {
    shown = true;
    io.err(`\r${label}… ${((Date.now() - started) / 1000).toFixed(1)} s ${last}`.padEnd(72));
  }, delayMs);
  timer.unref();
  return {
    update(msg: string) {
      last = msg;
    },
    done() {
      clearInterval(timer);
      if (shown) io.err(`\r${' '.repeat(72)}\r`);
    },
  };
}
