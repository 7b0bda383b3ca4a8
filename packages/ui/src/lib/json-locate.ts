/**
 * Where each value of a JSON text sits, so a server issue at `trades[3].quantity` can be shown
 * on its line in the editor. A small scanner (JSON only, no recovery): it indexes every value's
 * span by its normalised path. It never throws; on malformed text it returns what it indexed.
 */
import { formatPath, parsePath, type PathSegment } from './json-path.js';

export interface Span {
  /** Offsets into the text: the value, and the key for object members. */
  readonly start: number;
  readonly end: number;
  readonly keyStart?: number;
  /** 1-based line and column of the key (or the value when there is no key). */
  readonly line: number;
  readonly column: number;
}

export function indexJson(text: string): Map<string, Span> {
  return scanJson(text).spans;
}

const LITERAL = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?|true|false|null)$/;

/** Scans the text; `errorAt` is the offset where it stopped being JSON (undefined when valid). */
export function scanJson(text: string): { spans: Map<string, Span>; errorAt?: number } {
  const spans = new Map<string, Span>();
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineCol = (off: number): [number, number] => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1, off - lineStarts[lo]! + 1];
  };
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string => {
    const s = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
    if (text[i] !== '"') throw new Error('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(s, i)) as string;
    } catch {
      return text.slice(s + 1, i - 1);
    }
  };
  const value = (path: PathSegment[], keyStart?: number): boolean => {
    ws();
    const start = i;
    const c = text[i];
    if (c === undefined) return false;
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') i++;
      else
        for (;;) {
          ws();
          if (text[i] !== '"') return false;
          const ks = i;
          const key = str();
          ws();
          if (text[i] !== ':') return false;
          i++;
          if (!value([...path, key], ks)) return false;
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            break;
          }
          return false;
        }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') i++;
      else
        for (let k = 0; ; k++) {
          if (!value([...path, k])) return false;
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            break;
          }
          return false;
        }
    } else if (c === '"') str();
    else {
      while (i < text.length && /[^\s,\]}:"[{]/.test(text[i]!)) i++;
      if (i === start || !LITERAL.test(text.slice(start, i))) {
        i = start;
        return false;
      }
    }
    const [line, column] = lineCol(keyStart ?? start);
    spans.set(formatPath(path), { start, end: i, ...(keyStart !== undefined ? { keyStart } : {}), line, column });
    return true;
  };
  let ok = false;
  try {
    ok = value([]);
    ws();
  } catch {
    ok = false;
  }
  return ok && i === text.length ? { spans } : { spans, errorAt: Math.min(i, text.length) };
}

/**
 * The span of `path`, or of its nearest indexed ancestor (a missing field is reported on its
 * parent object), with how many trailing segments were dropped.
 */
export function locatePath(index: Map<string, Span>, path: string): { span: Span; exact: boolean } | undefined {
  const segs = parsePath(path);
  for (let k = segs.length; k >= 0; k--) {
    const s = index.get(formatPath(segs.slice(0, k)));
    if (s) return { span: s, exact: k === segs.length };
  }
  return undefined;
}

/** JSON.parse with the error's line and column (V8 reports an offset). */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string; line?: number; column?: number } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const message = (e as Error).message;
    // V8 names an offset in some versions only; the scanner finds it in all.
    const m = /position (\d+)/.exec(message);
    const off = m ? Number(m[1]) : scanJson(text).errorAt;
    if (off === undefined) return { ok: false, message };
    const before = text.slice(0, off);
    const line = before.split('\n').length;
    const column = off - before.lastIndexOf('\n');
    return { ok: false, message: message.replace(/\s*\(line \d+ column \d+\)/, ''), line, column };
  }
}
