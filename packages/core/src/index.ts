export * from './contracts/index.js';
export { KEEL_VERSION } from './version.js';
