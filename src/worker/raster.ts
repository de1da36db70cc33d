import type { GeoBox } from '../shared/geobox.js';

/** The typed arrays that hold raster samples, row-major, `width × height` per band. */
export type SampleArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export type SampleType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

/** One band on a geobox. `nodata` marks missing samples (NaN always does for floats). */
export interface Raster<T extends SampleArray = SampleArray> {
  geobox: GeoBox;
  data: T;
  nodata: number | null;
}

interface SampleArrayConstructor {
  new (length: number): SampleArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): SampleArray;
  readonly BYTES_PER_ELEMENT: number;
}

const ARRAYS: Record<SampleType, SampleArrayConstructor> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

export function bytesPerSample(type: SampleType): number {
  return ARRAYS[type].BYTES_PER_ELEMENT;
}

export function newSampleArray(type: SampleType, length: number): SampleArray {
  return new ARRAYS[type](length);
}

/** `length` samples of `type` in `buffer` from `byteOffset` on (a multiple of the type's size). */
export function sampleArrayOn(type: SampleType, buffer: ArrayBufferLike, byteOffset: number, length: number): SampleArray {
  return new ARRAYS[type](buffer, byteOffset, length);
}

export function sampleTypeOf(a: SampleArray): SampleType {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}
