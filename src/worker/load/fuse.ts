/** Fusing the observations of one solar day (e.g. adjacent scenes of one pass) into one raster. */
import type { Raster, SampleArray } from '../raster.js';
import { sampleTypeOf } from '../raster.js';

/**
 * One raster from several on the same pixel grid: each pixel from the first raster, in the
 * given order, where it is valid (not its nodata, not NaN). The result takes the first raster's
 * geobox and nodata; pixels valid nowhere keep the first raster's value.
 */
export function fuseSameDay(rasters: Raster[]): Raster {
  const [first, ...rest] = rasters;
  if (!first) throw new Error('fuseSameDay needs at least one raster');
  const type = sampleTypeOf(first.data);
  for (const raster of rest) {
    if (raster.data.length !== first.data.length || sampleTypeOf(raster.data) !== type) {
      throw new Error('fuseSameDay needs rasters of one size and sample type');
    }
  }
  const data = first.data.slice() as SampleArray;
  // A mask rather than a test of the result's values: a later raster's valid value may equal
  // the first raster's nodata.
  const missing = new Uint8Array(data.length);
  const missingInFirst = isMissing(first.nodata);
  let remaining = 0;
  for (let i = 0; i < data.length; i++) {
    if (missingInFirst(data[i]!)) {
      missing[i] = 1;
      remaining++;
    }
  }
  for (const raster of rest) {
    if (remaining === 0) break;
    const missingHere = isMissing(raster.nodata);
    const values = raster.data;
    for (let i = 0; i < data.length; i++) {
      if (missing[i] === 1 && !missingHere(values[i]!)) {
        data[i] = values[i]!;
        missing[i] = 0;
        remaining--;
      }
    }
  }
  return { geobox: first.geobox, data, nodata: first.nodata };
}

function isMissing(nodata: number | null): (value: number) => boolean {
  if (nodata === null || Number.isNaN(nodata)) return (value) => value !== value;
  return (value) => value !== value || value === nodata;
}
