import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

describe('csv', () => {
  it('quotes what needs quoting and leaves non-finite numbers empty', () => {
    const rows = [
      { a: 'x,y', b: 1.5 },
      { a: 'say "hi"', b: Number.NaN },
      { a: null, b: -2 },
    ];
    expect(toCsv(rows, [{ key: 'a', label: 'A' }, { key: 'b', value: (r) => r.b }])).toBe('A,b\n"x,y",1.5\n"say ""hi""",\n,-2\n');
  });
});
