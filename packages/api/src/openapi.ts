import type { Engine, EngineRegistry } from './jobs/engine.js';
import { ENGINE_PATHS } from './routes/engines.js';
import { RUN_KINDS, RUN_STATES, type RunKind } from './store/types.js';

/*
 * OpenAPI 3.1 from the same Zod schemas the engines validate with (each engine hands over
 * `z.toJSONSchema(schema)`; OpenAPI 3.1 schema objects are JSON Schema 2020-12).
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });

const COMPONENTS = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          issues: {
            type: 'array',
            items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
  },
  RunSummary: {
    type: 'object',
    required: ['id', 'kind', 'state', 'inputHash', 'version', 'createdAt'],
    properties: {
      id: { type: 'string' },
      kind: { enum: [...RUN_KINDS] },
      state: { enum: [...RUN_STATES] },
      outcome: { type: ['string', 'null'], description: "the engine's own status" },
      inputHash: { type: 'string', description: 'SHA-256 of the canonical JSON input' },
      version: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
      startedAt: { type: ['string', 'null'], format: 'date-time' },
      finishedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  RunEvent: {
    type: 'object',
    required: ['runId', 'seq', 'at', 'type', 'message'],
    properties: {
      runId: { type: 'string' },
      seq: { type: 'integer', description: '0 for live progress not kept in the store' },
      at: { type: 'string', format: 'date-time' },
      type: { enum: ['state', 'progress', 'log'] },
      message: { type: 'string' },
      data: {},
    },
  },
  Accepted: {
    type: 'object',
    required: ['runId', 'state', 'links'],
    properties: { runId: { type: 'string' }, state: { enum: [...RUN_STATES] }, links: { type: 'object' } },
  },
};

const errors = {
  '400': json(ref('Error'), 'Invalid input: `error.issues` names each field'),
  '401': json(ref('Error'), 'Missing or unknown API key'),
  '403': json(ref('Error'), 'The key’s role may not do this'),
  '413': json(ref('Error'), 'Body too large'),
  '429': { ...json(ref('Error'), 'Queue full'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
};

export function buildOpenApi(engines: EngineRegistry, version: string): object {
  const paths: Record<string, object> = {};
  const schemas: Record<string, object> = { ...COMPONENTS };
  for (const kind of RUN_KINDS) {
    const engine = engines[kind] as Engine<unknown> | undefined;
    if (!engine) continue;
    const name = kindName(kind);
    if (engine.openapi?.request) schemas[`${name}Request`] = engine.openapi.request;
    if (engine.openapi?.result) schemas[`${name}Result`] = engine.openapi.result;
    paths[`/v1${ENGINE_PATHS[kind]}`] = {
      post: {
        operationId: `run${name}`,
        summary: engine.openapi?.summary ?? `Run the ${kind} engine`,
        tags: [kind],
        parameters: [
          {
            name: 'async',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['true', 'false'] },
            description: `true: answer 202 at once; false: wait; default: wait unless the request is large`,
          },
        ],
        requestBody: { required: true, ...json(engine.openapi?.request ? ref(`${name}Request`) : {}, `${kind} request`) },
        responses: {
          '200': json(
            {
              type: 'object',
              required: ['runId', 'state'],
              properties: {
                runId: { type: 'string' },
                state: { enum: [...RUN_STATES] },
                outcome: { type: 'string' },
                result: engine.openapi?.result ? ref(`${name}Result`) : {},
                error: { type: 'object' },
                links: { type: 'object' },
              },
            },
            'The finished run (engine outcomes such as infeasible are 200s)',
          ),
          '202': json(ref('Accepted'), 'Accepted: follow `links.events` or poll `links.self`'),
          ...errors,
        },
      },
    };
  }
  if (engines.portfolio) {
    paths['/v1/portfolio/universe'] = {
      post: {
        operationId: 'buildUniverse',
        summary: 'The joined universe with derived fields and validation findings (no solve)',
        tags: ['portfolio'],
        requestBody: { required: true, ...json({ type: 'object', properties: { config: {}, data: {} } }, '`{config?, data}` as for /v1/portfolio/optimize') },
        responses: {
          '200': json({ type: 'object', properties: { universe: { type: 'array' }, diagnostics: { type: 'array' }, summary: { type: 'object' } } }, 'Universe'),
          ...errors,
        },
      },
    };
  }
  paths['/v1/samples/{kind}'] = {
    get: {
      operationId: 'getSample',
      summary: "An engine's bundled sample request",
      tags: ['samples'],
      parameters: [{ name: 'kind', in: 'path', required: true, schema: { enum: [...RUN_KINDS] } }],
      responses: { '200': json({ type: 'object' }, 'The sample request'), '404': json(ref('Error'), 'No sample') },
    },
  };
  paths['/v1/runs/{id}/scenario-values'] = {
    get: {
      operationId: 'getScenarioValues',
      summary: "One constrained quantity of an allocation run in every scenario (index 0 = base), recomputed by the validator",
      tags: ['runs'],
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'account', in: 'query', required: true, schema: { type: 'string' } },
        { name: 'constraint', in: 'query', required: true, schema: { type: 'string' } },
      ],
      responses: { '200': json({ type: 'object', properties: { values: { type: 'array', items: { type: 'number' } } } }, 'Values'), '404': json(ref('Error'), 'No such run or constraint') },
    },
  };
  paths['/v1/runs'] = {
    get: {
      operationId: 'listRuns',
      summary: 'Runs, newest first',
      tags: ['runs'],
      parameters: [
        { name: 'kind', in: 'query', schema: { enum: [...RUN_KINDS] } },
        { name: 'state', in: 'query', schema: { enum: [...RUN_STATES] } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
        { name: 'before', in: 'query', schema: { type: 'string', format: 'date-time' } },
      ],
      responses: { '200': json({ type: 'object', properties: { runs: { type: 'array', items: ref('RunSummary') } } }, 'Runs'), ...errors },
    },
  };
  paths['/v1/runs/{id}'] = {
    get: {
      operationId: 'getRun',
      summary: 'One run: input, output, status, error, timings and its structured log',
      tags: ['runs'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': json({ type: 'object', properties: { run: { type: 'object' }, log: { type: 'array', items: ref('RunEvent') } } }, 'The run'),
        '404': json(ref('Error'), 'No such run'),
      },
    },
  };
  paths['/v1/runs/{id}/orders.csv'] = {
    get: {
      operationId: 'getRunOrders',
      summary: 'OMS orders of a finished run (`symbol,side,shares`)',
      tags: ['runs'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } },
        '404': json(ref('Error'), 'No such run, or its engine makes no orders'),
        '409': json(ref('Error'), 'The run has not succeeded'),
      },
    },
  };
  paths['/v1/runs/{id}/events'] = {
    get: {
      operationId: 'streamRunEvents',
      summary: 'Server-sent events: the stored log, then live progress until the run ends',
      tags: ['runs'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: 'text/event-stream of RunEvent', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
    },
  };
  paths['/healthz'] = { get: { operationId: 'health', summary: 'Liveness', tags: ['service'], responses: { '200': { description: 'ok' } } } };
  paths['/metrics'] = {
    get: { operationId: 'metrics', summary: 'Prometheus metrics', tags: ['service'], responses: { '200': { description: 'text/plain' } } },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Keel API', version, description: 'PB allocation, portfolio construction, execution scheduling and rotation, as a service.' },
    servers: [{ url: '/' }],
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Required when the server listens beyond loopback' } },
    },
    security: [{}, { bearer: [] }],
    paths,
  };
}

const kindName = (k: RunKind) => k.charAt(0).toUpperCase() + k.slice(1);

/** A self-contained API reference page (no CDN): it renders /openapi.json in the browser. */
export function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keel API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#14213d;color:#fff;padding:16px 24px}main{max-width:1000px;margin:0 auto;padding:16px 24px}
.op{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:12px 0;padding:12px 16px}
.m{display:inline-block;min-width:56px;font-weight:700;text-transform:uppercase}.get{color:#1769aa}.post{color:#2e7d32}
code,pre{font:12px/1.4 ui-monospace,monospace}pre{background:#f0f2f5;padding:8px;overflow:auto;max-height:420px}
details{margin-top:6px}summary{cursor:pointer;color:#444}
</style></head><body><header><h1 style="margin:0;font-size:20px">Keel API reference</h1>
<div id="ver"></div></header><main id="ops">Loading /openapi.json…</main>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  document.getElementById('ver').textContent='OpenAPI '+doc.openapi+' · version '+doc.info.version;
  const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
  const resolve=s=>{if(s&&s.$ref){return doc.components.schemas[s.$ref.split('/').pop()]}return s};
  let html='';
  for(const [path,ops] of Object.entries(doc.paths)){for(const [m,op] of Object.entries(ops)){
    html+='<section class="op"><div><span class="m '+m+'">'+m+'</span><code>'+esc(path)+'</code> — '+esc(op.summary||'')+'</div>';
    if(op.parameters&&op.parameters.length){html+='<div>Parameters: '+op.parameters.map(p=>'<code>'+esc(p.name)+'</code> ('+p.in+')').join(', ')+'</div>'}
    const body=op.requestBody&&op.requestBody.content['application/json'];
    if(body){html+='<details><summary>Request body schema</summary><pre>'+esc(JSON.stringify(resolve(body.schema),null,2))+'</pre></details>'}
    html+='<details><summary>Responses: '+Object.keys(op.responses).join(', ')+'</summary><pre>'+esc(JSON.stringify(op.responses,null,2))+'</pre></details></section>';
  }}
  document.getElementById('ops').innerHTML=html;
}).catch(e=>{document.getElementById('ops').textContent='Could not load /openapi.json: '+e});
</script></body></html>`;
}
