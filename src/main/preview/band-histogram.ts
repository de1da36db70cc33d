/**
 * The distribution of one output band's valid values, for the histogram beside a preview layer
 * and its stretches: equal-width bin counts from the lowest to the highest value (or one bin per
 * value for whole numbers of few values), and the 2nd and 98th percentiles the previews stretch
 * to by default.
 */
import type { BandHistogram } from '../../shared/api.js';
import type { GeoBox } from '../../shared/geobox.js';
import { loadBand } from '../../worker/load/load-band.js';
import { newSampleArray, sampleTypeOf, type Raster } from '../../worker/raster.js';
import { bandHref, itemGeoBox, type OutputItem } from './map-preview.js';

/** Longest side of the grid read: larger bands are read every k-th pixel (a 10 m tile is 9600 pixels across). */
const MAX_SIDE = 2048;

/** The histogram of `band` of an output, read on the item's own pixel grid; null when no pixel is valid. */
export async function bandHistogram(item: OutputItem, itemHref: string, band: string, bins: number): Promise<BandHistogram | null> {
  const raster = await loadBand(bandHref(item, itemHref, band), readGrid(itemGeoBox(item)), { resampling: 'nearest' });
  const histogram = histogramOf(raster, bins);
  return histogram && { band, ...histogram };
}

function readGrid(grid: GeoBox): GeoBox {
  const step = Math.ceil(Math.max(grid.width, grid.height) / MAX_SIDE);
  if (step === 1) return grid;
  const [a, b, c, d, e, f] = grid.affine;
  return { crs: grid.crs, affine: [a * step, b * step, c, d * step, e * step, f], width: Math.ceil(grid.width / step), height: Math.ceil(grid.height / step) };
}

/** Bin counts, extremes and 2nd/98th percentiles of a raster's samples, leaving out nodata and NaN. */
export function histogramOf(raster: Raster, bins: number): Omit<BandHistogram, 'band'> | null {
  const sorted = validSamples(raster).sort();
  const count = sorted.length;
  if (count === 0) return null;
  const min = sorted[0]!;
  const max = sorted[count - 1]!;
  // Whole numbers of fewer values than bins (counts, classes) get a bin each, centred on it.
  const perValue = max - min + 1 <= bins && sorted.every(Number.isInteger);
  const [from, to] = perValue ? [min - 0.5, max + 0.5] : [min, max];
  const binCount = perValue ? max - min + 1 : bins;
  const counts = new Array<number>(binCount).fill(0);
  const width = (to - from) / binCount;
  for (const value of sorted) {
    // The highest value closes the last bin; a band of one value fills the first.
    const bin = width === 0 ? 0 : Math.min(binCount - 1, Math.floor((value - from) / width));
    counts[bin]!++;
  }
  return { counts, from, to, min, max, p2: percentileOfSorted(sorted, 2), p98: percentileOfSorted(sorted, 98) };
}

function validSamples(raster: Raster): Float64Array {
  // Nodata compared as the band's type stores it (a float32 band holds -9999.9 rounded).
  const probe = newSampleArray(sampleTypeOf(raster.data), 1);
  if (raster.nodata !== null) probe[0] = raster.nodata;
  const nodata = raster.nodata === null ? null : probe[0]!;
  const valid = new Float64Array(raster.data.length);
  let count = 0;
  for (const value of raster.data) {
    if (value === value && value !== nodata) valid[count++] = value;
  }
  return valid.subarray(0, count);
}

/** numpy's default percentile: linear between the two nearest ranks. */
function percentileOfSorted(sorted: Float64Array, p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}
