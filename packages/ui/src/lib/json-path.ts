/**
 * JSON paths as the server writes them (`trades[3].quantity`, `config.constraints.portfolio.net.lower`),
 * parsed into segments, and read/written on plain JSON values. A key may itself contain dots
 * (`positions.UST 4.25 2034`): `resolvePath` matches segments against the actual object.
 */
export type PathSegment = string | number;

export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /\[(\d+)\]|\.?([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]);
  }
  return out;
}

export function formatPath(segs: readonly PathSegment[]): string {
  let out = '';
  for (const s of segs) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/** One canonical spelling, so `a.0.b` and `a[0].b` meet. */
export const normalizePath = (path: string): string => formatPath(parsePath(path));

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Segments of `path` resolved against `root`: string segments that only exist joined with dots
 * (`UST 4`, `25 2034` → `UST 4.25 2034`) are merged. Unresolvable tails stay as parsed.
 */
export function resolvePath(root: unknown, path: string): PathSegment[] {
  const raw = parsePath(path);
  const out: PathSegment[] = [];
  let cur: unknown = root;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!;
    if (typeof s === 'number' || !isObj(cur) || s in cur) {
      out.push(s);
      cur = Array.isArray(cur) && typeof s === 'number' ? cur[s] : isObj(cur) ? cur[String(s)] : undefined;
      continue;
    }
    let key = s;
    let j = i;
    while (!(key in cur) && j + 1 < raw.length) key = `${key}.${String(raw[++j])}`;
    if (key in cur) {
      out.push(key);
      cur = cur[key];
      i = j;
    } else {
      out.push(s);
      cur = undefined;
    }
  }
  return out;
}

export function getAt(root: unknown, segs: readonly PathSegment[]): unknown {
  let cur = root;
  for (const s of segs) {
    if (Array.isArray(cur) && typeof s === 'number') cur = cur[s];
    else if (isObj(cur)) cur = cur[String(s)];
    else return undefined;
  }
  return cur;
}

/**
 * A copy of `root` with `value` at `segs` (creating objects/arrays on the way); `undefined`
 * deletes the key. Only the spine is copied: the rest is shared, which keeps edits of a
 * large request cheap.
 */
export function setAt<T>(root: T, segs: readonly PathSegment[], value: unknown): T {
  if (segs.length === 0) return value as T;
  const [head, ...rest] = segs as [PathSegment, ...PathSegment[]];
  const child = getAt(root, [head]);
  const next = rest.length === 0 ? value : setAt(child ?? (typeof rest[0] === 'number' ? [] : {}), rest, value);
  if (typeof head === 'number') {
    const arr = Array.isArray(root) ? [...(root as unknown[])] : [];
    if (next === undefined) arr.splice(head, 1);
    else arr[head] = next;
    return arr as T;
  }
  const obj: Record<string, unknown> = isObj(root) ? { ...root } : {};
  if (next === undefined) delete obj[head];
  else obj[head] = next;
  return obj as T;
}
