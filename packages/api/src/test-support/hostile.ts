/**
 * Deterministic generator of malformed and hostile request bodies, built by breaking a valid
 * request in ways that can never yield a valid one (wrong types at required fields, NaN as
 * strings, truncation, prototype keys, absurd nesting, huge arrays of junk, wrong roots).
 */
export interface HostileBody {
  readonly label: string;
  readonly body: string;
  readonly contentType: string;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Paths to every field of a valid body (object keys and array slots). */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) v.slice(0, 3).forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...prefix, k], out);
  if (prefix.length) out.push(prefix);
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
  const copy = structuredClone(root);
  let cur: Json = copy;
  for (const p of path.slice(0, -1)) cur = (cur as Record<string, Json>)[p as string]!;
  (cur as Record<string, Json>)[path.at(-1) as string] = value;
  return copy;
}

const WRONG: Json[] = ['NaN', 'Infinity', '-1e999', '', '💥', [], {}, true, null, 'null', '__proto__'];

/**
 * Yields `count` bodies lazily (big requests make big bodies; holding thousands at once would
 * measure the test, not the server). Type breaks target numeric and boolean fields, where a
 * string, array or object can never be valid.
 */
export function* hostileBodies(valid: Json, count: number, seed = 1): Generator<HostileBody> {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const text = JSON.stringify(valid);
  const at = (p: (string | number)[]) => p.reduce<Json>((o, k) => (o as Record<string, Json>)[k as string]!, valid);
  const fieldPaths = paths(valid).filter((p) => typeof p.at(-1) === 'string');
  const scalarPaths = paths(valid).filter((p) => ['number', 'boolean'].includes(typeof at(p)));
  const out: HostileBody[] = [];
  const json = (label: string, body: string) => out.push({ label, body, contentType: 'application/json' });
  const kinds = [
    () => {
      // A number or flag replaced by a string, array or object.
      const p = pick(scalarPaths);
      const wrong = WRONG.filter((w) => w !== null && typeof w !== typeof at(p));
      json(`wrong type at ${p.join('.')}`, JSON.stringify(setAt(valid, p, pick(wrong))));
    },
    () => {
      const p = pick(scalarPaths);
      json(`NaN string at ${p.join('.')}`, JSON.stringify(setAt(valid, p, pick(['NaN', 'Infinity', '-Infinity', '1e999']))));
    },
    () => json('truncated', text.slice(0, Math.max(1, Math.floor(r() * (text.length - 1))))),
    () => json('prototype pollution', text.replace(/^\{/, `{"__proto__":{"polluted":true},`)),
    () => json('constructor key', text.replace(/^\{/, `{"constructor":{"prototype":{"polluted":true}},`)),
    () => {
      const d = 65 + Math.floor(r() * 5000);
      json(`nesting ${d}`, `${'['.repeat(d)}${']'.repeat(d)}`);
    },
    () => {
      const p = pick(fieldPaths);
      json(`huge junk array at ${p.join('.')}`, JSON.stringify(setAt(valid, p, Array.from({ length: 20_000 + Math.floor(r() * 50_000) }, () => null))));
    },
    () => json('root array', `[${text}]`),
    () => json('root scalar', pick(['1', '"x"', 'null', 'true', '""'])),
    () => json('empty', ''),
    () => json('garbage bytes', Array.from({ length: 64 }, () => String.fromCharCode(Math.floor(r() * 256))).join('')),
    () => out.push({ label: 'wrong content type', body: text, contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) }),
  ];
  for (let n = 0; n < count; n++) {
    pick(kinds)();
    yield out.pop()!;
  }
}
