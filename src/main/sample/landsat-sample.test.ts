import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StacItem } from '../../shared/stac.js';
import { saveTasks } from '../planner/save-tasks.js';
import { TaskCache } from '../taskcache/task-cache.js';
import {
  DEM_COLLECTION,
  FRACTIONAL_COVER_COLLECTION,
  LANDSAT_ARD_COLLECTION,
  LANDSAT_LAYOUT,
  WATER_OBSERVATIONS_COLLECTION,
  demPixel,
  landsatItems,
  landsatPasses,
  landsatPixel,
  landsatPixelCentre,
  type LandsatPass,
} from './landsat-sample.js';
import { FMASK, NBART_BANDS, WO_BITS } from './landsat-scene.js';
import { writeSampleCatalog, type SampleLayout } from './sample-catalog.js';
import { coverAt } from './sample-scene.js';

const SIDE = 160;
const ALL_BITS = Object.values(WO_BITS);

describe('the Landsat-like truth', () => {
  // Every fourth pixel of every pass of both scenes, all 20 dates.
  const seen = landsatPasses().flatMap((pass) => {
    const pixels = [];
    for (let row = 0; row < SIDE; row += 4) for (let col = 0; col < SIDE; col += 4) pixels.push({ pass, col, row, o: landsatPixel(pass, col, row) });
    return pixels;
  });

  it('has the passes of two rows of one path every 16 days, every third one cut at a quarter of the scene', () => {
    const passes = landsatPasses({ dates: 3 });
    expect(passes.map((p) => [p.scene, p.time.toISOString(), p.edgeColumn])).toEqual([
      ['168060', '2021-01-10T07:41:00.000Z', null],
      ['168061', '2021-01-10T07:41:24.000Z', null],
      ['168060', '2021-01-26T07:41:00.000Z', null],
      ['168061', '2021-01-26T07:41:24.000Z', null],
      ['168060', '2021-02-11T07:41:00.000Z', 40],
      ['168061', '2021-02-11T07:41:24.000Z', 40],
    ]);
    const cut = passes[4]!;
    expect(landsatPixel(cut, 39, 0)).toMatchObject({ fmask: 0, contiguity: 255, water: 1, fc: { pv: 255, npv: 255, bs: 255, ue: 255 } });
    expect(Object.values(landsatPixel(cut, 39, 0).nbart)).toEqual(NBART_BANDS.map(() => -999));
    for (const col of [40, 41]) {
      const o = landsatPixel(cut, col, 0);
      expect(o).toMatchObject({ contiguity: 0, water: 2, fc: { pv: 255, npv: 255, bs: 255, ue: 255 } });
      expect(o.nbart.nbart_swir_2).toBe(-999);
      expect(o.nbart.nbart_red).not.toBe(-999);
      expect(o.fmask).not.toBe(0);
    }
    expect(landsatPixel(cut, 42, 0).contiguity).toBe(1);
  });

  it('has every Fmask class and every water-observation bit but low sun, and pixels both wet and dry through the year', () => {
    expect(new Set(seen.map(({ o }) => o.fmask))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    for (const bit of ALL_BITS.filter((b) => b !== WO_BITS.lowSolarAngle)) expect(seen.some(({ o }) => (o.water & bit) !== 0), `bit ${bit}`).toBe(true);
    const wetDry = new Map<string, Set<number>>();
    for (const { pass, col, row, o } of seen) {
      if (o.water !== 0 && o.water !== 128) continue;
      const key = `${pass.scene} ${col} ${row}`;
      wetDry.set(key, (wetDry.get(key) ?? new Set()).add(o.water));
    }
    const both = [...wetDry.values()].filter((s) => s.size === 2).length;
    expect(both).toBeGreaterThan(100);
  });

  it('sees water, wet, wherever the Sentinel-2 scene has water and the sky is clear', () => {
    let water = 0;
    for (const { pass, col, row, o } of seen) {
      if (coverAt(...landsatPixelCentre(LANDSAT_LAYOUT, pass.scene, col, row)) !== 'water' || o.contiguity !== 1 || o.fmask === FMASK.cloud || o.fmask === FMASK.shadow) continue;
      water++;
      if (o.water !== WO_BITS.water || o.fmask !== FMASK.water) expect([o.water, o.fmask], `${pass.scene} ${pass.date} ${col},${row}`).toEqual([128, 5]);
    }
    expect(water).toBeGreaterThan(10_000);
  });

  it('agrees between the collections of a pass', () => {
    // Checked without expect() per pixel, which would take seconds; the first few disagreements are named.
    const wrong: string[] = [];
    const check = (ok: boolean, what: string, o: object) => {
      if (!ok && wrong.length < 5) wrong.push(`${what}: ${JSON.stringify(o)}`);
    };
    for (const { o } of seen) {
      const missing = o.fmask === FMASK.nodata;
      check((o.water === WO_BITS.nodata) === missing && (o.contiguity === 255) === missing, 'nodata everywhere or nowhere', o);
      if (o.contiguity === 0) check(o.water === WO_BITS.noncontiguous, 'non-contiguous in WO', o);
      if (missing || o.contiguity === 0) {
        check(Object.values(o.fc).every((v) => v === 255), 'no fractional cover', o);
        continue;
      }
      check(o.contiguity === 1, 'contiguous', o);
      // Fmask's cloud is WO's cloud bit; its shadow WO's shadow bit; its water (clear) WO's wet.
      check(((o.water & WO_BITS.cloud) !== 0) === (o.fmask === FMASK.cloud), 'cloud', o);
      check(((o.water & WO_BITS.cloudShadow) !== 0) === (o.fmask === FMASK.shadow), 'shadow', o);
      if (o.fmask === FMASK.water) check((o.water & ~(WO_BITS.highSlope | WO_BITS.terrainShadow)) === WO_BITS.water, 'water is wet', o);
      if (o.fmask === FMASK.valid || o.fmask === FMASK.snow) check((o.water & WO_BITS.water) === 0, 'land is dry', o);
      check(Object.values(o.nbart).every((v) => v > -999 && v <= 32_767), 'reflectance', o);
      check(Object.values(o.fc).every((v) => Number.isInteger(v) && v >= 0 && v < 255), 'fractional cover', o);
    }
    expect(wrong).toEqual([]);
  });
});

/** The band of a COG: its samples, type and GDAL nodata. */
async function readCog(file: string): Promise<{ data: ArrayLike<number>; type: string; nodata: number | null; width: number }> {
  const bytes = readFileSync(file);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const image = await tiff.getImage();
  const [data] = (await image.readRasters()) as unknown as [ArrayLike<number> & { constructor: { name: string } }];
  return { data, type: data.constructor.name, nodata: image.getGDALNoData(), width: image.getWidth() };
}

const itemDir = (root: string, item: StacItem) => path.join(root, item.collection!, item.id);

describe('the Landsat-like collections on disk', () => {
  const DATES = 3;
  const landsat = { dates: DATES };
  const collections = [LANDSAT_ARD_COLLECTION, WATER_OBSERVATIONS_COLLECTION, FRACTIONAL_COVER_COLLECTION, DEM_COLLECTION] as const;
  // A one-band Sentinel-2 tile on the first Landsat scene, to show the collections apart in one catalogue.
  const s2Layout: SampleLayout = { pixelMetres: 120, pixels: SIDE, tiles: { '37MBU': { west: 249_600, north: 9_888_000 } }, bands: ['B04'], blocksize: 64, partialPasses: false };
  let dir: string;
  let root: string;
  let items: StacItem[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'landsat-sample-'));
    root = path.join(dir, 'catalog');
    const progress: number[] = [];
    const written = await writeSampleCatalog(root, {
      collections: ['s2_l2a', ...collections],
      dates: 1,
      layout: s2Layout,
      landsat,
      onItem: (done, total) => progress.push(done / total),
    });
    items = written.items;
    expect(progress.at(-1)).toBe(1);
  }, 60_000);

  it('writes one item per pass (the elevation model: per scene), linked from the catalogue', () => {
    // 1 Sentinel-2 item; 3 dates × 2 scenes for ARD, WO and FC; 2 DEM items.
    expect(items.length).toBe(1 + 3 * 6 + 2);
    const catalog = JSON.parse(readFileSync(path.join(root, 'catalog.json'), 'utf8')) as { links: Array<{ rel: string; href: string }> };
    expect(catalog.links.filter((l) => l.rel === 'child').map((l) => l.href)).toEqual(['s2_l2a', ...collections].map((c) => `./${c}/collection.json`));
    expect(items.filter((i) => i.collection === DEM_COLLECTION).map((i) => [i.id, i.properties.datetime])).toEqual([
      ['ga_srtm_dem1sv1_0_168060', '2000-02-11T00:00:00Z'],
      ['ga_srtm_dem1sv1_0_168061', '2000-02-11T00:00:00Z'],
    ]);
  });

  it('gives the water observations and fractional cover of a pass what odc-stats fuses them by: time, region, label and footprint', () => {
    const wo = landsatItems(WATER_OBSERVATIONS_COLLECTION, landsat);
    const fc = landsatItems(FRACTIONAL_COVER_COLLECTION, landsat);
    const ard = landsatItems(LANDSAT_ARD_COLLECTION, landsat);
    expect(wo[5]!.id).toBe('ga_ls_wo_3_168061_2021-02-11_final');
    wo.forEach((w, i) => {
      for (const other of [fc[i]!, ard[i]!]) {
        expect(other.properties.datetime).toBe(w.properties.datetime);
        expect(other.properties['odc:region_code']).toBe(w.properties['odc:region_code']);
        expect(String(other.properties['title']).replace(other.collection!, '')).toBe(String(w.properties['title']).replace(w.collection!, ''));
        expect(other.geometry).toEqual(w.geometry);
      }
    });
  });

  it('writes COGs with the dtypes and nodata the items declare and the values of the truth', async () => {
    const passes = landsatPasses(landsat);
    const expected: Record<string, { type: string; nodata: number; value: (pass: LandsatPass | undefined, col: number, row: number, scene: string) => number }> = {
      ...Object.fromEntries(NBART_BANDS.map((b) => [b, { type: 'Int16Array', nodata: -999, value: (p: LandsatPass, c: number, r: number) => landsatPixel(p, c, r).nbart[b] }])),
      oa_fmask: { type: 'Uint8Array', nodata: 0, value: (p, c, r) => landsatPixel(p!, c, r).fmask },
      oa_nbart_contiguity: { type: 'Uint8Array', nodata: 255, value: (p, c, r) => landsatPixel(p!, c, r).contiguity },
      water: { type: 'Uint8Array', nodata: 1, value: (p, c, r) => landsatPixel(p!, c, r).water },
      ...Object.fromEntries((['pv', 'npv', 'bs', 'ue'] as const).map((b) => [b, { type: 'Uint8Array', nodata: 255, value: (p: LandsatPass, c: number, r: number) => landsatPixel(p, c, r).fc[b] }])),
      dem_h: { type: 'Float32Array', nodata: -3.4028234663852886e38, value: (_p, c, r, scene) => demPixel(scene, c, r) },
    };
    let checked = 0;
    for (const item of items.filter((i) => i.collection !== 's2_l2a')) {
      const scene = String(item.properties['odc:region_code']);
      const pass = passes.find((p) => p.scene === scene && p.time.toISOString() === item.properties.datetime);
      for (const [band, asset] of Object.entries(item.assets)) {
        const want = expected[band]!;
        expect(asset['raster:bands']).toEqual([{ data_type: want.type.replace('Array', '').toLowerCase(), nodata: want.nodata }]);
        const cog = await readCog(path.join(itemDir(root, item), `${band}.tif`));
        expect([cog.type, cog.nodata, cog.width], `${item.id} ${band}`).toEqual([want.type, want.nodata, SIDE]);
        for (let row = 0; row < SIDE; row += 3) {
          for (let col = 0; col < SIDE; col += 3) {
            const value = want.value(pass, col, row, scene);
            if (cog.data[row * SIDE + col] !== value) expect(cog.data[row * SIDE + col], `${item.id} ${band} at ${col},${row}`).toBe(value);
          }
        }
        checked++;
      }
    }
    // 8 ARD bands, 1 WO, 4 FC on 6 passes; 2 DEMs.
    expect(checked).toBe(13 * 6 + 2);
  });

  it('plans one task per scene on the grid whose tiles are the scenes, with every pass of the collection asked for', async () => {
    const plan = await saveTasks({
      catalog: path.join(root, 'catalog.json'),
      inputProducts: [WATER_OBSERVATIONS_COLLECTION],
      grid: 'EPSG:32737;120;160',
      year: 2021,
      tiles: '13:14,514:516',
      output: path.join(dir, 'wo.db'),
    });
    expect(plan.counts.tasks).toBe(2);
    const cache = TaskCache.open(plan.db);
    try {
      // 168061 (north 9 888 000 m) is tile y 514; 168060 above it, 515.
      const tasks = cache.tasks().map((t) => ({ x: t.x, y: t.y, datasets: cache.datasetsOf(t.taskId).map((d) => d.item.id) }));
      expect(tasks).toEqual([
        { x: 13, y: 514, datasets: ['2021-01-10', '2021-01-26', '2021-02-11'].map((d) => `ga_ls_wo_3_168061_${d}_final`) },
        { x: 13, y: 515, datasets: ['2021-01-10', '2021-01-26', '2021-02-11'].map((d) => `ga_ls_wo_3_168060_${d}_final`) },
      ]);
    } finally {
      cache.close();
    }
  });
});
