import { Command, Option } from 'commander';
import { UserError } from '../../shared/errors.js';
import { runInterruptibly, type CliIo } from './cli-io.js';
import { generateMosaic } from './generate-mosaic.js';

interface GenerateMosaicFlags {
  bands: string;
  resampling: 'nearest' | 'average' | 'mode';
  resolution: string;
  awsUnsigned?: boolean;
  verbose?: boolean;
}

export function generateMosaicCommand(io: CliIo): Command {
  return new Command('generate-mosaic')
    .description("One low-resolution COG of a run's outputs (their STAC items), a continental overview")
    .argument('<INPUT_GLOB>', 'STAC item files of one period, a glob (local or s3://, e.g. "out/*/*/2021--P1Y/*.stac-item.json") or a folder')
    .argument('<OUTPUT>', 'the COG to write; with several bands, one a band: OUTPUT_STEM_BAND.tif')
    .requiredOption('--bands <NAMES>', 'the bands, comma-separated')
    .addOption(new Option('--resampling <METHOD>', "how the mosaic COG's overviews are made").choices(['nearest', 'average', 'mode']).default('average'))
    .option('--resolution <SIZE>', "pixel size in the items' CRS units", '120')
    .option('--aws-unsigned', 'read s3:// items without credentials (public buckets)')
    .option('-v, --verbose', 'say what is read and written')
    .action(async (input: string, output: string, flags: GenerateMosaicFlags) => {
      const bands = flags.bands.split(',').map((band) => band.trim()).filter((band) => band !== '');
      if (bands.length === 0) throw new UserError('--bands names no band: give them comma-separated, e.g. red,green,blue');
      const resolution = Number(flags.resolution);
      if (flags.verbose) io.out(`Preparing mosaics from: '${input}'`);
      const result = await runInterruptibly(io, (signal) =>
        generateMosaic({ input, output, bands, resolution, resampling: flags.resampling, unsigned: flags.awsUnsigned ?? false, signal }),
      );
      const { width, height, crs, affine } = result.geobox;
      io.out(`Mosaic of ${result.items} items, ${width} × ${height} pixels of ${affine[0]} in ${crs}:`);
      for (const { band, file } of result.files) io.out(`  ${band}: ${file}`);
    });
}
