import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError, parseOrThrow } from './index.js';

describe('parseOrThrow', () => {
  const schema = z.object({ trades: z.array(z.object({ quantity: z.number().positive() })) });

  it('returns parsed data', () => {
    expect(parseOrThrow(schema, { trades: [{ quantity: 1 }] })).toEqual({ trades: [{ quantity: 1 }] });
  });

  it('throws an InputError naming the JSON path', () => {
    try {
      parseOrThrow(schema, { trades: [{ quantity: 1 }, { quantity: -2 }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).issues[0]?.path).toBe('trades[1].quantity');
    }
  });
});
