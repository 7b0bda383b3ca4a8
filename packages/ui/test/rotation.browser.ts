import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRows, download, openDesk, shot, skipReason, type Desk } from './harness.js';

const skip = skipReason();

describe.skipIf(skip)('rotation view', () => {
  let desk: Desk;
  beforeAll(async () => {
    desk = await openDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  it('runs a cycle on the sample: ranked universe, decision, orders as an OMS file', async () => {
    const { page, url } = desk;
    await page.goto(`${url}/#/rotation`);
    await page.getByText('500 names').waitFor();
    await page.getByTestId('rot-run').click();
    await page.getByTestId('rot-result').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('rot-ranked-count').textContent()).resolves.toMatch(/^500 rows/);
    const decision = (await page.getByTestId('rot-kpi-decision').textContent()) ?? '';
    expect(decision).toMatch(/trade|hold/);
    // The grid is ranked by z: the first row is rank 1.
    const first = page.getByTestId('rot-ranked').locator('[role=row][aria-rowindex="2"] [role=gridcell]').first();
    expect(await first.textContent()).toBe('1');
    const csv = await download(page, '[data-testid=rot-download]');
    const rows = csvRows(csv.text);
    expect(rows[0]).toEqual(['symbol', 'side', 'shares']);
    // The file holds exactly the orders the view shows, whole positive shares with a side.
    const shown = Number((await page.getByTestId('rot-kpi-orders').locator('.k-value').textContent())?.replace(/,/g, ''));
    expect(rows.length - 1).toBe(shown);
    if (decision.includes('hold')) expect(shown).toBe(0);
    for (const r of rows.slice(1)) {
      expect(['buy', 'sell']).toContain(r[1]);
      expect(Number.isInteger(Number(r[2])) && Number(r[2]) > 0).toBe(true);
    }
    await shot(page, 'rotation-cycle');
  });

  it('replays the sample day with and without the bands and charts turnover per bar', async () => {
    const { page } = desk;
    await page.getByTestId('rot-replay-run').click();
    const res = page.getByTestId('rot-replay-result');
    await res.waitFor({ timeout: 90_000 });
    await page.getByTestId('rot-replay-chart').locator('canvas').first().waitFor();
    expect(await res.textContent()).toMatch(/Turnover with bands/);
    await shot(page, 'rotation-replay');

    // The URL names both runs: a fresh page on the same link shows the same cycle and replay.
    const link = page.url();
    expect(link).toMatch(/run=[\w-]+/);
    expect(link).toMatch(/replay=[\w-]+/);
    const reduction = await res.textContent();
    const page2 = await desk.context.newPage();
    await page2.goto(link);
    await page2.getByTestId('rot-result').waitFor();
    await page2.getByTestId('rot-replay-result').waitFor();
    expect(await page2.getByTestId('rot-replay-result').textContent()).toBe(reduction);
    await page2.close();
    expect(desk.errors).toEqual([]);
  });
});
