/**
 * Products that read other products, as odc-stats chains them, through `odc-stats` in real
 * processes on the synthetic Landsat collections (one 32 × 32 scene of 120 m pixels, aligned
 * with the grid, so nothing is resampled): water observations → monthly WOfS summaries → their
 * sum (the summaries' STAC items as a catalogue, and as a prefix product); fractional-cover
 * percentiles of FC fused with WO (`ga_ls_fc_3+ga_ls_wo_3`); tasselled-cap percentiles of the
 * ARD; mangrove cover of those two percentile products fused (their output folders as prefix
 * products). Every output is checked against values computed here from the generator's truth.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FRACTIONAL_COVER_COLLECTION,
  LANDSAT_ARD_COLLECTION,
  WATER_OBSERVATIONS_COLLECTION,
  landsatPasses,
  landsatPixel,
  type LandsatLayout,
  type LandsatPass,
} from '../sample/landsat-sample.js';
import type { LandsatObservation } from '../sample/landsat-scene.js';
import { writeSampleCatalog, type SampleCatalog } from '../sample/sample-catalog.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';

const SIDE = 32;
/** A scene whose 32 × 32 pixels have water, land, cloud and pixels both wet and dry, as one tile of GRID. */
const LAYOUT: LandsatLayout = { pixelMetres: 120, pixels: SIDE, scenes: { '168060': { west: 249_600, north: 9_903_360 } }, blocksize: 16 };
const GRID = 'EPSG:32737;120;32';
/** The scene's tile: 249 600 / 3840 = 65; its northern edge 9 903 360 / 3840 = 2579 is the top of row 2578. */
const TILES = '65:66,2578:2579';
/** Region code x65y2578 cut in half, as odc-stats lays out task folders. */
const TILE_DIR = path.join('x65y', '2578');
/** Passes on 10 and 26 January, 11 February (whose western quarter is missing), 27 February and 15 March 2021. */
const CHOICE = { dates: 5, layout: LAYOUT };
const COUNT_NODATA = -999;

let dir: string;
let sample: SampleCatalog;
let passes: LandsatPass[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'products-chain-'));
  sample = await writeSampleCatalog(path.join(dir, 'catalog'), {
    collections: [LANDSAT_ARD_COLLECTION, WATER_OBSERVATIONS_COLLECTION, FRACTIONAL_COVER_COLLECTION],
    landsat: CHOICE,
  });
  passes = landsatPasses(CHOICE);
}, 60_000);

async function readBand(file: string): Promise<ArrayLike<number>> {
  const bytes = readFileSync(file);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const [data] = (await (await tiff.getImage()).readRasters()) as unknown as [ArrayLike<number>];
  return data;
}

/** The COG of `band` in the task folder of `period` under `location`. */
function bandFile(location: string, period: string, band: string): string {
  const folder = path.join(location, TILE_DIR, period);
  const name = readdirSync(folder).find((f) => f.endsWith(`_${band}.tif`));
  if (name === undefined) throw new Error(`no ${band} in ${folder}: ${readdirSync(folder).join(', ')}`);
  return path.join(folder, name);
}

function planArgs(output: string, ...args: string[]): string[] {
  return ['save-tasks', '--grid', GRID, '--tiles', TILES, ...args, output];
}

