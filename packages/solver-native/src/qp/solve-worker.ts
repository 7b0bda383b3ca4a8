// Worker entry of `solveQpAsync`: solves one problem on this thread and posts the result
// (typed arrays transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { isInputError } from '../errors/index.js';
import { solveQp, type QpWorkerReply, type QpWorkerRequest } from './index.js';

const { problem, settings, backend } = workerData as QpWorkerRequest;
let reply: QpWorkerReply;
const transfer: ArrayBuffer[] = [];
try {
  const result = solveQp(problem, settings, { backend });
  for (const a of [result.x, result.y, result.primalInfeasibilityCertificate, result.dualInfeasibilityCertificate]) {
    if (a && a.buffer instanceof ArrayBuffer && !transfer.includes(a.buffer)) transfer.push(a.buffer);
  }
  reply = { ok: true, result };
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  reply = { ok: false, name: err.name, message: err.message, ...(isInputError(e) ? { issues: e.issues } : {}) };
}
parentPort?.postMessage(reply, transfer);
