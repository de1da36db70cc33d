/**
 * The field's own odc-stats configs (test-support/real-configs, copied verbatim; README there
 * names each one's source), each run as its operator would try it: `odc-stats run CACHE --config
 * FILE --location OUT --dryrun`. The outcome of each is written down here, by hand, from what
 * odc-stats does with it and what this program does not do yet: accepted with these warnings, or
 * refused in this one line. A change of outcome is a change of what an operator meets: update
 * the table and docs/compatibility.md together.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatConfigIssue } from '../../shared/config-issue.js';
import { readPlanConfig } from '../../shared/plan-config.js';
import { linesOf, runCli } from '../test-support/spawn-cli.js';
import { oneDatasetCache } from '../test-support/one-dataset-cache.js';

const CONFIGS = fileURLToPath(new URL('./test-support/real-configs/', import.meta.url));

const INTER_CLASS_OUTPUT = 'x10/y20/2021--P1Y/ga_ls_landcover_inter_class_cyear_3_x10y20_2021--P1Y_final.stac-item.json';

interface Expected {
  /** stderr, line by line; `file` is the config's path. */
  stderr: (file: string) => string[];
  /** Accepted: the STAC item its one task would write, below the output folder. Refused: absent. */
  output?: string;
  /** Accepted: the datasets the task keeps after the config's dataset_filters (the cache's one without). */
  datasets?: number;
}

const refusedDea = (error: string): Expected => ({ stderr: () => [error] });
/** A DEA config accepted without a word; its product writes DEA's `final` item for the task. */
const acceptedDea = (product: string): Expected => ({
  stderr: () => [],
  output: `x10/y20/2021--P1Y/${product}_x10y20_2021--P1Y_final.stac-item.json`,
});