async function succeeded(args: string[]): Promise<string> {
  const r = await runCli(args, { timeoutMs: 90_000 });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const pixels = () => Array.from({ length: SIDE * SIDE }, (_, p) => ({ p, col: p % SIDE, row: Math.floor(p / SIDE) }));

/** numpy's round of q(n − 1), halves to even: odc-algo's index into the sorted valid values. */
function percentileOf(values: number[], q: number, nodata: number): number {
  if (values.length < 3) return nodata;
  const sorted = [...values].sort((a, b) => a - b);
  const x = q * (sorted.length - 1);
  const floor = Math.floor(x);
  const rank = x - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(x);
  return sorted[rank]!;
}

/** odc-stats StatsWofs, per pass: not clear where the nodata bit is clear and any of bits 1–6 set; dry 0; wet 128; else no observation. */
function summaryTruth(month: LandsatPass[], col: number, row: number): { wet: number; clear: number } {
  let wet = 0;
  let clear = 0;
  let observed = false;
  for (const pass of month) {
    const water = landsatPixel(pass, col, row, LAYOUT).water;
    if ((water & 1) === 0 && (water & 0b0111_1110) !== 0) observed = true;
    else if (water === 0 || water === 128) {
      observed = true;
      clear++;
      if (water === 128) wet++;
    }
  }
  return observed ? { wet, clear } : { wet: COUNT_NODATA, clear: COUNT_NODATA };
}

describe('water observations → WOfS summaries → their sum', () => {
  it('plans the summaries’ own STAC items, by product name or by their folder, and sums them', async () => {
    const january = passes.slice(0, 2);
    const february = passes.slice(2, 4);
    const wo = path.join(dir, 'wo.db');
    await succeeded(planArgs(wo, '--catalog', sample.catalogPath, '--input-products', WATER_OBSERVATIONS_COLLECTION, '--frequency', 'monthly', '--temporal-range', '2021-01--P2M'));
    expect(readFileSync(path.join(dir, 'wo.csv'), 'utf8')).toBe('T,X,Y,datasets,days\n2021-01--P1M,65,2578,2,2\n2021-02--P1M,65,2578,2,2\n');
    const summaries = path.join(dir, 'summaries');
    await succeeded(['run', wo, '--plugin', 'wofs-summary', '--location', summaries, '--threads', '1']);

    for (const [period, month] of [['2021-01--P1M', january], ['2021-02--P1M', february]] as const) {
      const clear = await readBand(bandFile(summaries, period, 'count_clear'));
      for (const { p, col, row } of pixels()) expect(clear[p], `${period} count_clear at ${col},${row}`).toBe(summaryTruth(month, col, row).clear);
    }

    // The summaries as a catalogue (their items name their product in odc:product) and as a prefix product.
    const byName = path.join(dir, 'fh.db');
    await succeeded(planArgs(byName, '--catalog', summaries, '--input-products', 'ga_ls_wo_summary', '--frequency', 'all'));
    const byFolder = path.join(dir, 'fh-prefix.db');
    await succeeded(planArgs(byFolder, '--input-products', `${summaries}/`, '--frequency', 'all'));
    const tasks = readFileSync(path.join(dir, 'fh.csv'), 'utf8');
    expect(linesOf(tasks)).toEqual(['T,X,Y,datasets,days', expect.stringMatching(/^2021--P1Y,65,2578,2,2$/)]);
    expect(readFileSync(path.join(dir, 'fh-prefix.csv'), 'utf8')).toBe(tasks);

    const all = path.join(dir, 'all-time');
    await succeeded(['run', byName, '--plugin', 'wofs-summary-fh', '--location', all, '--threads', '1']);
    const read = (band: string) => readBand(bandFile(all, '2021--P1Y', band));
    const [wet, clear, frequency] = await Promise.all([read('count_wet'), read('count_clear'), read('frequency')]);
    let wetSomewhere = 0;
    for (const { p, col, row } of pixels()) {
      const months = [summaryTruth(january, col, row), summaryTruth(february, col, row)].filter((m) => m.clear !== COUNT_NODATA);
      const sum = (key: 'wet' | 'clear') => (months.length === 0 ? COUNT_NODATA : months.reduce((s, m) => s + m[key], 0));
      const at = `at ${col},${row}`;
      expect([wet[p], clear[p]], at).toEqual([sum('wet'), sum('clear')]);
      if (sum('clear') > 0) expect(frequency[p], at).toBeCloseTo(sum('wet') / sum('clear'), 6);
      else expect(frequency[p], at).toBeNaN();
      if (sum('wet') > 0) wetSomewhere++;
    }
    expect(wetSomewhere).toBeGreaterThan(20);
  }, 180_000);
});

const FC_BANDS = ['pv', 'bs', 'npv'] as const;
const QUANTILES = [0.1, 0.5, 0.9];

/** StatsFCP at a pixel: percentiles of the clear and dry days (the water flags but high slope, 16, are 0), qa, count_valid. */
function fcPercentilesTruth(observations: LandsatObservation[]): { percentiles: Map<string, number>; qa: number; countValid: number } {
  const dry = observations.filter((o) => (o.water & ~16) === 0);
  const everWet = observations.some((o) => (o.water & ~16) === 128);
  const percentiles = new Map<string, number>();
  for (const band of FC_BANDS) {
    const values = dry.map((o) => o.fc[band]).filter((v) => v !== 255);
    for (const q of QUANTILES) percentiles.set(`${band}_pc_${q * 100}`, percentileOf(values, q, 255));
  }
  const allValid = [...percentiles.values()].every((v) => v !== 255);
  return { percentiles, qa: allValid ? 2 : everWet ? 0 : 1, countValid: dry.length };
}

describe('dataset_filters of run', () => {
  it('leaves out of each task the datasets no filter matches, as odc-stats’ DatasetChecker does', async () => {
    const plan = path.join(dir, 'wo-2021.db');
    await succeeded(planArgs(plan, '--catalog', sample.catalogPath, '--input-products', WATER_OBSERVATIONS_COLLECTION, '--year', '2021'));
    // January's two passes, and March's pass of Landsat 8 (STAC's platform read as eo3's eo:platform); not February's.
    const filters = '{"datetime": "2021-01--P1M"}|{"datetime": "2021-03--P1M", "eo:platform": "landsat-8"}|{"datetime": "2021-02--P1M", "eo:platform": "landsat-9"}';
    const dry = await succeeded(['run', plan, '--plugin', 'wofs-summary', '--dataset-filters', filters, '--location', path.join(dir, 'filtered'), '--dryrun']);
    expect(dry).toMatch(/^2021--P1Y\/65\/2578 days: 3 datasets: 3 /m);
    const location = path.join(dir, 'filtered');
    await succeeded(['run', plan, '--plugin', 'wofs-summary', '--dataset-filters', filters, '--location', location, '--threads', '1']);
    const clear = await readBand(bandFile(location, '2021--P1Y', 'count_clear'));
    const kept = [passes[0]!, passes[1]!, passes[4]!];
    for (const { p, col, row } of pixels()) expect(clear[p], `count_clear at ${col},${row}`).toBe(summaryTruth(kept, col, row).clear);
  }, 180_000);

  it('refuses filters that are not JSON objects joined by |, in one line', async () => {
    const r = await runCli(['run', path.join(dir, 'wo-2021.db'), '--plugin', 'wofs-summary', '--dataset-filters', '{"datetime": "2021-01--P1M"}|landsat-8', '--dryrun']);
    expect(r.code).toBe(1);
    expect(linesOf(r.stderr)).toEqual([expect.stringMatching(/^odc-stats: error: invalid --dataset-filters: filter 2 \("landsat-8"\) is not JSON/)]);
  });
});

describe('fractional cover percentiles of FC fused with water observations', () => {
  it('pairs each FC dataset with the WO of its pass, leaves out a pass without FC, and writes odc-stats’ percentiles and qa', async () => {
    // A folder of item files without the one FC item of 26 January: its water observations have no partner.
    const catalog = path.join(dir, 'fc-catalog');
    await writeSampleCatalog(catalog, { collections: [WATER_OBSERVATIONS_COLLECTION, FRACTIONAL_COVER_COLLECTION], landsat: CHOICE });
    const dropped = passes[1]!;
    rmSync(path.join(catalog, FRACTIONAL_COVER_COLLECTION, `ga_ls_fc_3_168060_${dropped.time.toISOString().slice(0, 10)}_final`), { recursive: true });
    unlinkSync(path.join(catalog, 'catalog.json'));
    const kept = passes.filter((pass) => pass !== dropped);

    const plan = path.join(dir, 'fc.db');
    const summary = await succeeded(planArgs(plan, '--catalog', catalog, '--input-products', 'ga_ls_fc_3+ga_ls_wo_3', '--year', '2021'));
    expect(summary).toContain('warning: 1 items of fused products had no dataset of each other product on their region and day and were left out');
    expect(readFileSync(path.join(dir, 'fc.csv'), 'utf8')).toBe('T,X,Y,datasets,days\n2021--P1Y,65,2578,4,4\n');

    const location = path.join(dir, 'fc-percentiles');
    await succeeded(['run', plan, '--plugin', 'fc-percentiles', '--plugin-config', 'count_valid: true', '--location', location, '--threads', '1']);
    const read = (band: string) => readBand(bandFile(location, '2021--P1Y', band));
    const outputs = new Map<string, ArrayLike<number>>(await Promise.all(FC_BANDS.flatMap((b) => QUANTILES.map(async (q) => [`${b}_pc_${q * 100}`, await read(`${b}_pc_${q * 100}`)] as const))));
    const [qa, countValid] = await Promise.all([read('qa'), read('count_valid')]);

    const qaSeen = new Set<number>();
    for (const { p, col, row } of pixels()) {
      const want = fcPercentilesTruth(kept.map((pass) => landsatPixel(pass, col, row, LAYOUT)));
      const at = `at ${col},${row}`;
      for (const [band, value] of want.percentiles) expect(outputs.get(band)![p], `${band} ${at}`).toBe(value);
      expect(qa[p], `qa ${at}`).toBe(want.qa);
      qaSeen.add(want.qa);
      expect(countValid[p], `count_valid ${at}`).toBe(want.countValid);
    }
    // Pixels with every percentile, and pixels short of clear days that were wet on some.
    expect([...qaSeen]).toEqual(expect.arrayContaining([0, 2]));
  }, 180_000);
});

/** odc-stats' default tasselled-cap coefficients (Crist 1985), in the order blue, green, red, nir, swir1, swir2. */
const TC_COEFFICIENTS = {
  wet: [0.0315, 0.2021, 0.3102, 0.1594, -0.6806, -0.6109],
  bright: [0.2043, 0.4158, 0.5524, 0.5741, 0.3124, 0.2303],
  green: [-0.1603, -0.2819, -0.4934, 0.794, -0.0002, -0.1446],
};
const NBART = ['nbart_blue', 'nbart_green', 'nbart_red', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2'] as const;

/** The pixel's clear observations for tcw-percentiles: fmask neither nodata, cloud nor shadow; contiguous; no band at −999. */
const tcClearObservations = (col: number, row: number) =>
  passes
    .map((pass) => landsatPixel(pass, col, row, LAYOUT))
    .filter((o) => ![0, 2, 3].includes(o.fmask) && o.contiguity !== 0 && NBART.every((b) => o.nbart[b] !== -999));

/** An index of each observation: Σ coefficient × DN in float64, truncated to int16. */
const tcIndexValues = (observations: LandsatObservation[], coefficients: readonly number[]) =>
  observations.map((o) => {
    let sum = 0;
    NBART.forEach((band, k) => (sum += coefficients[k]! * o.nbart[band]));
    return Math.trunc(sum);
  });

describe('tasselled-cap percentiles of the ARD', () => {
  it('writes the 10th, 50th and 90th percentiles of each index over the clear observations', async () => {
    const plan = path.join(dir, 'ard.db');
    await succeeded(planArgs(plan, '--catalog', sample.catalogPath, '--input-products', LANDSAT_ARD_COLLECTION, '--year', '2021'));
    const location = path.join(dir, 'tc-percentiles');
    await succeeded(['run', plan, '--plugin', 'tcw-percentiles', '--location', location, '--threads', '1']);

    // A pixel seen clear on every pass, and one that cloud or the missing quarter hides on some.
    const all = pixels().find(({ col, row }) => tcClearObservations(col, row).length === passes.length)!;
    const some = pixels().find(({ col, row }) => tcClearObservations(col, row).length === 4)!;
    expect([all, some].every(Boolean)).toBe(true);

    for (const [index, coefficients] of Object.entries(TC_COEFFICIENTS)) {
      for (const { p, col, row } of [all, some]) {
        const values = tcIndexValues(tcClearObservations(col, row), coefficients);
        for (const q of [10, 50, 90]) {
          const out = await readBand(bandFile(location, '2021--P1Y', `${index}_pc_${q}`));
          expect(out[p], `${index}_pc_${q} at ${col},${row}`).toBe(percentileOf(values, q / 100, -9999));
        }
      }
    }
  }, 180_000);
});

describe('mangrove cover of the two percentile products, fused', () => {
  /** The extent, in the output CRS as odc-stats takes it: the scene's columns 0–19, less a hole over columns 4–7 of rows 4–7. */
  const EXTENT_COLUMNS = 20;
  const inHole = (col: number, row: number) => col >= 4 && col < 8 && row >= 4 && row < 8;
  const PV_THRESHOLDS = [6, 20, 40];
  const TCW_THRESHOLD = -2400;

  function extentGeoJson(): string {
    const { west, north } = LAYOUT.scenes['168060']!;
    const x = (col: number) => west + col * LAYOUT.pixelMetres;
    const y = (row: number) => north - row * LAYOUT.pixelMetres;
    const rect = (c0: number, r0: number, c1: number, r1: number) => [[x(c0), y(r0)], [x(c1), y(r0)], [x(c1), y(r1)], [x(c0), y(r1)], [x(c0), y(r0)]];
    const polygon = { type: 'Polygon', coordinates: [rect(0, 0, EXTENT_COLUMNS, SIDE), rect(4, 4, 8, 8)] };
    return JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: polygon }] });
  }

  it('pairs each tile’s FC and tasselled-cap percentiles of a year and classes the pixels inside the extent', async () => {
    const fcPlan = path.join(dir, 'mangroves-fc.db');
    await succeeded(planArgs(fcPlan, '--catalog', sample.catalogPath, '--input-products', 'ga_ls_fc_3+ga_ls_wo_3', '--year', '2021'));
    const fcLocation = path.join(dir, 'mangroves-fc');
    await succeeded(['run', fcPlan, '--plugin', 'fc-percentiles', '--location', fcLocation, '--threads', '1']);
    const tcPlan = path.join(dir, 'mangroves-tc.db');
    await succeeded(planArgs(tcPlan, '--catalog', sample.catalogPath, '--input-products', LANDSAT_ARD_COLLECTION, '--year', '2021'));
    const tcLocation = path.join(dir, 'mangroves-tc');
    await succeeded(['run', tcPlan, '--plugin', 'tcw-percentiles', '--location', tcLocation, '--threads', '1']);

    const plan = path.join(dir, 'mangroves.db');
    await succeeded(planArgs(plan, '--input-products', `${fcLocation}/+${tcLocation}/`, '--year', '2021'));
    expect(readFileSync(path.join(dir, 'mangroves.csv'), 'utf8')).toBe('T,X,Y,datasets,days\n2021--P1Y,65,2578,1,1\n');

    const extent = path.join(dir, 'mangrove-extent.geojson');
    writeFileSync(extent, extentGeoJson());
    const config = path.join(dir, 'mangroves.yaml');
    writeFileSync(config, ['plugin: mangroves', 'plugin_config:', `  mangroves_extent: ${extent}`, `  pv_thresholds: [${PV_THRESHOLDS.join(', ')}]`, `  tcw_threshold: ${TCW_THRESHOLD}`, ''].join('\n'));
    const location = path.join(dir, 'mangroves');
    await succeeded(['run', plan, '--config', config, '--location', location, '--threads', '1']);
    const cover = await readBand(bandFile(location, '2021--P1Y', 'canopy_cover_class'));

    const seen = new Set<number>();
    for (const { p, col, row } of pixels()) {
      const fc = fcPercentilesTruth(passes.map((pass) => landsatPixel(pass, col, row, LAYOUT)));
      const wet = percentileOf(tcIndexValues(tcClearObservations(col, row), TC_COEFFICIENTS.wet), 0.1, -9999);
      const pv = fc.percentiles.get('pv_pc_10')!;
      // Mangroves: inside the extent and wetter than the threshold; qa 1 is "not observed" (0), qa 2 counts the thresholds pv_pc_10 exceeds.
      let want = 255;
      if (col < EXTENT_COLUMNS && !inHole(col, row) && wet > TCW_THRESHOLD) {
        if (fc.qa === 1) want = 0;
        else if (fc.qa === 2 && pv > PV_THRESHOLDS[0]!) want = PV_THRESHOLDS.filter((t) => pv > t).length;
      }
      expect(cover[p], `canopy_cover_class at ${col},${row} (pv_pc_10 ${pv}, qa ${fc.qa}, wet_pc_10 ${wet})`).toBe(want);
      seen.add(want);
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining([1, 255]));
    expect(seen.size).toBeGreaterThanOrEqual(3);
  }, 240_000);
});
