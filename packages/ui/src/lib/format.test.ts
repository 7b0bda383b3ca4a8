import { describe, expect, it } from 'vitest';
import { fmtBps, fmtCompact, fmtInt, fmtMoney, fmtPct, fmtSig, formatValue } from './format.js';

describe('format', () => {
  it('money has thousands separators and no NaN', () => {
    expect(fmtMoney(12345678.4)).toBe('12,345,678');
    expect(fmtMoney(-1234.5, 2)).toBe('-1,234.50');
    expect(fmtMoney(Number.NaN)).toBe('—');
    expect(fmtMoney(undefined)).toBe('—');
    expect(fmtMoney(-0.2)).toBe('0');
  });
  it('bps and percentages scale fractions', () => {
    expect(fmtBps(0.0005)).toBe('5.0 bp');
    expect(fmtPct(0.01234)).toBe('1.23%');
    expect(fmtInt(2.5)).toBe('3');
  });
  it('compact and significant forms', () => {
    expect(fmtCompact(1_250_000)).toBe('1.3M');
    expect(fmtCompact(-4_100_000_000)).toBe('-4.1bn');
    expect(fmtSig(0.000012345)).toBe('1.234e-5');
    expect(fmtSig(123.456)).toBe('123.5');
    expect(fmtSig(0)).toBe('0');
  });
  it('formatValue dispatches on the kind', () => {
    expect(formatValue(true, 'bool')).toBe('yes');
    expect(formatValue(null, 'text')).toBe('');
    expect(formatValue(0.1, 'pct', 1)).toBe('10.0%');
  });
});
