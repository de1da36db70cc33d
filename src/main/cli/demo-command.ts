import { existsSync } from 'node:fs';
import path from 'node:path';
import { CommandFailed } from './exit-codes.js';
import { Command } from 'commander';
import { mergeRunConfig, parseRunConfig, parseRunSettings } from '../../shared/run-config.js';
import { saveTasks } from '../planner/save-tasks.js';
import { spawnNodeTaskProcess } from '../run/task-process-node.js';
import { runTasks, type RunSummary } from '../run/run-tasks.js';
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

export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description('The whole workflow on the embedded sample (no cloud account): generate a synthetic Sentinel-2 catalogue, plan it on africa-10, run pq and gm-s2')
    .argument('[FOLDER]', 'where to write the sample catalogue and outputs', 'demo-output')
    .option('--threads <N>', 'worker processes', '2')
    .action(async (folder: string, flags: { threads: string }) => {
      const { threads } = parseRunSettings({ threads: numberIfNumeric(flags.threads) }, () => '--threads');
      const root = path.resolve(folder);
      const catalogRoot = path.join(root, 'catalog');
      let catalogPath = path.join(catalogRoot, 'catalog.json');
      if (existsSync(catalogPath)) io.out(`Sample catalogue: ${catalogPath} (already there)`);
      else {
        const sample = await writeSampleCatalog(catalogRoot, { onItem: (done, total) => io.progress(`writing sample COGs: ${done}/${total} items`) });
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
      const summaries: RunSummary[] = [];
      for (const run of DEMO_RUNS) {
        io.out(`\nRunning ${run.plugin} on ${plan.counts.tasks} tasks at ${SAMPLE_PIXEL_METRES} m (the sample's pixel size; africa-10 would be 10 m):`);
        const config = mergeRunConfig(parseRunConfig(run.config, `demo ${run.plugin}`), {
          output_location: path.join(root, 'outputs', '{product}', '{version}'),
          resolution: SAMPLE_PIXEL_METRES,
          ...(threads !== undefined && { threads }),
          overwrite: true,
        });
        const summary = (await runInterruptibly(io, (signal) =>
          runTasks({ cache: plan.db, selectors: [], config }, spawnNodeTaskProcess, {
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
        summaries.push(summary);
      }
      io.out(`\nOutputs (COGs, STAC items, PNG quicklooks): ${path.join(root, 'outputs')}`);
      if (summaries.some((s) => s.failed.length > 0)) throw new CommandFailed('a demo task failed');
    });
}
