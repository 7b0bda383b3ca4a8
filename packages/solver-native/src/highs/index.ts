export { HighsWorker, HighsWorkerLostError, mainThreadHighs, sharedHighsWorker } from './host.js';
export type { HighsHost, HighsWorkerOptions } from './host.js';
export { DEFAULT_HIGHS_SETTINGS, openHighsSession, solveWithHighs } from './session.js';
export type { HighsSession, HighsSettings } from './session.js';
export { mapHighsStatus } from './status.js';
