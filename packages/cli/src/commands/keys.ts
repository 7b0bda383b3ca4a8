import { join, resolve } from 'node:path';
import { InputError } from '@keel/core';
import { createKey, loadKeys, ROLES, saveKeys } from '@keel/api';
import { oneOf, parseCommandArgs } from '../args.js';
import type { Command } from './types.js';

export const keysCommand: Command = {
  name: 'keys',
  summary: 'manage API keys (stored hashed; a key is shown once)',
  usage: 'keel keys add --role viewer|trader|admin [--name N] [--data DIR] | keel keys list',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      role: { type: 'string' },
      name: { type: 'string', default: 'key' },
      data: { type: 'string', default: 'data' },
    });
    const path = join(resolve(io.cwd, String(values.data)), 'api-keys.json');
    const keys = loadKeys(path);
    const [action] = positionals;
    if (action === 'list') {
      for (const k of keys) io.out(`${k.id}\t${k.role}\t${k.name}\t${k.createdAt}\n`);
      return 0;
    }
    if (action !== 'add') throw new InputError({ path: 'argv[0]', message: 'expected "add" or "list"' });
    const role = oneOf('role', values.role as string | undefined, ROLES);
    if (!role) throw new InputError({ path: '--role', message: `required: one of ${ROLES.join(', ')}` });
    const { key, stored } = createKey(String(values.name), role);
    saveKeys(path, [...keys, stored]);
    io.err(`keel: key ${stored.id} (${role}) added to ${path}; it is shown once:\n`);
    io.out(`${key}\n`);
    return 0;
  },
};
