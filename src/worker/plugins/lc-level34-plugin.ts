/**
 * Land cover levels 3 and 4 (odc-stats `lc_level34.py`, StatsLccsLevel4, registered
 * `lccs_level34`): each pixel classed by the rules of a class definition table, level 3 from
 * A1's classes, the artificial surface and the cultivated classes; artificial surface outside
 * the urban mask's polygons made natural surface; then level 4 from level 3 and the year's
 * summaries.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { isCopiedBeforeRuns } from '../../shared/copied-files.js';
import { UserError } from '../../shared/errors.js';
import { projectPolygonal } from '../../shared/geometry.js';
import { parseWhere, type WhereFilter } from '../../shared/ogr-where.js';
import type { SampleArray } from '../raster.js';
import { applyRules, classRules, readClassTable } from './lc-level34-rules.js';
import { ExtentRasterizer, readExtentFeatures, type ExtentGeometry } from './mangroves-extent.js';
import type { ObservationChunk, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, missingPluginKey, parsePluginConfig, refusedKey } from './plugin-config.js';

const NAME = 'lccs_level34';
const NODATA = 255;
/** The band odc-stats marks nodata by, whatever the conditions read: A1's classes. */
const LEVEL1_BAND = 'level_3_4';
const ARTIFICIAL_SURFACE = 215;
const NATURAL_SURFACE = 216;
/** The class columns, the keys of class_condition odc-stats reads. */
const LEVELS = ['level3', 'level4'] as const;

const schema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    class_def_path: z.string(),
    class_condition: z.record(z.string(), z.array(z.string()).min(1)),
    urban_mask: z.string(),
    filter_expression: z.string(),
    mask_threshold: z.number().nullable(),
    data_var_condition: z.record(z.string(), z.string()).nullable(),
    input_bands: z.array(z.string()).nullable(),
    measurements: z.array(z.string()).length(2).nullable(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
  })
  .partial();

/** GDAL's other virtual file systems and object stores, which odc-stats opens and this program does not. */
function remotePathRefusal(file: string, what: string): string | undefined {
  if (isCopiedBeforeRuns(file)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file) || /^\/vsi/i.test(file)) return `names ${file}, which is not read here: copy the ${what} and name it by its local path, an s3:// or https:// URL, or /vsizip/ of one`;
  return undefined;
}

