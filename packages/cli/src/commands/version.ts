import { KEEL_VERSION } from '@keel/core';
import type { Command } from './types.js';

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the Keel version',
  usage: 'keel version',
  async run(_args, io) {
    io.out(`keel ${KEEL_VERSION}\n`);
    return 0;
  },
};
