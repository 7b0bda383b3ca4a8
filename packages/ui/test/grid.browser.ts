import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDesk, recordFigures, shot, skipReason, type Desk } from './harness.js';

const skip = skipReason();
const N = 15_000;

/**
 * The virtual grid at 15,000 rows: windowed rendering, scrolling to any position, sorting and
 * filtering. Times are measured in the page (performance.now around the operation until two
 * animation frames later, i.e. painted) and reported, not asserted: speed belongs to
 * measurements, correctness to assertions.
 */
describe.skipIf(skip)('virtual grid, 15,000 rows', () => {
  let desk: Desk;
  beforeAll(async () => {
    desk = await openDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  it('renders, scrolls, sorts, filters and copies without rendering every row', async () => {
    const { page, url } = desk;
    await page.goto(`${url}/#/lab?rows=${N}`);
    await page.getByTestId('lab-generate').waitFor();
    // Long tasks (> 50 ms on the main thread) during the whole sequence: a freeze would show here.
    await page.evaluate(() => {
      const w = window as unknown as { __long: number[] };
      w.__long = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: 'longtask', buffered: false });
    });

    const first = await page.evaluate(async () => {
      const t0 = performance.now();
      (document.querySelector('[data-testid=lab-generate]') as HTMLButtonElement).click();
      await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      const total = performance.now() - t0;
      const gen = Number(document.querySelector('[data-testid=lab-gen-ms]')?.getAttribute('data-ms'));
      return { total, gen, rows: document.querySelectorAll('[data-testid=lab-grid] .vgrid-row').length, count: document.querySelector('[data-testid=lab-grid-count]')?.textContent ?? '' };
    });
    expect(first.count).toMatch(/^15,000 rows/);
    expect(first.rows).toBeGreaterThan(10);
    expect(first.rows).toBeLessThan(80); // windowed: ~viewport + overscan, never 15,000

    const scroll = await page.evaluate(async () => {
      const sc = document.querySelector('[data-testid=lab-grid] [role=grid]') as HTMLElement;
      const times: number[] = [];
      for (const f of [0.1, 0.33, 0.5, 0.77, 1, 0.25, 0]) {
        const t0 = performance.now();
        sc.scrollTop = f * (sc.scrollHeight - sc.clientHeight);
        sc.dispatchEvent(new Event('scroll'));
        await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
        times.push(performance.now() - t0);
        if (f === 1) {
          const idx = [...document.querySelectorAll('[data-testid=lab-grid] .vgrid-row')].map((r) => Number(r.getAttribute('aria-rowindex')));
          (window as unknown as { __lastIndex: number }).__lastIndex = Math.max(...idx);
        }
      }
      return { times, lastIndex: (window as unknown as { __lastIndex: number }).__lastIndex, rows: document.querySelectorAll('[data-testid=lab-grid] .vgrid-row').length };
    });
    expect(scroll.lastIndex).toBe(N + 1); // the last row is reachable (header is row 1)
    expect(scroll.rows).toBeLessThan(80);

    // Sorting runs in a worker at this size: time from the click until the sorted rows are painted.
    const sortBy = (key: string) =>
      page.evaluate(async (k) => {
        const grid = document.querySelector('[data-testid=lab-grid]') as HTMLElement;
        const t0 = performance.now();
        (grid.querySelector(`[data-sort-key="${k}"]`) as HTMLButtonElement).click();
        const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
        await frame();
        while (grid.getAttribute('data-sort-state') !== 'done') await frame();
        await frame();
        const ms = performance.now() - t0;
        const cells = [...grid.querySelectorAll('.vgrid-row')].slice(0, 5).map((r) => r.children);
        return { ms, jobMs: Number(grid.getAttribute('data-sort-ms')), cells: cells.map((c) => [...c].map((x) => x.textContent ?? '')) };
      }, key);
    const num = (s: string) => Number(s.replace(/,/g, ''));
    const sortNumAsc = await sortBy('notional0');
    const col = 8; // Notional
    const asc = sortNumAsc.cells.map((c) => num(c[col]!));
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    const sortNumDesc = await sortBy('notional0');
    const desc = sortNumDesc.cells.map((c) => num(c[col]!));
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(desc[0]!).toBeGreaterThan(asc[0]!);
    const sortText = await sortBy('sector');
    const sectors = sortText.cells.map((c) => c[3]!);
    expect(sectors.every((s) => s === 'CommunicationServices')).toBe(true); // alphabetically first of the 11 sectors

    const filter = await page.evaluate(async () => {
      const input = document.querySelector('[data-testid=lab-grid-filter]') as HTMLInputElement;
      const t0 = performance.now();
      input.value = 'Energy JPY';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      return { ms: performance.now() - t0, count: document.querySelector('[data-testid=lab-grid-count]')?.textContent ?? '' };
    });
    const matched = Number(filter.count.replace(/,/g, '').match(/^(\d+) of 15000/)?.[1]);
    expect(matched).toBeGreaterThan(0);
    expect(matched).toBeLessThan(N / 11);

    // Keyboard: End goes to the last filtered row; Shift+Home selects up to the first; Ctrl+C copies TSV.
    await page.getByTestId('lab-grid').locator('[role=grid]').focus();
    await page.keyboard.press('End');
    const active = await page.getByTestId('lab-grid').locator('.vgrid-row.active').getAttribute('aria-rowindex');
    expect(Number(active)).toBe(matched + 1);
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Control+c');
    await page.getByText(/copied 3 rows/).waitFor();
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    const lines = clip.split('\n');
    expect(lines[0]!.split('\t').slice(0, 3)).toEqual(['Id', 'Ticker', 'Type']);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes('Energy') && l.includes('JPY'))).toBe(true);
    // Sorting by keyboard: the headers are one tab stop; ← → move, Enter sorts.
    await page.getByTestId('lab-grid').locator('[data-sort-key="id"]').focus();
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-sort-key'))).toBe('price');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('lab-grid').locator('[role=columnheader][aria-sort=ascending] button').getAttribute('data-sort-key')).toBe('price');
    await page.getByTestId('lab-grid').and(page.locator('[data-sort-state=done]')).waitFor();
    await shot(page, 'grid-15000');

    const longTasks = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    const figures = {
      rows: N,
      generateMs: +first.gen.toFixed(1),
      firstRenderMs: +(first.total - first.gen).toFixed(1),
      renderedRowElements: first.rows,
      scrollFrameMsMax: +Math.max(...scroll.times).toFixed(1),
      scrollFrameMsMedian: +[...scroll.times].sort((a, b) => a - b)[Math.floor(scroll.times.length / 2)]!.toFixed(1),
      sortNumericMs: +sortNumAsc.ms.toFixed(1),
      sortNumericDescMs: +sortNumDesc.ms.toFixed(1),
      sortTextMs: +sortText.ms.toFixed(1),
      sortNumericWorkerJobMs: sortNumAsc.jobMs,
      sortTextWorkerJobMs: sortText.jobMs,
      filterMs: +filter.ms.toFixed(1),
      longTasks: longTasks.length,
      longestTaskMs: longTasks.length ? +Math.max(...longTasks).toFixed(1) : 0,
    };
    recordFigures('grid-15000', figures);
    console.log('[grid 15,000 rows]', JSON.stringify(figures));
    expect(desk.errors).toEqual([]);
  });
});
