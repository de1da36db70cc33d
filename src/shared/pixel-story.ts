/**
 * A pixel's story: every observation of a task's period at one pixel of its tile, what the
 * plugin's masking made of each, and the outputs the plugin computes from them — read through
 * the run's own loading, masking and reduction.
 */

/**
 * What became of one observation of the pixel:
 * - `clear`: used;
 * - `nodata`: missing (the mask's nodata classes or bits, or a band without data);
 * - `cloud`: the pixel's own class (or bits) is one of the cloud classes, and the filters kept it;
 * - `filtered`: not a cloud class itself, masked by the filters (a dilation or closing of cloud nearby);
 * - `not-contiguous`: some band lacks data (the contiguity band);
 * - `invalid`: a value the plugin refuses (a reflectance at or below 0).
 */
export type ObservationOutcome = 'clear' | 'nodata' | 'cloud' | 'filtered' | 'not-contiguous' | 'invalid';

export interface ObservationVerdict {
  outcome: ObservationOutcome;
  /** Why, in words: the mask band's value and class, the filters, the band without data. */
  detail: string;
}

export interface PixelObservation {
  /** The solar day, YYYY-MM-DD. */
  day: string;
  /** The datasets fused into this day's observation of the pixel. */
  datasets: string[];
  /** Each band the plugin reads, at the pixel, as read (before scaling); null where it has no data. */
  values: Record<string, number | null>;
  /** Absent where the plugin does not say how it masks. */
  verdict?: ObservationVerdict;
}

export interface PixelStory {
  /** The task: `PERIOD/X/Y`. */
  task: string;
  plugin: string;
  /** The pixel in the tile, and its centre. */
  col: number;
  row: number;
  lon: number;
  lat: number;
  observations: PixelObservation[];
  /** Each output band at the pixel, as the run computes it from these observations; null where nodata. */
  outputs: Record<string, number | null>;
  /** Reflectance = value × scale + offset, for a plugin that scales its bands so. */
  scaling?: { scale: number; offset: number };
}

export interface PixelStoryRequest {
  /** Task cache path. */
  cache: string;
  /** The run config's YAML as edited: the story is told with its plugin and masking. */
  configYaml: string;
  lon: number;
  lat: number;
  /** The period of the task, where the cache has several; default: the first. */
  period?: string;
}

/**
 * One input observation of a task as the map shows it (PNG data URLs over `coordinates`); or,
 * without a day, the latest clear view: each pixel's latest observation the plugin would use.
 */
export interface ObservationView {
  task: string;
  /** Absent: the latest clear view. */
  day?: string;
  /** Every day of the task's observations, in order. */
  days: string[];
  /** Corners in lon/lat: top-left, top-right, bottom-right, bottom-left. */
  coordinates: [[number, number], [number, number], [number, number], [number, number]];
  /** The day's true colour, where the plugin reads red, green and blue. */
  rgb?: string;
  /** The mask band's missing and cloud classes as read, where the plugin masks with one. */
  classes?: string;
  /** Where the observation is not used after the filters. */
  masked?: string;
  /** Of the view's pixels, the share missing, of cloud classes, and not used after the filters. */
  shares?: { nodata: number; cloudClasses: number; masked: number };
  /** Of the latest clear view: the share of its pixels with a clear observation, and the days read (latest first) to fill them. */
  latest?: { clearShare: number; daysRead: number };
}

export interface ObservationViewRequest {
  cache: string;
  configYaml: string;
  /** The task, `PERIOD/X/Y`. */
  task: string;
  /** Absent: the latest clear view. */
  day?: string;
}