export function lccsLevel34Plugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, schema, config);
  checkBasePluginKeys(NAME, c);
  // In odc-stats' order: the table, its conditions, the mask, its filter.
  const tableFile = c.class_def_path;
  if (tableFile === undefined) throw missingPluginKey(NAME, 'class_def_path', 'the level 3 and 4 class definition table, a CSV');
  const tableRefusal = remotePathRefusal(tableFile, 'CSV');
  if (tableRefusal !== undefined) throw refusedKey(NAME, 'class_def_path', tableRefusal);
  if (!isCopiedBeforeRuns(tableFile) && !existsSync(tableFile)) throw refusedKey(NAME, 'class_def_path', `names ${tableFile}, which is not found`);
  const conditions = c.class_condition;
  if (conditions === undefined) throw missingPluginKey(NAME, 'class_condition', 'the table columns each level is classed by, as {level3: [level1, artificial_surface, cultivated], level4: [...]}');
  const missingLevel = LEVELS.find((level) => conditions[level] === undefined);
  if (missingLevel !== undefined) throw refusedKey(NAME, 'class_condition', `has no '${missingLevel}': the columns that class it`);
  const maskFile = c.urban_mask;
  if (maskFile === undefined) throw missingPluginKey(NAME, 'urban_mask', 'the urban polygons, a shapefile or GeoJSON file');
  const maskRefusal = remotePathRefusal(maskFile, 'shapefile');
  if (maskRefusal !== undefined) throw refusedKey(NAME, 'urban_mask', maskRefusal);
  if (!isCopiedBeforeRuns(maskFile) && !existsSync(maskFile)) throw refusedKey(NAME, 'urban_mask', `names ${maskFile}, which is not found`);
  if (c.filter_expression === undefined) throw missingPluginKey(NAME, 'filter_expression', "the OGR SQL WHERE clause that picks the urban polygons, as GCC_NAME21 NOT LIKE '%Rest of%'");
  let filter: WhereFilter;
  try {
    filter = parseWhere(c.filter_expression);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    throw refusedKey(NAME, 'filter_expression', `${e.message}: ${c.filter_expression}`);
  }
  if (c.mask_threshold !== undefined && c.mask_threshold !== null) {
    throw refusedKey(NAME, 'mask_threshold', 'is not supported yet: odc-stats compares it with the share of the whole tile the mask covers, and this program classes a tile chunk by chunk');
  }

  const renamed = c.data_var_condition ?? {};
  const bandOf = (column: string) => renamed[column] ?? column;
  const columns = [...new Set([...LEVELS, ...LEVELS.flatMap((level) => conditions[level]!)])];
  const level3Columns = conditions.level3!;
  const level4Columns = conditions.level4!;
  const readRules = () => {
    const table = readClassTable(tableFile, 'class_def_path', columns);
    return { level3: classRules(table, 'class_def_path', level3Columns, 'level3'), level4: classRules(table, 'class_def_path', level4Columns, 'level4') };
  };
  // Read now, so that a bad table is refused before any task; a remote one when a run has copied it.
  let rules = isCopiedBeforeRuns(tableFile) ? undefined : readRules();

  // level4 may read the level3 just computed, as odc-stats adds it to the inputs.
  const neededBands = [LEVEL1_BAND, ...level3Columns.map(bandOf), ...level4Columns.map(bandOf).filter((b) => b !== 'level3')];
  const inputBands = c.input_bands ?? [...new Set(neededBands)];
  for (const column of [...level3Columns, ...level4Columns]) {
    const band = bandOf(column);
    if (band === 'level3' && !level3Columns.includes(column)) continue;
    if (!inputBands.includes(band)) throw refusedKey(NAME, 'input_bands', `must include ${band}: class_condition's column ${column} reads it`);
  }
  if (!inputBands.includes(LEVEL1_BAND)) throw refusedKey(NAME, 'input_bands', `must include ${LEVEL1_BAND}: odc-stats marks nodata where it has none`);

  const [level3Name, level4Name] = c.measurements ?? ['level3', 'level4'];
  const resampling = c.resampling ?? 'bilinear';
  // Read on the first chunk: a host makes the plugin too, and has no use for the polygons.
  let urban: { geometries: ExtentGeometry[]; lonLat: boolean } | undefined;
  const rasterizers = new Map<string, ExtentRasterizer>();
  const urbanRasterizer = (crs: string): ExtentRasterizer => {
    if (urban === undefined) {
      const read = readExtentFeatures(maskFile, 'urban_mask');
      try {
        urban = { geometries: read.features.filter((f) => filter.matches(f.attributes)).map((f) => f.rings), lonLat: read.lonLat };
      } catch (e) {
        throw e instanceof UserError ? new UserError(`urban_mask ${maskFile}: filter_expression: ${e.message}`) : e;
      }
    }
    let rasterizer = rasterizers.get(crs);
    if (rasterizer === undefined) {
      rasterizer = new ExtentRasterizer(urban.lonLat ? projectPolygonal(urban.geometries, 'EPSG:4326', crs) : urban.geometries);
      rasterizers.set(crs, rasterizer);
    }
    return rasterizer;
  };

  return {
    name: NAME,
    inputs: inputBands.map((band) => ({ name: band, resampling })),
    measurements: [level3Name!, level4Name!].map((band) => ({ name: band, dtype: 'uint8', nodata: NODATA, overviewResampling: 'mode' })),
    quicklook: { kind: 'ramp', band: level3Name!, ramp: 'viridis' },
    productDefaults: { name: 'ga_ls_lccs_Level34', version: '0.0.1' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      if (chunk.days.length === 0) return { [level3Name!]: new Uint8Array(pixels).fill(NODATA), [level4Name!]: new Uint8Array(pixels).fill(NODATA) };
      if (chunk.days.length > 1) {
        throw new UserError(`${NAME} classes one year's products, and this task has ${chunk.days.length} days (${chunk.days.join(', ')}): plan it with one dataset a tile and period`);
      }
      const band = (name: string): SampleArray => chunk.bands[name]![0]!;
      const level1 = band(LEVEL1_BAND);
      const markNodata = (classes: Uint8Array) => {
        for (let p = 0; p < pixels; p++) if (!(level1[p]! < NODATA)) classes[p] = NODATA;
      };

      rules ??= readRules();
      const level3 = applyRules(rules.level3, new Map(level3Columns.map((column) => [column, band(bandOf(column))])), pixels);
      markNodata(level3);
      const inUrban = urbanRasterizer(chunk.geobox.crs).rasterize(chunk.geobox);
      for (let p = 0; p < pixels; p++) if (level3[p] === ARTIFICIAL_SURFACE && !inUrban[p]) level3[p] = NATURAL_SURFACE;

      const level4Bands = new Map(level4Columns.map((column) => [column, bandOf(column) === 'level3' ? level3 : band(bandOf(column))]));
      const level4 = applyRules(rules.level4, level4Bands, pixels);
      markNodata(level4);
      return { [level3Name!]: level3, [level4Name!]: level4 };
    },
  };
}
