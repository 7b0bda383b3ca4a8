import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDesk, shot, skipReason, type Desk } from './harness.js';

const skip = skipReason();

describe.skipIf(skip)('runs view', () => {
  let desk: Desk;
  beforeAll(async () => {
    desk = await openDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  it('lists the run history, opens a run with its audit record and log, and links back to its view', async () => {
    const { page, url } = desk;
    // Two runs through the API, one the UI will open (greedy allocation carries an audit record).
    const sample = await (await fetch(`${url}/v1/samples/allocation`)).json();
    const alloc = (await (await fetch(`${url}/v1/allocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...sample, options: { ...sample.options, strategy: 'greedy' } }) })).json()) as { runId: string };
    const ex = await (await fetch(`${url}/v1/samples/execution`)).json();
    await fetch(`${url}/v1/execution/schedules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ex) });

    await page.goto(`${url}/#/runs`);
    await page.getByTestId('runs-grid-count').filter({ hasText: /^2 rows/ }).waitFor();
    // Keyboard: focus the grid, move to the allocation row, open it with Enter.
    const grid = page.getByTestId('runs-grid').locator('[role=grid]');
    await grid.focus();
    const ids = await page.getByTestId('runs-grid').locator('[role=row][aria-rowindex] [role=gridcell]:nth-child(6)').allTextContents();
    const k = ids.indexOf(alloc.runId);
    expect(k).toBeGreaterThanOrEqual(0);
    for (let i = 0; i <= k; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/runs/${alloc.runId}`));
    await page.getByTestId('run-audit').waitFor();
    expect(await page.getByTestId('run-detail').locator('.summary').first().textContent()).toContain(alloc.runId);
    expect(await page.getByTestId('run-audit').textContent()).toMatch(/inputHash[0-9a-f]{64}/);
    const log = await page.getByTestId('run-log').locator('tbody tr').count();
    expect(log).toBeGreaterThanOrEqual(3); // queued, running, succeeded at least
    await shot(page, 'runs-detail');

    await page.getByTestId('run-open-view').click();
    await page.waitForURL(new RegExp(`#/allocation\\?run=${alloc.runId}`));
    await page.getByTestId('alloc-result').waitFor();
    expect(await page.getByTestId('alloc-result').getAttribute('data-status')).toMatch(/feasible|optimal/);
    expect(desk.errors).toEqual([]);
  });
});
