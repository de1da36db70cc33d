/**
 * The app's statuses end to end, in Chromium against the web host on the sample: only the
 * tokened URL opens the app; each planning error sits next to the control that caused it; a
 * run whose task failed says so in the error colour; a run error tied to the YAML goes once
 * the YAML is fixed; "project file not found" goes once the file is edited. Each test starts
 * from the state it needs (support/app-states.ts), in a page of its own.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tileCentreLonLat } from '../src/shared/geometry.js';
import { parseGrid } from '../src/shared/grid.js';
import { pointOf, setYaml, appSessionForTests, waitForMapIdle } from './support/app-session.js';
import { openEmptyProject, openPlannedProject, SAMPLE_TASK as TASK } from './support/app-states.js';

const config = (pluginConfig: string) =>
  ['plugin: gm-s2', 'plugin_config:', pluginConfig, 'product:', '  name: s2_gm_status', '  short_name: gm', '  version: 1.0.0', 'resolution: 120', ''].join('\n');
/** The sample has no B05: a task of this config fails when it loads its datasets. */
const MISSING_BAND = config('  bands: [B02, B03, B04, B05]');
const BROKEN = config('  bandz: [B02, B03, B04]');
const VALID = config('  bands: [B02, B03, B04]');
/** The error colour of styles.css (#b3261e). */
const ERROR_COLOUR = 'rgb(179, 38, 30)';

describe('the app says what happened, next to what caused it', () => {
  const session = appSessionForTests();

  const invalid = (page: Page, label: string | RegExp) => page.getByLabel(label).getAttribute('aria-invalid');
  const plan = (page: Page) => page.getByRole('button', { name: 'Plan tasks' }).click();

  it('opens from the tokened URL only, and drops the token from the address', async () => {
    const { host } = session;
    const page = await session.freshPage();
    await page.goto(host.url);
    await page.getByRole('button', { name: 'New project' }).waitFor();
    expect(page.url()).toBe(`${host.origin}/`);
    // Another browser context shares no cookie with this one.
    const stranger = await session.browser.newContext();
    try {
      const other = await stranger.newPage();
      const response = await other.goto(`${host.origin}/`);
      expect(response?.status()).toBe(403);
      expect(await other.textContent('body')).toContain('Open the URL that odc-stats serve printed');
      expect(await other.evaluate(() => fetch('/api/version', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }).then((r) => r.status))).toBe(403);
    } finally {
      await stranger.close();
    }
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByTestId('map').waitFor();
  });

  it('puts each planning error next to its cause: catalogue, temporal range, or the plan as a whole', async () => {
    const page = await openEmptyProject(session);
    await page.getByLabel('Catalogue (STAC path or URL)').fill('/no/such/catalog.json');
    await plan(page);
    await page.locator('#plan-error-catalog').waitFor();
    expect(await invalid(page, 'Catalogue (STAC path or URL)')).toBe('true');
    await session.shot('status-01-catalogue-not-found');

    await page.getByRole('button', { name: 'Use sample' }).click();
    await page.waitForFunction(() => (document.getElementById('catalog') as HTMLInputElement).value.endsWith('catalog.json'));
    expect(await page.locator('#plan-error-catalog').count()).toBe(0);
    await page.getByLabel(/^Temporal range/).fill('2021--P1X');
    await plan(page);
    const rangeError = page.locator('#plan-error-temporalRange');
    await rangeError.waitFor();
    expect(await rangeError.textContent()).toMatch(/^Invalid temporal range '2021--P1X'/);
    expect(await invalid(page, /^Temporal range/)).toBe('true');
    expect(await invalid(page, 'Catalogue (STAC path or URL)')).toBe('false');
    await session.shot('status-02-temporal-range-error');

    await page.getByLabel(/^Temporal range/).fill('1990');
    expect(await rangeError.count()).toBe(0);
    await plan(page);
    const planError = page.locator('#plan-error-plan');
    await planError.waitFor();
    expect(await planError.textContent()).toMatch(/^No datasets found in .* 1990--P1Y/);
    expect(await invalid(page, 'Catalogue (STAC path or URL)')).toBe('false');
    expect(await page.locator('#plan-error-catalog').count()).toBe(0);
    await session.shot('status-03-no-datasets');

    await page.getByLabel(/^Temporal range/).fill('2021--P1Y');
    await plan(page);
    await page.getByTestId('plan-summary').waitFor({ timeout: 60_000 });
    expect(await planError.count()).toBe(0);
  });

  it('ends a run whose only task failed as failed, with its counts, in the error colour', async () => {
    const page = await openPlannedProject(session);
    await waitForMapIdle(page);
    const [lon, lat] = tileCentreLonLat(parseGrid('africa-10'), { x: 218, y: 74 });
    const centre = await pointOf(page, lon, lat);
    await page.mouse.click(centre.x, centre.y);
    await page.getByTestId('picked-tiles').getByText(TASK).waitFor();
    await setYaml(page, MISSING_BAND);
    await page.getByTestId('config-ok').waitFor();
    await page.getByRole('button', { name: /^Run 1 picked tile$/ }).click();
    const status = page.getByTestId('run-status');
    await page.locator('[data-testid=run-status][data-status=failed]').waitFor({ timeout: 100_000 });
    expect(await status.textContent()).toBe('failed: 0 finished, 1 failed');
    expect(await status.getAttribute('class')).toBe('status-failed');
    expect(await status.evaluate((e) => getComputedStyle(e).color)).toBe(ERROR_COLOUR);
    expect(await page.getByTestId('run-tasks').locator('tr.task-failed').textContent()).toContain("has no asset 'B05'");
    await session.shot('status-04-run-task-failed');
  });

  it('drops the run error about the YAML once the YAML is fixed', async () => {
    const page = await openPlannedProject(session, { pickedTiles: [TASK] });
    await setYaml(page, BROKEN);
    await page.getByTestId('config-problems').waitFor();
    await page.getByRole('button', { name: /^Run 1 picked tile$/ }).click();
    const runError = page.locator('#run-error');
    await runError.waitFor();
    expect(await runError.textContent()).toMatch(/line 3/);
    await session.shot('status-05-run-error');
    await setYaml(page, VALID);
    await page.getByTestId('config-ok').waitFor();
    await runError.waitFor({ state: 'detached' });
    expect(await page.getByTestId('run-status').textContent()).toBe('');
    await session.shot('status-06-run-error-gone');
  });

  it('drops "project file not found" once the project file is edited', async () => {
    const page = await openEmptyProject(session);
    await page.getByLabel('Project file').fill('no-such-project');
    await page.getByRole('button', { name: 'Open' }).click();
    const error = page.locator('#project-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^Project file not found: .*no-such-project/);
    await session.shot('status-07-project-not-found');
    await page.getByLabel('Project file').fill('kenya');
    await error.waitFor({ state: 'detached' });
  });
});
