import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { GRID_NAMES } from '../../shared/grid.js';
import type { CliIo } from './cli-io.js';
import { locateTiles, tilesCsv } from './locate-grids.js';

interface LocateGridsFlags {
  attrFilter?: string;
  verbose?: boolean;
}

export function locateGridsCommand(io: CliIo): Command {
  return new Command('locate-grids')
    .description('List the tiles of a grid that an extent covers, as a CSV of x,y lines (for --tiles)')
    .argument('<GRID>', `grid name (${GRID_NAMES.join(', ')}) or CRS;RES;SHAPE`)
    .argument('<EXTENT>', 'GeoJSON (a crs member reprojects it; a STAC item gives its footprint) or ESRI shapefile in longitude/latitude')
    .argument('[CSV_PATH]', 'where to write the tiles (default: extent_grids.csv in the temporary folder, as odc-stats)')
    .option('--attr-filter <WHERE>', "keep the extent's features this OGR SQL WHERE clause selects, e.g. \"FEAT_CODE != 'sea'\"")
    .option('-v, --verbose', 'also print the tiles')
    .action(async (grid: string, extent: string, csvPath: string | undefined, flags: LocateGridsFlags) => {
      const located = locateTiles({ grid, extent, ...(flags.attrFilter !== undefined && { attrFilter: flags.attrFilter }) });
      const csv = tilesCsv(located.tiles);
      const file = csvPath ?? path.join(os.tmpdir(), 'extent_grids.csv');
      await fs.writeFile(file, csv);
      if (flags.verbose) io.out(csv.trimEnd());
      io.out(`${located.tiles.length} tiles of ${located.grid.name} cover ${extent}; saved to ${file}`);
    });
}
