/**
 * Land cover module A1 (odc-stats `lc_veg_class_a1.py`): `veg_class_l1` (StatsVegClassL1)
 * classes a year's pixels as water, bare surface, terrestrial or aquatic vegetation from its
 * geomedian, WOfS summary, A0 vegetation count and DEM; `dem_in_stats` (StatsDem) passes a DEM
 * through as float32 with NaN for nodata, so that A1 can read it as a product.
 */
import { z } from 'zod';
import { UserError } from '../../shared/errors.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, missingPluginKey, parsePluginConfig, refusedKey } from './plugin-config.js';

const NODATA = 255;
const RESAMPLING = z.enum(['nearest', 'bilinear', 'average']);

/** The bands StatsVegClassL1.l3_class reads; odc-stats takes them from `input_bands`, which must name them. */
const VEG_CLASS_BANDS = ['nbart_blue', 'nbart_green', 'nbart_red', 'frequency', 'veg_frequency', 'dem_h'];
const OPTIONAL_BANDS = ['elevation', 'canopy_cover_class'] as const;

const vegClassSchema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    // odc-stats reads only optional_bands' elevation and canopy_cover_class; here they are inputs.
    optional_bands: z.array(z.enum(OPTIONAL_BANDS)).nullable(),
    output_classes: z.record(z.string(), z.number().int().min(0).max(255)),
    dem_threshold: z.number().nullable(),
    mudflat_threshold: z.number().nullable(),
    saltpan_threshold: z.number().nullable(),
    water_threshold: z.number().nullable(),
    veg_threshold: z.number().nullable(),
    water_seasonality_threshold: z.number().nullable(),
    input_bands: z.array(z.string()).nullable(),
    measurements: z.array(z.string()).min(1).max(2).nullable(),
    resampling: RESAMPLING,
  })
  .partial();

/** The only day of a task that classes one year's summaries (odc-stats takes the first; a second is refused here). */
function onlyDay(name: string, chunk: ObservationChunk): boolean {
  if (chunk.days.length > 1) {
    throw new UserError(`${name} classes one year's summaries, and this task has ${chunk.days.length} days (${chunk.days.join(', ')}): plan it with one dataset a tile and period`);
  }
  return chunk.days.length === 1;
}

