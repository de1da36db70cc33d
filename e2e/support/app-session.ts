/**
 * The app in Chromium against a web host of its own: a fresh workspace with the sample
 * catalogue, the host's Api service, and a browser page that each test starts afresh: a new
 * document of the app's origin, with nothing stored but what the test asks for.
 */
import { promises as fs } from 'node:fs';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createApiService, type ApiService } from '../../src/main/api-service.js';
import { startWebHost, type WebHost } from '../../src/main/web/web-host.js';
import { CHROMIUM, RENDERER_DIR, SAMPLE_CACHE, SCREENSHOTS } from './paths.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-gl=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

/** The app's localStorage: item by item. */
export type AppStorage = Record<string, string>;

export interface AppSession {
  workspace: string;
  api: ApiService;
  host: WebHost;
  browser: Browser;
  page: Page;
  /** The console errors of the page since `freshPage`. */
  consoleErrors: string[];
  /**
   * Leaves whatever the page showed for a document of the app's origin that runs nothing, with
   * no cookie and only `storage` in localStorage: the app opened next starts from that.
   */
  freshPage(storage?: AppStorage): Promise<Page>;
  /** Saves a screenshot of the page as SCREENSHOTS/NAME.png. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The session of the tests of the suite it is called in: started before them, closed after
 * them; a test that leaves an error in the browser console fails. The object stands for the
 * session once it has started (in tests and hooks).
 */
export function appSessionForTests(): AppSession {
  let session: AppSession | undefined;
  beforeAll(async () => {
    session = await startAppSession();
  });
  afterEach(() => {
    expect(started().consoleErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await session?.close();
  });
  const started = (): AppSession => {
    if (!session) throw new Error('the app session is used before its suite has started it');
    return session;
  };
  return new Proxy({} as AppSession, { get: (_, key) => started()[key as keyof AppSession] });
}

async function startAppSession(): Promise<AppSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the e2e tests need Chromium at ${CHROMIUM}: apt-get install chromium (or set ODC_STATS_CHROMIUM)`);
  }
  const workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'odc-stats-e2e-'));
  await fs.symlink(SAMPLE_CACHE, path.join(workspace, 'sample-catalog'), 'dir');
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  const api = createApiService({ workspace });
  const host = await startWebHost({ api, rendererDir: RENDERER_DIR, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const session: AppSession = {
    workspace,
    api,
    host,
    browser,
    page,
    consoleErrors: [],
    freshPage: async (storage = {}) => {
      // The favicon is served without the token, and no app code runs in its document.
      await page.goto(`${host.origin}/favicon.ico`);
      await page.context().clearCookies();
      await page.evaluate((items) => {
        localStorage.clear();
        for (const [key, value] of Object.entries(items)) localStorage.setItem(key, value);
      }, storage);
      session.consoleErrors = [];
      return page;
    },
    shot: async (name) => {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
    },
    close: async () => {
      await browser.close();
      api.close();
      await host.close();
      await fs.rm(workspace, { recursive: true, force: true });
    },
  };
  page.on('console', (m) => {
    if (m.type() === 'error') session.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => session.consoleErrors.push(e.message));
  return session;
}

/** Page coordinates of a lon/lat on the map. */
export function pointOf(page: Page, lon: number, lat: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([lo, la]) => {
      const map = window.odcStatsMap!;
      const p = map.project([lo!, la!]);
      const rect = map.getCanvas().getBoundingClientRect();
      return { x: rect.left + p.x, y: rect.top + p.y };
    },
    [lon, lat],
  );
}

export async function waitForMapIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const map = window.odcStatsMap;
    return !!map && map.loaded() && !map.isMoving();
  });
}

/** Waits until the map has drawn a frame after everything it was given so far (a repaint, then idle). */
export async function mapRedrawn(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.odcStatsMap!;
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}

/** Replaces the text of the YAML editor, as typed. */
export async function setYaml(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}
