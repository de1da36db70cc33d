import type { RunEstimate } from '../../shared/api.js';
import { isGeographicCrs } from '../../shared/crs.js';
import { parseGrid } from '../../shared/grid.js';
import type { RunConfig } from '../../shared/run-config.js';
import { parseTaskSelector, selectTasks } from '../../shared/task-id.js';
import { rasterAsset } from '../../shared/work-estimate.js';
import { isRasterAsset } from '../planner/plan-item.js';
import { estimateFleetWork } from '../publish/fleet-estimate.js';
import { openTaskCache } from './open-task-cache.js';
import { taskProcessCount } from './task-builder.js';

/**
 * What a local run of the selected tasks computes and about how long it takes: the fleet's
 * estimate (its pixel-observations at the run's output resolution, its rate per worker) shared
 * among the run's task processes; and, on a projected grid, the finest pixel of the inputs, so
 * that the app can warn of a run finer than its data.
 */
export async function estimateLocalRun(cacheUri: string, selectors: string[], config: RunConfig): Promise<RunEstimate> {
  const cache = await openTaskCache(cacheUri, { unsigned: config.aws_unsigned ?? false });
  try {
    const grid = parseGrid(cache.meta().grid);
    const rows = selectTasks(cache.tasks(), selectors.map(parseTaskSelector));
    let inputResolution: number | undefined;
    // Pixel sizes in degrees and in metres do not compare.
    for (const row of isGeographicCrs(grid.crs) ? [] : rows) {
      for (const { item } of cache.datasetsOf(row.taskId)) {
        for (const asset of Object.values(item.assets ?? {})) {
          if (!isRasterAsset(asset)) continue;
          const native = rasterAsset(asset, item).nativeResolution;
          if (native !== undefined && (inputResolution === undefined || native < inputResolution)) inputResolution = native;
        }
      }
    }
    const work = estimateFleetWork(grid, rows, config.resolution);
    return {
      tasks: rows.length,
      outputResolution: config.resolution ?? grid.resolution,
      ...(inputResolution !== undefined && { inputResolution }),
      pixelObservations: work.pixelObservations,
      seconds: (work.workerHours * 3600) / taskProcessCount(config.threads, rows.length),
    };
  } finally {
    cache.close();
  }
}
