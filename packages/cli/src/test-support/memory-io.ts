import type { CliIo } from '../io.js';

/** A CliIo that records output, for CLI tests that run `main` in-process. */
export function memoryIo(cwd: string = process.cwd()) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd, out: (t) => void out.push(t), err: (t) => void err.push(t) };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
