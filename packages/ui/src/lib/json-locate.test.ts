import { describe, expect, it } from 'vitest';
import { indexJson, locatePath, parseJsonText } from './json-locate.js';

const text = JSON.stringify({ trades: [{ id: 'T1', quantity: 5 }, { id: 'T2', quantity: -1 }], options: { lot: 1e6 } }, null, 2);

describe('json locate', () => {
  it('finds the line of a nested value', () => {
    const idx = indexJson(text);
    const hit = locatePath(idx, 'trades[1].quantity');
    expect(hit?.exact).toBe(true);
    const lines = text.split('\n');
    expect(lines[hit!.span.line - 1]).toContain('"quantity": -1');
    expect(text.slice(hit!.span.start, hit!.span.end)).toBe('-1');
  });
  it('falls back to the nearest ancestor for a missing field', () => {
    const hit = locatePath(indexJson(text), 'options.strategy');
    expect(hit?.exact).toBe(false);
    expect(text.slice(hit!.span.start, hit!.span.end)).toContain('"lot"');
  });
  it('never throws on malformed text', () => {
    expect(() => indexJson('{"a": [1, 2,, }')).not.toThrow();
    expect(indexJson('{"a": [1, 2,, }').get('a[0]')).toBeDefined();
  });
  it('reports the line and column of a JSON syntax error', () => {
    const r = parseJsonText('{\n  "a": 1,\n  "b": }');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.line).toBe(3);
      expect(r.column).toBeGreaterThan(3);
    }
  });
});
