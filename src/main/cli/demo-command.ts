import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { CommandFailed } from './exit-codes.js';
import { Command } from 'commander';
import { mergeRunConfig, parseRunConfig, parseRunSettings } from '../../shared/run-config.js';
import { saveTasks } from '../planner/save-tasks.js';
import { spawnNodeTaskProcess } from '../run/task-process-node.js';
import { runTasks, type RunSummary } from '../run/run-tasks.js';
import { presetFor } from '../../shared/plugin-presets.js';
import { FRACTIONAL_COVER_COLLECTION, LANDSAT_ARD_COLLECTION, LANDSAT_LAYOUT, WATER_OBSERVATIONS_COLLECTION } from '../sample/landsat-sample.js';
import { SAMPLE_COLLECTION, SAMPLE_PIXEL_METRES, writeSampleCatalog } from '../sample/sample-catalog.js';
import type { CliIo } from './cli-io.js';
import { runInterruptibly } from './cli-io.js';
import { formatRunSummary, numberIfNumeric } from './run-tasks-command.js';
import { formatSummary } from './save-tasks-command.js';

/** The plugins the demo runs, with the configs a user would write for them. */
const DEMO_RUNS = [
  { plugin: 'pq', config: "plugin: pq\nproduct: {name: s2_pq_demo, short_name: pq, version: 1.0.0, region_code_format: 'x{x:03d}y{y:03d}'}\n" },
  {
    plugin: 'gm-s2',
    config: [
      'plugin: gm-s2',
      '# the sample has six reflectance bands, not the ten of real Sentinel-2 L2A',
      'plugin_config: {bands: [B02, B03, B04, B08, B11, B12]}',
      "product: {name: s2_gm_demo, short_name: gm, version: 1.0.0, region_code_format: 'x{x:03d}y{y:03d}'}",
      '',
    ].join('\n'),
  },
];

/** The grid whose tiles are the synthetic Landsat scenes, pixel for pixel. */
const LANDSAT_GRID = `EPSG:32737;${LANDSAT_LAYOUT.pixelMetres};${LANDSAT_LAYOUT.pixels}`;
/** A year of the sample's first scene, every 16 days from January to June: enough observations for percentiles, quick to make. */
const LANDSAT_CHOICE = { dates: 10, scenes: [Object.keys(LANDSAT_LAYOUT.scenes)[0]!] };

/** DEA's Landsat products, each from the presets of the app, on the synthetic collections it reads. */
const LANDSAT_RUNS = [
  { plugin: 'wofs-summary', inputProducts: WATER_OBSERVATIONS_COLLECTION },
  { plugin: 'fc-percentiles', inputProducts: `${FRACTIONAL_COVER_COLLECTION}+${WATER_OBSERVATIONS_COLLECTION}` },
  { plugin: 'tcw-percentiles', inputProducts: LANDSAT_ARD_COLLECTION },
];

