import { describe, expect, it } from 'vitest';
import { filterIndex, identityIndex, moveActive, scrollToShow, searchText, sortIndex, toTsv, windowRange, type GridColumn } from './grid-model.js';

interface Row {
  id: string;
  w: number | null;
  sector: string;
}
const cols: GridColumn<Row>[] = [
  { key: 'id', label: 'Id' },
  { key: 'w', label: 'Weight', kind: 'pct' },
  { key: 'sector', label: 'Sector' },
];
const rows: Row[] = [
  { id: 'B', w: 0.02, sector: 'Tech' },
  { id: 'A', w: null, sector: 'Energy' },
  { id: 'C', w: -0.01, sector: 'tech' },
  { id: 'D', w: 0.02, sector: 'Utilities' },
];
const ids = (idx: Uint32Array) => [...idx].map((i) => rows[i]!.id).join('');

describe('grid model', () => {
  it('sorts numbers stably with missing values last in both directions', () => {
    const base = identityIndex(rows.length);
    expect(ids(sortIndex(rows, cols[1]!, 'asc', base))).toBe('CBDA');
    expect(ids(sortIndex(rows, cols[1]!, 'desc', base))).toBe('BDCA');
    expect(ids(sortIndex(rows, cols[0]!, 'desc', base))).toBe('DCBA');
  });
  it('sorts text case-insensitively and keeps base order among ties', () => {
    const base = Uint32Array.from([2, 0, 3, 1]);
    expect(ids(sortIndex(rows, cols[2]!, 'asc', base))).toBe('ACBD');
  });
  it('sorts only the filtered subset', () => {
    const text = searchText(rows, cols);
    const f = filterIndex(text, 'tech');
    expect(ids(f)).toBe('BC');
    expect(ids(sortIndex(rows, cols[1]!, 'asc', f))).toBe('CB');
    expect(ids(filterIndex(text, '  '))).toBe('BACD');
    expect(ids(filterIndex(text, 'tech 0.02'))).toBe('B');
  });
  it('windows a long list with overscan and clamps at the ends', () => {
    expect(windowRange(0, 240, 24, 15000, 5)).toEqual({ start: 0, end: 16 });
    const mid = windowRange(24 * 1000, 240, 24, 15000, 5);
    expect(mid).toEqual({ start: 995, end: 1016 });
    const end = windowRange(24 * 15000, 240, 24, 15000, 5);
    expect(end.end).toBe(15000);
    expect(end.start).toBeLessThan(15000 - 10);
    expect(windowRange(0, 240, 24, 3, 5)).toEqual({ start: 0, end: 3 });
  });
  it('keyboard moves clamp and scroll follows the active row', () => {
    expect(moveActive('ArrowDown', -1, 10, 5)).toBe(0);
    expect(moveActive('PageDown', 7, 10, 5)).toBe(9);
    expect(moveActive('Home', 7, 10, 5)).toBe(0);
    expect(moveActive('End', 0, 0, 5)).toBe(-1);
    expect(scrollToShow(20, 0, 240, 24)).toBe(24 * 21 - 240);
    expect(scrollToShow(2, 240, 240, 24)).toBe(48);
    expect(scrollToShow(12, 240, 240, 24)).toBe(240);
  });
  it('copies raw values as TSV', () => {
    expect(toTsv(rows, cols, [0, 1])).toBe('Id\tWeight\tSector\nB\t0.02\tTech\nA\t\tEnergy');
  });
});
