/**
 * What a new user trips on, in Chromium against the web host on the sample: the sample's
 * default preset runs (and a run finer than the sample's pixels asks first); the preset list
 * follows the YAML through edits and undo, and a preset asks before it replaces edits; a
 * reopened project has its plan summary, run history and previews; a run shows its progress in
 * numbers with the time left, and one of its tasks can be cancelled alone.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tileCentreLonLat } from '../src/shared/geometry.js';
import { parseGrid } from '../src/shared/grid.js';
import { presetFor } from '../src/shared/plugin-presets.js';
import { appSessionForTests, pointOf, setYaml, waitForMapIdle, type AppSession } from './support/app-session.js';
import { GM_CONFIG, openEmptyProject, openPlannedProject, SAMPLE_TASK, waitForRunEnd } from './support/app-states.js';

const OTHER_TASK = '2021--P1Y/218/75';
const presetList = (page: Page) => page.getByLabel('Preset');
/** The YAML as the workspace keeps it (the editor's text). */
const yamlOf = (page: Page) => page.evaluate(() => (JSON.parse(localStorage.getItem('odc-stats-workspace')!) as { state: { configYaml: string } }).state.configYaml);

describe('a new user on the sample', () => {
  const session = appSessionForTests();
  /** The project file of the sample's run, once a test has saved it. */
  let savedRun: string | undefined;

  /** From a new project: "Use sample", plan the whole sample, pick SAMPLE_TASK and run it with the preset offered first; saves the project. */
  async function runSampleAsNewUser(s: AppSession): Promise<{ page: Page; sawProgress: string }> {
    const page = await openEmptyProject(s);
    await page.getByRole('button', { name: 'Use sample' }).click();
    await page.waitForFunction(() => (document.getElementById('catalog') as HTMLInputElement).value.endsWith('catalog.json'));
    expect(await presetList(page).inputValue()).toBe('sample/gm-s2');
    await page.getByRole('button', { name: 'Plan tasks' }).click();
    await page.getByTestId('plan-summary').waitFor({ timeout: 60_000 });
    await page.getByTestId('task-legend').waitFor();
    await waitForMapIdle(page);
    const [lon, lat] = tileCentreLonLat(parseGrid('africa-10'), { x: 218, y: 74 });
    const centre = await pointOf(page, lon, lat);
    await page.mouse.click(centre.x, centre.y);
    await page.getByTestId('picked-tiles').getByText(SAMPLE_TASK).waitFor();
    await page.getByRole('button', { name: /^Run 1 picked tile$/ }).click();
    const progress = page.getByTestId('run-progress');
    await progress.waitFor({ timeout: 30_000 });
    const sawProgress = (await progress.textContent()) ?? '';
    await waitForRunEnd(page);
    await page.getByLabel('Project file').fill('new-user-sample');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/^Saved to /).waitFor();
    savedRun = await page.evaluate(() => (JSON.parse(localStorage.getItem('odc-stats-workspace')!) as { state: { projectPath: string } }).state.projectPath);
    return { page, sawProgress };
  }

  it('runs the sample with the preset it offers, and finishes', async () => {
    const { page, sawProgress } = await runSampleAsNewUser(session);
    expect(sawProgress).toMatch(/^0\/1 tasks( · \d+\/\d+ chunks)? · (about \d.* left|time left unknown)$/);
    expect(await page.getByTestId('run-status').textContent()).toBe('finished');
    await page.locator(`[data-testid=preview-layer][data-layer="${SAMPLE_TASK}:B04+B03+B02"][data-loaded=yes]`).waitFor();
    await session.shot('new-user-01-sample-run-finished');
  });

  it('asks before a run at 10 m on the sample\u2019s 120 m pixels, with the time it would take', async () => {
    const page = await openPlannedProject(session, { pickedTiles: [SAMPLE_TASK] });
    await setYaml(page, GM_CONFIG.replace('resolution: 120\n', ''));
    await page.getByTestId('config-ok').waitFor();
    await page.getByRole('button', { name: /^Run 1 picked tile$/ }).click();
    const warning = page.getByTestId('run-warning');
    await warning.waitFor();
    // Tile 218,74 of africa-10 is 9600² pixels of 10 m: 144 times the 800² of 120 m.
    expect(await warning.textContent()).toMatch(/^This run computes 10 m pixels from data of 120 m pixels: 144 times the pixels of a run at 120 m, about \d.* with 1 worker\./);
    await session.shot('new-user-02-resolution-warning');
    await page.getByRole('button', { name: 'Do not run' }).click();
    expect(await warning.count()).toBe(0);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('idle');
  });

  it('keeps the preset list and the YAML in step through an edit and its undo, and asks before a preset replaces edits', async () => {
    const page = await openEmptyProject(session);
    await presetList(page).selectOption('pq');
    expect(await yamlOf(page)).toBe(presetFor('pq')!.yaml);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('resolution: 60\n');
    await page.waitForFunction(() => (document.getElementById('preset') as HTMLSelectElement).value === 'custom');
    await page.keyboard.press('Control+Z');
    await page.waitForFunction(() => (document.getElementById('preset') as HTMLSelectElement).value === 'pq');
    expect(await yamlOf(page)).toBe(presetFor('pq')!.yaml);

    await page.keyboard.insertText('resolution: 60\n');
    await page.waitForFunction(() => (document.getElementById('preset') as HTMLSelectElement).value === 'custom');
    const edited = await yamlOf(page);
    await presetList(page).selectOption('gm-s2');
    const confirm = page.getByRole('alertdialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('Replace your edited config with the preset “Sentinel-2 geomedian”?');
    await session.shot('new-user-03-preset-confirm');
    await page.getByRole('button', { name: 'Keep my edits' }).click();
    expect(await yamlOf(page)).toBe(edited);
    expect(await presetList(page).inputValue()).toBe('custom');

    await presetList(page).selectOption('gm-s2');
    await page.getByRole('button', { name: 'Replace my edits' }).click();
    await page.waitForFunction(() => (document.getElementById('preset') as HTMLSelectElement).value === 'gm-s2');
    expect(await yamlOf(page)).toBe(presetFor('gm-s2')!.yaml);
  });

  it('reopens a project with its plan summary, run history and preview layers', async () => {
    if (!savedRun) await runSampleAsNewUser(session);
    const page = await openEmptyProject(session);
    expect(await page.getByTestId('plan-summary').count()).toBe(0);
    await page.getByLabel('Project file').fill(savedRun!);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByTestId('plan-summary').waitFor();
    expect(await page.getByTestId('plan-summary').textContent()).toMatch(/\d+ tasks on \d+ tiles from \d+ datasets \(africa-10, annual, 2021--P1Y\)/);
    expect(await page.getByTestId('run-history').locator('li').allTextContents()).toEqual([expect.stringMatching(/ · finished · 1\/1 task finished/)]);
    for (const layer of [`${SAMPLE_TASK}:B04+B03+B02`, `${SAMPLE_TASK}:COUNT`]) {
      await page.locator(`[data-testid=preview-layer][data-layer="${layer}"][data-loaded=yes]`).waitFor();
    }
    await session.shot('new-user-04-reopened');
  });

  it('shows a run\u2019s progress with the time left, and cancels one of its tasks alone', async () => {
    const page = await openPlannedProject(session, { pickedTiles: [SAMPLE_TASK, OTHER_TASK], configYaml: GM_CONFIG });
    await page.getByRole('button', { name: /^Run 2 picked tiles$/ }).click();
    const progress = page.getByTestId('run-progress');
    await progress.waitFor({ timeout: 30_000 });
    expect(await progress.getByRole('progressbar', { name: 'Run progress' }).count()).toBe(1);
    await page.waitForFunction(() => /about \d.* left$/.test(document.querySelector('[data-testid=run-eta]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    expect(await progress.textContent()).toMatch(/^[01]\/2 tasks( · \d+\/\d+ chunks)? · about \d.* left$/);
    await session.shot('new-user-05-progress');
    await page.getByRole('button', { name: `Cancel ${OTHER_TASK}` }).click();
    await waitForRunEnd(page);
    expect(await page.getByTestId('run-status').textContent()).toBe('cancelled: 1 finished, 1 cancelled');
    const stateOf = (task: string) => page.locator('[data-testid=run-tasks] tr', { hasText: task }).locator('td').nth(1).textContent();
    expect(await stateOf(OTHER_TASK)).toBe('cancelled');
    expect(await stateOf(SAMPLE_TASK)).toBe('finished');
    // The cancelled task left no file; the other its whole set.
    const written = (await readdir(path.join(session.workspace, 'outputs', 's2_gm_demo'), { recursive: true })).map(String);
    expect(written.filter((f) => f.includes('x218y075'))).toEqual([]);
    expect(written.filter((f) => f.endsWith('x218y074_2021--P1Y.stac-item.json'))).toHaveLength(1);
    expect(await page.locator(`[data-testid=preview-layer][data-layer^="${OTHER_TASK}:"]`).count()).toBe(0);
  });
});