export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description(
      'The whole workflow on the embedded sample (no cloud account): generate a synthetic Sentinel-2 catalogue, plan it on africa-10, run pq and gm-s2; then synthetic DEA Landsat collections: WOfS summary, FC and tasselled-cap percentiles, and mangrove cover from the last two',
    )
    .argument('[FOLDER]', 'where to write the sample catalogue and outputs', 'demo-output')
    .option('--threads <N>', 'worker processes (and threads writing the sample)', '2')
    .action(async (folder: string, flags: { threads: string }) => {
      const { threads } = parseRunSettings({ threads: numberIfNumeric(flags.threads) }, () => '--threads');
      const root = path.resolve(folder);
      const catalogRoot = path.join(root, 'catalog');
      let catalogPath = path.join(catalogRoot, 'catalog.json');
      if (existsSync(catalogPath)) io.out(`Sample catalogue: ${catalogPath} (already there)`);
      else {
        const sample = await writeSampleCatalog(catalogRoot, { threads, onItem: (done, total) => io.progress(`writing sample COGs: ${done}/${total} items`) });
        io.progress('');
        catalogPath = sample.catalogPath;
        io.out(`Sample catalogue: ${catalogPath} (${sample.items.length} items of ${SAMPLE_COLLECTION}, COGs of 120 m pixels)`);
      }
      const plan = await runInterruptibly(io, (signal) =>
        saveTasks(
          {
            catalog: catalogPath,
            inputProducts: [SAMPLE_COLLECTION],
            grid: 'africa-10',
            frequency: 'annual',
            year: 2021,
            output: path.join(root, `${SAMPLE_COLLECTION}_2021--P1Y.db`),
            overwrite: true,
          },
          { signal },
        ),
      );
      io.out(formatSummary(plan));
      const outputs = path.join(root, 'outputs');
      const run = async (plan: string, tasks: number, plugin: string, yaml: string, resolution?: number): Promise<void> => {
        io.out(`\nRunning ${plugin} on ${tasks} tasks${resolution === undefined ? '' : ` at ${resolution} m (the sample's pixel size; africa-10 would be 10 m)`}:`);
        const config = mergeRunConfig(parseRunConfig(yaml, `demo ${plugin}`), {
          output_location: path.join(outputs, '{product}', '{version}'),
          ...(resolution !== undefined && { resolution }),
          ...(threads !== undefined && { threads }),
          overwrite: true,
        });
        const summary = (await runInterruptibly(io, (signal) =>
          runTasks({ cache: plan, selectors: [], config }, spawnNodeTaskProcess, {
            signal,
            events: {
              onProgress: (task, p) => io.progress(`${task}: ${p.stage} ${p.done}/${p.total}`),
              onResult: (r) => {
                io.progress('');
                io.out(r.status === 'failed' ? `  ${r.key}: failed: ${r.error}` : `  ${r.key}: ${r.status} in ${r.outcome.seconds.toFixed(1)} s → ${r.outcome.stacItem}`);
              },
            },
          }),
        )) as RunSummary;
        io.out(formatRunSummary(summary));
        if (summary.failed.length > 0) throw new CommandFailed('a demo task failed');
      };
      for (const demo of DEMO_RUNS) await run(plan.db, plan.counts.tasks, demo.plugin, demo.config, SAMPLE_PIXEL_METRES);

      io.out('\nSynthetic DEA Landsat collections (analysis ready data, water observations, fractional cover):');
      const landsatRoot = path.join(root, 'landsat-catalog');
      const landsat = await writeSampleCatalog(landsatRoot, {
        collections: [LANDSAT_ARD_COLLECTION, WATER_OBSERVATIONS_COLLECTION, FRACTIONAL_COVER_COLLECTION],
        landsat: LANDSAT_CHOICE,
        onItem: (done, total) => io.progress(`writing Landsat COGs: ${done}/${total} items`),
      });
      io.progress('');
      const planLandsat = async (name: string, inputProducts: string, catalog?: string) => {
        const planned = await runInterruptibly(io, (signal) =>
          saveTasks(
            { catalog: catalog ?? '', inputProducts: [inputProducts], grid: LANDSAT_GRID, frequency: 'annual', year: 2021, output: path.join(root, `${name}.db`), overwrite: true },
            { signal },
          ),
        );
        io.out(formatSummary(planned));
        return planned;
      };
      for (const demo of LANDSAT_RUNS) {
        const planned = await planLandsat(demo.plugin, demo.inputProducts, landsat.catalogPath);
        await run(planned.db, planned.counts.tasks, demo.plugin, presetFor(demo.plugin)!.yaml);
      }
      // Mangroves read both percentile products of a year, fused tile by tile, from their output folders.
      const extent = path.join(root, 'mangrove-extent.geojson');
      await fs.writeFile(extent, JSON.stringify(demoMangroveExtent()));
      const percentiles = [presetProductName('fc-percentiles'), presetProductName('tcw-percentiles')].map((product) => `${path.join(outputs, product)}/`);
      const mangrovePlan = await planLandsat('mangroves', percentiles.join('+'));
      await run(mangrovePlan.db, mangrovePlan.counts.tasks, 'mangroves', ['plugin: mangroves', 'plugin_config:', `  mangroves_extent: ${extent}`, "product: {name: ls_mangrove_cover_demo, short_name: mangroves, version: 1.0.0}", ''].join('\n'));

      io.out(`\nOutputs (COGs, STAC items, PNG quicklooks): ${outputs}`);
    });
}

/** The name of the product a preset writes (its `product.name`). */
function presetProductName(plugin: string): string {
  return parseRunConfig(presetFor(plugin)!.yaml, plugin).product!.name!;
}

/**
 * A stand-in for a mapped mangrove extent: the western third of the synthetic scenes, in the
 * scenes' CRS (odc-stats burns the extent's coordinates as the output CRS's).
 */
function demoMangroveExtent(): object {
  const scenes = Object.values(LANDSAT_LAYOUT.scenes);
  const side = LANDSAT_LAYOUT.pixels * LANDSAT_LAYOUT.pixelMetres;
  const west = Math.min(...scenes.map((s) => s.west));
  const north = Math.max(...scenes.map((s) => s.north));
  const south = Math.min(...scenes.map((s) => s.north)) - side;
  const east = west + Math.round(LANDSAT_LAYOUT.pixels / 3) * LANDSAT_LAYOUT.pixelMetres;
  const ring = [[west, south], [east, south], [east, north], [west, north], [west, south]];
  return { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'demo mangrove extent' }, geometry: { type: 'Polygon', coordinates: [ring] } }] };
}