/** Each config's outcome; a fixture missing here (or an entry without its fixture) fails the test. */
const EXPECTED: Record<string, Expected> = {
  // DEA production, dea-config prod/services/odc-stats.
  // dataset_filters (each sensor in its years) and transform_code EPSG:9688. The cache's one
  // dataset of 2021 names no platform: in 2021 they keep Landsat 8's alone, so the task keeps none.
  'dea-config/ga_ls_fc_pc_cyear_3.yaml': { ...acceptedDea('ga_ls_fc_pc_cyear_3'), datasets: 0 },
  'dea-config/ga_ls_fc_pc_fyear_3.yaml': { ...acceptedDea('ga_ls_fc_pc_fyear_3'), datasets: 0 },
  'dea-config/ga_ls_tc_pc_cyear_3.yaml': { ...acceptedDea('ga_ls_tc_pc_cyear_3'), datasets: 0 },
  // `dataset-filters` (a hyphen) is a key odc-stats ignores, as here with a warning.
  'dea-config/ga_ls_tc_pc_fyear_3.yaml': {
    stderr: (f) => [`odc-stats: warning: unknown key 'dataset-filters' in config ${f} is ignored (did you mean 'dataset_filters'?)`],
    output: 'x10/y20/2021--P1Y/ga_ls_tc_pc_fyear_3_x10y20_2021--P1Y_final.stac-item.json',
  },
  // transform_code EPSG:9688 and the whole world as area_of_interest: the GDA94 datum shift.
  'dea-config/ga_ls8cls9c_gm_cyear_3.yaml': acceptedDea('ga_ls8cls9c_gm_cyear_3'),
  'dea-config/ga_ls_wo_fq_apr_oct_3.yaml': acceptedDea('ga_ls_wo_fq_apr_oct_3'),
  'dea-config/ga_ls_wo_fq_nov_mar_3.yaml': acceptedDea('ga_ls_wo_fq_nov_mar_3'),
  'dea-config/ga_ls_wo_fq_cyear_3.yaml': acceptedDea('ga_ls_wo_fq_cyear_3'),
  'dea-config/ga_ls_wo_fq_fyear_3.yaml': acceptedDea('ga_ls_wo_fq_fyear_3'),
  'dea-config/ga_ls_wo_fq_myear_3.yaml': acceptedDea('ga_ls_wo_fq_myear_3'),
  // The shapefile is named relative to where the job runs ("needs to be overwritten", the config
  // says); odc-stats refuses both in its constructor too (FileNotFoundError, ValueError).
  'dea-config/ga_ls_mangrove_cover_cyear_3.yaml': refusedDea(
    "odc-stats: error: plugin_config of mangroves: key 'mangroves_extent' names maximum_extent_of_mangroves_Apr2019.shp, which is not found",
  ),
  'dea-config/ga_ls_mangrove_cover_fyear_3.yaml': refusedDea(
    "odc-stats: error: plugin_config of mangroves: key 'mangroves_extent' is required (the mangrove extent, a shapefile or GeoJSON file in the output CRS)",
  ),
  // Land cover: some of its plugins are built in (veg_count, veg_class_l1, dem_in_stats,
  // lccs_level3, lccs_level34), the others not yet.
  'dea-config/ga_ls5_landcover_inter_class_cyear_3.yaml': { stderr: () => [], output: INTER_CLASS_OUTPUT },
  'dea-config/ga_ls7_landcover_inter_class_cyear_3.yaml': { stderr: () => [], output: INTER_CLASS_OUTPUT },
  'dea-config/ga_ls8ls9_landcover_inter_class_cyear_3.yaml': { stderr: () => [], output: INTER_CLASS_OUTPUT },
  'dea-config/ga_ls_landcover_vwf_cyear_3.yaml': acceptedDea('ga_ls_landcover_vwf_cyear_3'),
  'dea-config/ga_ls_landcover_nidem_myear_2.yaml': acceptedDea('ga_ls_landcover_nidem_myear_2'),
  'dea-config/srtm_landcover_dem.yaml': acceptedDea('srtm_landcover_dem'),
  // Its class table and urban shapefile (zipped) are on S3, copied before the run: here the
  // endpoint answers nothing (lc-level34-run.test.ts runs the same names against moto).
  'dea-config/ga_ls_landcover_class_cyear_3.yaml': refusedDea(
    'odc-stats: error: plugin_config class_def_path: cannot reach S3 for s3://dea-public-data-dev/lccs_validation/c3/data_to_plot/lccs_colour_scheme_golden_dark_au_c3.csv (connection refused)',
  ),
  // Their models (compiled treelite, TensorFlow Lite) are named relative to where the job runs; odc-stats' constructor refuses a missing one too.
  'dea-config/ga_ls_landcover_artificial_surface_cyear_3.yaml': refusedDea(
    "odc-stats: error: plugin_config of urban_class: key 'model_path' names urban_model_tf_2_16_2.tflite, which is not found",
  ),
  'dea-config/ga_ls_landcover_cultivated_cyear_3.yaml': refusedDea("odc-stats: error: plugin_config of cultivated_class: key 'model_path' names cultivated_treelite.so, which is not found"),
  'dea-config/ga_ls_landcover_woody_cyear_3.yaml': refusedDea("odc-stats: error: plugin_config of woody_cover: key 'model_path' names woody_treelite.so, which is not found"),

  // odc-stats' own sample (DE Africa's Sentinel-2 pixel quality).
  'odc-stats-example-cfg.yaml': {
    stderr: () => [],
    output: 'x010/y020/2021--P1Y/pc_s2_annual_x010y020_2021--P1Y.stac-item.json',
  },
  // odc-stats' README sample, from 2021: `filters: [0, 0]` is odc-stats' first geomedian form, a
  // pair of radii (opening, then dilation; 0 skips), which odc-stats itself no longer reads.
  'odc-stats-readme-gm-ls.yaml': {
    stderr: () => [],
    output: 'x10/y20/2021--P1Y/ga_ls8c_nbart_gm_cyear_3_x10y20_2021--P1Y.stac-item.json',
  },
  // DE Africa's Sentinel-2 geomedian sample: its `overrides:` is empty (null), its `rgba:` (a
  // JPEG preview) a cog_opts key of its own.
  'odc-tools-readme-gm-s2-deafrica.yaml': {
    stderr: () => [],
    output: 'x010/y020/2021--P1Y/gm_s2_annual_x010y020_2021--P1Y.stac-item.json',
  },
};

