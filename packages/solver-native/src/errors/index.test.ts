import { describe, expect, it } from 'vitest';
import { formatPath, InputError } from './index.js';

describe('InputError', () => {
  it('names every offending path in its message', () => {
    const e = new InputError([
      { path: 'trades[3].quantity', message: 'must be positive' },
      { path: 'accounts[0].id', message: 'duplicate id' },
    ]);
    expect(e.message).toBe('trades[3].quantity: must be positive\naccounts[0].id: duplicate id');
    expect(e.issues).toHaveLength(2);
  });

  it('formats JSON paths from keys and indices', () => {
    expect(formatPath(['trades', 3, 'quantity'])).toBe('trades[3].quantity');
    expect(formatPath([0, 'x'])).toBe('[0].x');
    expect(formatPath([])).toBe('');
  });
});
