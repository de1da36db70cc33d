/**
 * Land cover module A3 (odc-stats `lc_veg_bare_water_a3.py`, StatsVegDryClassA3, registered
 * `lc_a3`): level 4 codes of vegetation cover (from the FC percentiles' median pv), bare
 * gradation (median bs), water persistence (A0's water_frequency) and the level 3 classes.
 */
import { z } from 'zod';
import { UserError } from '../../shared/errors.js';
import type { SampleArray } from '../raster.js';
import type { ObservationChunk, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, parsePluginConfig, refusedKey } from './plugin-config.js';

const NAME = 'lc_a3';
const NODATA = 255;
const BANDS = ['pv_pc_50', 'bs_pc_50', 'water_frequency', 'level3_class'];
const OUTPUTS = ['canopyco_veg_con', 'baregrad_phy_con', 'waterper_wat_cin', 'level3'];

/**
 * The recodings odc-stats applies last, each in order (a value recoded is tested against the
 * later entries too). The class sets them itself: the config keys of the same names are read
 * and ignored.
 */
const VEG_CODES: ReadonlyArray<[number, number]> = [[160, 16], [150, 15], [130, 13], [120, 12], [100, 10]];
const BARE_CODES: ReadonlyArray<[number, number]> = [[100, 10], [120, 12], [150, 15]];
const WATER_CODES: ReadonlyArray<[number, number]> = [[100, 1], [70, 7], [80, 8], [90, 9]];
const LEVEL3_CODES: ReadonlyArray<[number, number]> = [[111, 1], [112, 19], [124, 55], [215, 93], [216, 94], [220, 98], [223, 3]];

const schema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    veg_threshold: z.array(z.number()).min(6).nullable(),
    bare_threshold: z.array(z.number()).min(2).nullable(),
    watper_threshold: z.array(z.number()).min(4).nullable(),
    veg_mapping: z.record(z.string(), z.number()).nullable(),
    bs_mapping: z.record(z.string(), z.number()).nullable(),
    waterper_wat_mapping: z.record(z.string(), z.number()).nullable(),
    l3_to_l4_mapping: z.record(z.string(), z.number()).nullable(),
    input_bands: z.array(z.string()).nullable(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
  })
  .partial();

/** One step of a rule: where `when` holds for the running value, it becomes `to`. */
type Step = { when: (v: number) => boolean; to: number };

export function lcA3Plugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, schema, config);
  checkBasePluginKeys(NAME, c);
  const missing = c.input_bands ? BANDS.find((b) => !c.input_bands!.includes(b)) : undefined;
  if (missing !== undefined) throw refusedKey(NAME, 'input_bands', `must include ${missing}: the rules read it`);
  const v = c.veg_threshold ?? [1, 4, 15, 40, 65, 100];
  const b = c.bare_threshold ?? [20, 60];
  const w = c.watper_threshold ?? [1, 4, 7, 10];
  const within = (lo: number, hi: number) => (x: number) => x >= lo && x < hi;
  const vegSteps: Step[] = [
    { when: (x) => x < v[0]!, to: 0 },
    { when: (x) => x > 100 && x !== NODATA, to: 100 },
    { when: within(v[0]!, v[1]!), to: 160 },
    { when: within(v[1]!, v[2]!), to: 150 },
    { when: within(v[2]!, v[3]!), to: 130 },
    { when: within(v[3]!, v[4]!), to: 120 },
    { when: within(v[4]!, v[5]!), to: 100 },
  ];
  const bareSteps: Step[] = [
    { when: (x) => x > 100 && x !== NODATA, to: 100 },
    { when: (x) => x >= b[1]! && x !== NODATA, to: 150 },
    { when: within(b[0]!, b[1]!), to: 120 },
    { when: (x) => x < b[0]!, to: 100 },
  ];
  const waterSteps: Step[] = [
    { when: (x) => x >= w[3]! && x !== NODATA, to: 100 },
    { when: within(w[2]!, w[3]!), to: 70 },
    { when: within(w[1]!, w[2]!), to: 80 },
    { when: within(w[0]!, w[1]!), to: 90 },
    // odc-stats compares with 1 here, not with the first threshold.
    { when: (x) => x < 1, to: 0 },
  ];
  const resampling = c.resampling ?? 'bilinear';
  return {
    name: NAME,
    inputs: BANDS.map((band) => ({ name: band, resampling })),
    measurements: OUTPUTS.map((band) => ({ name: band, dtype: 'uint8', nodata: NODATA, overviewResampling: 'mode' })),
    quicklook: { kind: 'ramp', band: 'level3', ramp: 'viridis' },
    productDefaults: { name: 'ga_ls_lccs_veg_bare_class_a3', version: '0.0.1' },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const out = Object.fromEntries(OUTPUTS.map((band) => [band, new Uint8Array(pixels).fill(NODATA)]));
      if (chunk.days.length === 0) return out;
      if (chunk.days.length > 1) {
        throw new UserError(`${NAME} classes one year's products, and this task has ${chunk.days.length} days (${chunk.days.join(', ')}): plan it with one dataset a tile and period`);
      }
      const [pv, bs, water, level3] = BANDS.map((band) => chunk.bands[band]![0]!) as [SampleArray, SampleArray, SampleArray, SampleArray];
      const [vegOut, bareOut, waterOut, level3Out] = OUTPUTS.map((band) => out[band]!) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
      for (let p = 0; p < pixels; p++) {
        vegOut[p] = recode(run(asUint8(pv[p]!), vegSteps), VEG_CODES);
        bareOut[p] = recode(run(asUint8(bs[p]!), bareSteps), BARE_CODES);
        waterOut[p] = recode(run(Number.isNaN(water[p]!) ? NODATA : asUint8(water[p]!), waterSteps), WATER_CODES);
        level3Out[p] = recode(level3[p]!, LEVEL3_CODES);
      }
      return out;
    },
  };
}

/** A value as odc-stats' first uint8 step stores it (toward zero, wrapping). */
function asUint8(x: number): number {
  return Number.isNaN(x) ? 0 : ((Math.trunc(x) % 256) + 256) % 256;
}

function run(x: number, steps: readonly Step[]): number {
  let value = x;
  for (const step of steps) if (step.when(value)) value = step.to;
  return value;
}

function recode(x: number, codes: ReadonlyArray<[number, number]>): number {
  let value = x;
  for (const [from, to] of codes) if (value === from) value = to;
  return value;
}
