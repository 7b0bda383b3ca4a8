/**
 * Browser test harness: starts the real API (serving the built UI) on a loopback port with a
 * fresh data directory, and Debian's Chromium through playwright-core with a fresh profile.
 * No Chromium: the suite skips with the reason, unless CI is set (then it fails).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '@keel/api';

export const UI_DIR = fileURLToPath(new URL('../dist', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('../test-results', import.meta.url));
const CHROMIUM = process.env.KEEL_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the browser suite cannot run here, or undefined when it can. Under CI a missing piece is an error. */
export function skipReason(): string | undefined {
  const missing = !existsSync(CHROMIUM)
    ? `Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set KEEL_CHROMIUM)`
    : !existsSync(join(UI_DIR, 'index.html'))
      ? `the UI is not built (${UI_DIR}/index.html missing: pnpm --filter @keel/ui build)`
      : undefined;
  if (missing && process.env.CI) throw new Error(`browser tests cannot run under CI: ${missing}`);
  return missing;
}

export interface Desk {
  readonly server: RunningServer;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly url: string;
  readonly errors: string[];
  close(): Promise<void>;
}

/**
 * A fresh server and browser. `KEEL_UI_TEST_URL` points the tests at a server already running
 * (e.g. `pnpm keel serve`) instead of starting one.
 */
export async function openDesk(viewport = { width: 1440, height: 1000 }): Promise<Desk> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-ui-data-'));
  const profile = mkdtempSync(join(tmpdir(), 'keel-ui-chromium-'));
  const external = process.env.KEEL_UI_TEST_URL;
  const server: RunningServer = external
    ? { url: external.replace(/\/$/, ''), recovered: 0, close: async () => {} }
    : await startServer({ port: 0, uiDir: UI_DIR, dataDir, runner: (process.env.KEEL_UI_TEST_RUNNER as 'inline' | 'workers' | undefined) ?? 'workers', log: () => {} });
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  // Generous waits: two cores shared with other work; a timeout here means broken, not slow.
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // 4xx answers the tests provoke on purpose show up as resource errors; anything else is a bug.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return {
    server,
    context,
    page,
    url: server.url,
    errors,
    async close() {
      await context.close().catch(() => {});
      await server.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Clicks `selector` and returns the downloaded file's name and text. */
export async function download(page: Page, selector: string): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click(selector)]);
  const path = await d.path();
  return { name: d.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/** Appends measured figures to test-results/figures.json (read by the report). */
export function recordFigures(suite: string, figures: Record<string, number | string>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, 'figures.json');
  const all = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  all[suite] = { ...figures, at: new Date().toISOString() };
  writeFileSync(path, `${JSON.stringify(all, null, 2)}\n`);
}

export const csvRows = (text: string): string[][] =>
  text
    .trim()
    .split('\n')
    .map((l) => l.split(','));