export function vegClassL1Plugin(config: Record<string, unknown>): StatsPlugin {
  const name = 'veg_class_l1';
  const c = parsePluginConfig(name, vegClassSchema, config);
  checkBasePluginKeys(name, { ...c, optional_bands: null });
  const optional = c.optional_bands ?? [];
  if (c.output_classes === undefined) {
    throw missingPluginKey(name, 'output_classes', 'the class codes, as {water: 221, surface: 210, terrestrial_veg: 110, aquatic_veg_wood: 124, aquatic_veg_herb: 125, intertidal: 223}');
  }
  const needed = [
    'water',
    'surface',
    'terrestrial_veg',
    ...(optional.includes('elevation') ? ['intertidal', 'aquatic_veg_herb'] : []),
    ...(optional.includes('canopy_cover_class') ? ['aquatic_veg_wood'] : []),
  ];
  const missingClass = needed.find((k) => c.output_classes![k] === undefined);
  if (missingClass !== undefined) throw refusedKey(name, 'output_classes', `has no '${missingClass}' class, which the rules need`);
  const classes = c.output_classes as Record<string, number>;
  const missingBand = c.input_bands ? VEG_CLASS_BANDS.find((b) => !c.input_bands!.includes(b)) : undefined;
  if (missingBand !== undefined) throw refusedKey(name, 'input_bands', `must include ${missingBand}: the rules read it`);
  const s = {
    dem: c.dem_threshold ?? 6,
    mudflat: c.mudflat_threshold ?? 1000,
    saltpan: c.saltpan_threshold ?? 1500,
    water: c.water_threshold ?? 0.2,
    veg: c.veg_threshold ?? 2,
    // odc-stats: `threshold if threshold else 0.25`, so 0 is the default too.
    seasonality: c.water_seasonality_threshold || 0.25,
  };
  const resampling = c.resampling ?? 'bilinear';
  // odc-stats requires `measurements` and zips them with its two outputs; without, the older names.
  const names = c.measurements ?? ['classes_l3_l4', 'water_seasonality'];
  return {
    name,
    inputs: [...VEG_CLASS_BANDS, ...optional].map((band) => ({ name: band, resampling })),
    measurements: names.map((band) => ({ name: band, dtype: 'uint8', nodata: NODATA, overviewResampling: 'mode' })),
    quicklook: { kind: 'ramp', band: names[0]!, ramp: 'viridis' },
    productDefaults: { name: 'ga_ls_lccs_veg_class_a1', version: '0.0.1' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const l3 = new Uint8Array(pixels).fill(NODATA);
      const seasonality = new Uint8Array(pixels).fill(NODATA);
      const outputs = () => Object.fromEntries(names.map((band, k) => [band, [l3, seasonality][k]!]));
      if (!onlyDay(name, chunk)) return outputs();
      const band = (b: string): SampleArray => chunk.bands[b]![0]!;
      const [blue, green, red, frequency, vegFrequency, dem] = VEG_CLASS_BANDS.map(band) as [SampleArray, SampleArray, SampleArray, SampleArray, SampleArray, SampleArray];
      const blueNodata = chunk.nodata['nbart_blue'] ?? Number.NEGATIVE_INFINITY;
      // A canopy class of 1 up to its nodata is mangrove; any above 0 where it has none (or NaN).
      const canopyNodata = chunk.nodata['canopy_cover_class'] ?? Number.NaN;
      for (let p = 0; p < pixels; p++) {
        const si5 = blue[p]! > blueNodata ? Math.fround((blue[p]! * red[p]!) / green[p]!) : Number.NaN;
        const f = frequency[p]!;
        let cls = f >= s.water ? classes['water']! : 0;
        const bare = (si5 > s.mudflat && dem[p]! <= s.dem) || si5 > s.saltpan || vegFrequency[p]! < s.veg;
        if (bare && cls === 0) cls = classes['surface']!;
        for (const b of optional) {
          const v = band(b)[p]!;
          if (b === 'elevation') {
            // odc-stats tests for NaN only; the band's own nodata counts as missing here too.
            if (Number.isNaN(v) || v === chunk.nodata[b]) continue;
            cls = cls > 0 ? classes['intertidal']! : classes['aquatic_veg_herb']!;
          } else if (v > 0 && (v < canopyNodata || Number.isNaN(canopyNodata))) {
            cls = classes['aquatic_veg_wood']!;
          }
        }
        if (cls === 0) cls = classes['terrestrial_veg']!;
        l3[p] = Number.isNaN(si5) ? NODATA : cls;
        // Water seasonality: 0 never wet, 1 wet up to the threshold's share of the time, 2 more.
        if (Number.isNaN(f)) seasonality[p] = NODATA;
        else if (f > 0 && f <= s.seasonality) seasonality[p] = 1;
        else if (f > s.seasonality && f <= 1) seasonality[p] = 2;
        else seasonality[p] = f;
      }
      return outputs();
    },
  };
}

const demSchema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    input_bands: z.array(z.string()).min(1).nullable(),
    measurements: z.array(z.string()).min(1).nullable(),
    resampling: RESAMPLING,
  })
  .partial();

export function demInStatsPlugin(config: Record<string, unknown>): StatsPlugin {
  const name = 'dem_in_stats';
  const c = parsePluginConfig(name, demSchema, config);
  checkBasePluginKeys(name, c);
  const inputBands = c.input_bands;
  if (!inputBands) throw missingPluginKey(name, 'input_bands', 'the DEM bands to pass through, as [dem_h]');
  const outputs = c.measurements ?? inputBands;
  if (outputs.length !== inputBands.length) throw refusedKey(name, 'measurements', `names ${outputs.length} bands for ${inputBands.length} input_bands: one output a band`);
  const resampling = c.resampling ?? 'bilinear';
  return {
    name,
    inputs: inputBands.map((band) => ({ name: band, resampling })),
    measurements: outputs.map((band) => ({ name: band, dtype: 'float32', nodata: Number.NaN, overviewResampling: 'average' })),
    quicklook: { kind: 'ramp', band: outputs[0]!, ramp: 'greys' },
    productDefaults: { name: 'ga_ls_lccs_(ni)dem', version: '0.0.1' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const out: Record<string, SampleArray> = {};
      const any = onlyDay(name, chunk);
      inputBands.forEach((band, b) => {
        const values = new Float32Array(pixels).fill(Number.NaN);
        if (any) {
          const input = chunk.bands[band]![0]!;
          const nodata = chunk.nodata[band] ?? null;
          // odc-stats keeps values above nodata only; a NaN or absent nodata keeps all but NaN here.
          const keep = nodata === null || Number.isNaN(nodata) ? (v: number) => !Number.isNaN(v) : (v: number) => v > nodata;
          for (let p = 0; p < pixels; p++) if (keep(input[p]!)) values[p] = input[p]!;
        }
        out[outputs[b]!] = values;
      });
      return out;
    },
  };
}
