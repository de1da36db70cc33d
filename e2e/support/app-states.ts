/**
 * The states the tests of the app start from, so that any test runs alone and in any order.
 * Each is reached through the UI from wherever the page is: on the app's workbench, a project
 * file opens in place of the project shown, as a user would open one (the map stays); from
 * anywhere else, from the start screen of a fresh page (AppSession.freshPage). An empty project
 * is a new project's defaults ("New project" itself is the first test's). A planned one is
 * planned through the Api (the planning tests go through the UI). A finished run is run through
 * the UI once per session (by the run test, or here when it has not run), and its localStorage
 * given to a fresh page each time after.
 * Pages come back before their map has settled: a test that points at the map waits for it.
 */
import type { Page } from 'playwright-core';
import { isApiError, type Project } from '../../src/shared/api.js';
import { tileCentreLonLat } from '../../src/shared/geometry.js';
import { parseGrid } from '../../src/shared/grid.js';
import { untitledProject } from '../../src/shared/untitled-project.js';
import type { AppSession, AppStorage } from './app-session.js';

/** Tile 218,74 of africa-10 in 2021, in the sample's scenes. */
export const SAMPLE_TASK = '2021--P1Y/218/74';
/** The region the tests plan: in tile column 218 across rows 74 and 75 ([lon, lat] of its north-west and south-east corners). */
export const SAMPLE_REGION: [[number, number], [number, number]] = [
  [36.95, -1.2],
  [37.6, -1.9],
];
export const GM_CONFIG = [
  'plugin: gm-s2',
  '# the sample has six reflectance bands, not the ten of real Sentinel-2 L2A',
  'plugin_config:',
  '  bands: [B02, B03, B04, B08, B11, B12]',
  'product:',
  '  name: s2_gm_demo',
  '  short_name: gm',
  '  version: 1.0.0',
  "  region_code_format: 'x{x:03d}y{y:03d}'",
  '# the sample is made of 120 m pixels',
  'resolution: 120',
  '',
].join('\n');

/** What "New project" starts with, the world in view. */
const EMPTY_PROJECT: Project = { ...untitledProject(), view: { center: [20, 0], zoom: 2 } };

/** A new project's defaults, with `changes` (a view, regions…). */
export function openEmptyProject(session: AppSession, changes: Partial<Project> = {}): Promise<Page> {
  return openProject(session, { ...EMPTY_PROJECT, ...changes });
}

/** SAMPLE_REGION planned on the sample, its two tasks in view, with `changes` (picked tiles, run config…) to the project. */
export async function openPlannedProject(session: AppSession, changes: Partial<Project> = {}): Promise<Page> {
  const page = await openProject(session, { ...(await plannedSample(session)), ...changes });
  await page.getByTestId('task-legend').waitFor();
  return page;
}

/** A page whose SAMPLE_TASK has run with GM_CONFIG, its previews shown. */
export async function openFinishedRun(session: AppSession): Promise<Page> {
  if (!finishedRuns.has(session)) {
    const running = await openPlannedProject(session, { pickedTiles: [SAMPLE_TASK], configYaml: GM_CONFIG });
    await running.getByRole('button', { name: /^Run 1 picked tile$/ }).click();
    await waitForRunEnd(running);
    const status = await running.getByTestId('run-status').textContent();
    if (status !== 'finished') throw new Error(`the run of ${SAMPLE_TASK} ended ${status}`);
    await keepFinishedRun(session, running);
  }
  const page = await session.freshPage(finishedRuns.get(session));
  await page.goto(session.host.url);
  await previewsShown(page);
  return page;
}

/** Keeps the storage of a page whose run of SAMPLE_TASK with GM_CONFIG has finished, for openFinishedRun. */
export async function keepFinishedRun(session: AppSession, page: Page): Promise<void> {
  await previewsShown(page);
  finishedRuns.set(session, await page.evaluate(() => ({ ...localStorage })));
}

export async function waitForRunEnd(page: Page): Promise<void> {
  await page.waitForFunction(() => ['finished', 'failed', 'cancelled'].includes(document.querySelector('[data-testid=run-status]')?.getAttribute('data-status') ?? ''), undefined, {
    timeout: 100_000,
  });
}

const finishedRuns = new WeakMap<AppSession, AppStorage>();
const plannedSamples = new WeakMap<AppSession, Promise<Project>>();
let projectsOpened = 0;

/** Saves the project to a file and opens that file through the UI, with the pan tool (kept across projects) chosen. */
async function openProject(session: AppSession, project: Project): Promise<Page> {
  const name = `${project.name} ${++projectsOpened}`;
  const saved = await session.api.saveProject('e2e-project', { ...project, name });
  if (isApiError(saved)) throw new Error(saved.error);
  const page = session.page;
  if (await page.getByRole('button', { name: 'Start screen' }).isVisible()) {
    await page.getByLabel('Project file').fill(saved.path);
  } else {
    await session.freshPage();
    await page.goto(session.host.url);
    await page.getByLabel('Open a project file').fill(saved.path);
  }
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.waitForFunction((opened) => (document.querySelector('[aria-label="Project name"]') as HTMLInputElement | null)?.value === opened, name);
  await page.getByRole('button', { name: 'Pan / pick' }).click();
  return page;
}

/** SAMPLE_TASK's default layers: RGB and COUNT. */
async function previewsShown(page: Page): Promise<void> {
  for (const layer of [`${SAMPLE_TASK}:B04+B03+B02`, `${SAMPLE_TASK}:COUNT`]) {
    await page.locator(`[data-testid=preview-layer][data-layer="${layer}"][data-loaded=yes]`).waitFor();
  }
}

/** The project of SAMPLE_REGION planned on the sample, planned once per session. */
function plannedSample(session: AppSession): Promise<Project> {
  if (!plannedSamples.has(session)) plannedSamples.set(session, planSample(session));
  return plannedSamples.get(session)!;
}

async function planSample(session: AppSession): Promise<Project> {
  const sample = await session.api.sampleCatalog();
  if (isApiError(sample)) throw new Error(sample.error);
  const [[west, north], [east, south]] = SAMPLE_REGION;
  const ring = [[west, south], [east, south], [east, north], [west, north], [west, south]];
  const region = { type: 'Feature', properties: { id: 'region-sample', name: 'Region 1' }, geometry: { type: 'Polygon', coordinates: [ring] } };
  const { grid, frequency, temporalRange } = EMPTY_PROJECT;
  const plan = await session.api.planTasks({ catalog: sample.catalog, inputProducts: [sample.collection], grid, frequency, temporalRange, region, output: 'plans/sample.db' });
  if (isApiError(plan)) throw new Error(plan.error);
  const [lon74, lat74] = tileCentreLonLat(parseGrid(grid), { x: 218, y: 74 });
  const [lon75, lat75] = tileCentreLonLat(parseGrid(grid), { x: 218, y: 75 });
  return {
    ...EMPTY_PROJECT,
    name: 'Planned sample',
    catalog: sample.catalog,
    collections: [sample.collection],
    regions: [region],
    cache: plan.db,
    view: { center: [(lon74 + lon75) / 2, (lat74 + lat75) / 2], zoom: 8 },
  };
}
