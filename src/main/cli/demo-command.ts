import path from 'node:path';
import { Command } from 'commander';
import { saveTasks } from '../planner/save-tasks.js';
import { SAMPLE_COLLECTION, writeSampleCatalog } from '../sample/sample-catalog.js';
import { runInterruptibly, type CliIo } from './run-command.js';
import { formatSummary } from './save-tasks-command.js';

export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description('Generate the embedded sample Sentinel-2 catalogue and plan it on africa-10 (no cloud account needed)')
    .argument('[FOLDER]', 'where to write the sample catalogue and outputs', 'demo-output')
    .action(async (folder: string) => {
      const root = path.resolve(folder);
      const sample = await writeSampleCatalog(path.join(root, 'catalog'));
      io.out(`Sample catalogue: ${sample.catalogPath} (${sample.items.length} items of ${SAMPLE_COLLECTION})`);
      const result = await runInterruptibly(io, (signal) =>
        saveTasks(
          {
            catalog: sample.catalogPath,
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
      io.out(formatSummary(result));
    });
}