function fixtures(): string[] {
  const top = readdirSync(CONFIGS).filter((name) => name.endsWith('.yaml'));
  const dea = readdirSync(path.join(CONFIGS, 'dea-config')).map((name) => `dea-config/${name}`);
  return [...dea, ...top].sort();
}

let dir: string;
let cache: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'real-configs-'));
  cache = await oneDatasetCache(dir);
});

describe('the field\u2019s odc-stats configs, unchanged, in run --dryrun', () => {
  it('has an expected outcome for each config held, and a config for each outcome', () => {
    expect(fixtures()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.concurrent.each(Object.entries(EXPECTED))('%s', async (name, expected) => {
    const file = path.join(CONFIGS, name);
    const out = path.join(dir, name.replaceAll('/', '_'));
    // Their output locations and inputs are on S3: an endpoint nothing answers at keeps any
    // attempt to reach it on this machine.
    const r = await runCli(['run', cache, '--config', file, '--location', out, '--dryrun'], {
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' },
      timeoutMs: 120_000,
    });
    expect(linesOf(r.stderr)).toEqual(expected.stderr(file));
    if (expected.output === undefined) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
    } else {
      expect(r.code, r.stderr).toBe(0);
      const datasets = expected.datasets ?? 1;
      expect(linesOf(r.stdout)).toEqual([`2021--P1Y/10/20 days: ${datasets} datasets: ${datasets} output: ${out}/${expected.output} (new)`]);
    }
  });
});

/**
 * The same configs as `save-tasks --config` reads them: their planning keys, or the one line that
 * refuses them. Those not named here are read without a word.
 */
const PLAN_REFUSED: Record<string, string> = {};
const PLAN_WARNINGS: Record<string, string[]> = {
  'dea-config/ga_ls_tc_pc_fyear_3.yaml': ["unknown key 'dataset-filters' in config dea-config/ga_ls_tc_pc_fyear_3.yaml is ignored (did you mean 'dataset_filters'?)"],
};

describe('the same configs in save-tasks --config', () => {
  it.each(fixtures())('%s', (name) => {
    const text = readFileSync(path.join(CONFIGS, name), 'utf8');
    const refused = PLAN_REFUSED[name];
    if (refused !== undefined) {
      expect(() => readPlanConfig(text, name)).toThrow(refused);
      return;
    }
    const { warnings } = readPlanConfig(text, name);
    expect(warnings.map((issue) => formatConfigIssue(issue, `config ${name}`))).toEqual(PLAN_WARNINGS[name] ?? []);
  });

  it('prints its warning as a line of its own, and refuses it with --strict', async () => {
    const file = path.join(CONFIGS, 'dea-config/ga_ls_tc_pc_fyear_3.yaml');
    const args = ['save-tasks', '--config', file, '--catalog', path.join(dir, 'items.ndjson'), '--year', '2021', path.join(dir, 'tc.db')];
    const warned = await runCli(args);
    expect(warned.code).toBe(1);
    expect(linesOf(warned.stderr)).toEqual([
      `odc-stats: warning: unknown key 'dataset-filters' in config ${file} is ignored (did you mean 'dataset_filters'?)`,
      `odc-stats: error: no datasets found in ${path.join(dir, 'items.ndjson')} for products ga_ls5t_ard_3, ga_ls7e_ard_3, ga_ls8c_ard_3, in 2021--P1Y (0 items read)`,
    ]);
    const strict = await runCli([...args, '--strict']);
    expect([strict.code, linesOf(strict.stderr)]).toEqual([1, [`odc-stats: error: unknown key 'dataset-filters' in config ${file} (did you mean 'dataset_filters'?)`]]);
  });

  it('reads DEA\u2019s dataset_filter, a JSON string, and its gqa', () => {
    const name = 'dea-config/ga_ls8cls9c_gm_cyear_3.yaml';
    expect(readPlanConfig(readFileSync(path.join(CONFIGS, name), 'utf8'), name).config).toEqual({
      input_products: 'ga_ls8c_ard_3-ga_ls9c_ard_3',
      frequency: 'annual',
      grid: 'au_extended_30',
      aws_unsigned: true,
      dataset_filter: { dataset_maturity: 'final' },
      gqa: 1,
    });
  });
});
