// Worker side of the async kernels: runs one evaluation (or one scenario range of a TS call)
// on arrays shared with the caller (SharedArrayBuffer-backed) and reports the backend or error.
import { parentPort } from 'node:worker_threads';
import { isInputError } from '../errors/index.js';
import { evaluateScenariosDense, evaluateScenariosStructured } from './index.js';
import type { WorkerReply, WorkerRequest } from './async.js';
import { tsKernels } from './ts-backend.js';

parentPort!.on('message', (req: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if (req.part) {
      // A scenario range of a TS call the caller validated; it checks the whole result itself.
      if (req.kind === 'dense') tsKernels.dense(req.spec, req.out);
      else tsKernels.structured(req.spec, req.out);
      reply = { id: req.id, ok: true, backend: 'ts' };
    } else {
      const opts = { backend: req.backend, out: req.out };
      const r = req.kind === 'dense' ? evaluateScenariosDense(req.spec, opts) : evaluateScenariosStructured(req.spec, opts);
      reply = { id: req.id, ok: true, backend: r.backend };
    }
  } catch (e) {
    reply = isInputError(e)
      ? { id: req.id, ok: false, issues: [...e.issues] }
      : { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
