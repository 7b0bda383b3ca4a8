export { main, EXIT } from './main.js';
export type { CliIo } from './io.js';
export type { Command } from './commands/types.js';
