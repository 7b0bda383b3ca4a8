import type { CliIo } from '../io.js';

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Returns the exit code: 0 on a result (also `infeasible`), 2 on invalid input, 1 on failure. */
  run(args: string[], io: CliIo): Promise<number>;
}
