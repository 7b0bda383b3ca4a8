import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRows, download, openDesk, shot, skipReason, type Desk } from './harness.js';

const skip = skipReason();

describe.skipIf(skip)('execution view', () => {
  let desk: Desk;
  beforeAll(async () => {
    desk = await openDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  it('schedules the sample order, charts it against TWAP and VWAP, and exports the schedule', async () => {
    const { page, url } = desk;
    await page.goto(`${url}/#/execution`);
    await page.locator('[data-path="totalShares"] input').waitFor();
    expect(await page.locator('[data-path="totalShares"] input').inputValue()).toBe('100000');
    await page.getByTestId('ex-run').click();
    const result = page.getByTestId('ex-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-status')).toBe('optimal');
    await page.getByTestId('ex-schedule-chart').locator('canvas').first().waitFor();
    await expect(page.getByTestId('ex-costs-count').textContent()).resolves.toMatch(/^3 rows/);
    await expect(page.getByTestId('ex-sensitivity-count').textContent()).resolves.toMatch(/^5 rows/);
    await shot(page, 'execution-result');

    const csv = await download(page, '[data-testid=ex-download]');
    const rows = csvRows(csv.text);
    expect(rows[0]).toEqual(['bin', 'volume', 'cap', 'continuous', 'schedule', 'twap', 'vwap']);
    expect(rows.length - 1).toBe(390);
    // Whole shares that add up to the order exactly.
    const total = rows.slice(1).reduce((s, r) => s + Number(r[4]), 0);
    expect(total).toBe(100000);
    expect(desk.errors).toEqual([]);
  });

  it('a bad order size gets the server message next to the field, the text kept', async () => {
    const { page } = desk;
    const f = page.locator('[data-path="totalShares"]');
    await f.locator('input').fill('-5');
    await page.getByTestId('ex-run').click();
    await f.locator('.field-error').waitFor();
    expect(await f.locator('.field-error').textContent()).toMatch(/≥ 0|>= 0/);
    expect(await f.locator('input').inputValue()).toBe('-5');
  });
});
