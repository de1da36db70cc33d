import type { GeoBox } from '../../shared/geobox.js';
import type { ObservationVerdict } from '../../shared/pixel-story.js';
import type { ObservationMask } from './observation-mask.js';
import type { Resampling } from '../load/load-band.js';
import type { SampleArray, SampleType } from '../raster.js';

/** A band the plugin writes: one COG per band. */
export interface OutputBand {
  name: string;
  dtype: SampleType;
  nodata: number | null;
  /** How overviews of this band are made: classifications want `mode` or `nearest`. */
  overviewResampling?: 'nearest' | 'average' | 'mode';
}

/** A band the plugin reads from every dataset (a STAC asset key). */
interface InputBand {
  name: string;
  resampling: Resampling;
  /**
   * Whether the band is read over the chunk's halo too (the default). False for a band that
   * only the chunk's own pixels need — the reflectance a geomedian reduces, where only the mask
   * is filtered: its halo is not read (nor its neighbouring blocks decoded) and is left nodata
   * (0 where the band has no nodata), so the halo's pixels, which are dropped, reduce to nothing.
   */
  halo?: boolean;
}

/**
 * The observations of one chunk of a tile, one entry per solar day (datasets of the same day
 * fused, first valid pixel wins), each band as loaded: its source sample type, `nodata` marking
 * missing pixels.
 */
export interface ObservationChunk {
  geobox: GeoBox;
  days: string[];
  bands: Record<string, SampleArray[]>;
  nodata: Record<string, number | null>;
  /** For a plugin that predicts: its model's answers, one array of the chunk's pixels a day (see `predict`). */
  predictions?: Float32Array[];
}

type QuicklookSpec =
  | { kind: 'rgb'; bands: [string, string, string] }
  | { kind: 'ramp'; band: string; ramp: 'viridis' | 'magma' | 'greys' };

/**
 * A statistic computed per pixel over a task's time series. Plugins see typed arrays only:
 * loading, masking by nodata, fusing and writing happen around them.
 */
export interface StatsPlugin {
  readonly name: string;
  readonly inputs: readonly InputBand[];
  readonly measurements: readonly OutputBand[];
  readonly quicklook?: QuicklookSpec;
  /**
   * Pixels of margin the plugin needs around each chunk to compute its inner pixels as it would
   * on the whole tile (the reach of its morphological filters).
   */
  readonly halo?: number;
  /**
   * The output product's name and version (and short name and family) when the run config's
   * `product` does not say: odc-stats' NAME, SHORT_NAME, VERSION and PRODUCT_FAMILY.
   */
  readonly productDefaults?: { name: string; version: string; shortName?: string; productFamily?: string };
  /**
   * For a plugin whose outputs keep the type of its inputs (gm-generic): the plugin with its
   * measurements settled for the inputs' types, by band name, as the task's files have them. A
   * task asks for it before it writes anything.
   */
  withInputTypes?(types: Readonly<Record<string, InputType>>): StatsPlugin;
  /**
   * For a plugin that runs a model: the model's answers for the chunk, one array of its pixels a
   * day. A model runtime answers asynchronously, so they are awaited first and `reduce` finds
   * them in the chunk's `predictions`: chunks are reduced through `reduceChunk`.
   */
  predict?(chunk: ObservationChunk): Promise<Float32Array[]>;
  /** Output bands for the chunk, `width × height` each, in the measurements' dtypes. */
  reduce(chunk: ObservationChunk): Record<string, SampleArray>;
  /** Why each observation of the chunk is used at `pixel` or not, decided as `reduce` decides it; absent where the plugin does not say. */
  explain?(chunk: ObservationChunk, pixel: number): ObservationVerdict[];
  /** How the plugin decides which observations it uses, for a plugin that masks them with a mask band. */
  readonly observationMask?: ObservationMask;
  /** Reflectance = value × scale + offset of the bands it reads, for a plugin that scales them so. */
  readonly scaling?: { scale: number; offset: number };
}

/** An input band's sample type and nodata, as its files have them. */
export interface InputType {
  dtype: SampleType;
  nodata: number | null;
}

/** What a plugin module exports (by default, for external plugins): config in, plugin out. */
export type PluginFactory = (config: Record<string, unknown>) => StatsPlugin;

/** The chunk's output bands by the plugin, its model's predictions made first where it has one. */
export async function reduceChunk(plugin: StatsPlugin, chunk: ObservationChunk): Promise<Record<string, SampleArray>> {
  return plugin.reduce(plugin.predict ? { ...chunk, predictions: await plugin.predict(chunk) } : chunk);
}
