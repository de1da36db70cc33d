/**
 * Which observations of a chunk a plugin may use, as the geomedian plugins decide it and the
 * `reduce` plugin reuses it: a mask band read as classes (SCL, fmask) or as QA_PIXEL bits, its
 * missing and cloud pixels, cloud cleaned with morphology, and optionally a contiguity band.
 */
import { cloudMask, cloudMaskReach, isPerClassFilters, parseCloudFilters, type CloudMaskPart } from '../masking/cloud-filters.js';
import { bitMask, CONTIGUOUS, enumMask } from '../masking/flags.js';
import { filtersReach, maskCleanup, type MaskFilter } from '../masking/morphology.js';
import type { ObservationChunk } from './plugin.js';
import { eitherKey, refusedKey } from './plugin-config.js';

export interface ObservationMask {
  maskBand: string;
  /** Reads the mask band: which pixels are missing (no data) and which are cloud, before cleaning. */
  maskKind: 'enum' | 'qa-pixel';
  nodataClasses: number[];
  /** For `enum` masks: the cloud classes, each part cleaned with its own filters, OR-ed. */
  cloudParts: CloudMaskPart[];
  /** For `qa-pixel` masks: bits whose set value marks a pixel missing / cloudy. */
  nodataBits: number[];
  cloudBits: number[];
  contiguityBand?: string;
  /** For `qa-pixel` masks: the filters of the cloud bits' mask. */
  cloudFilters: MaskFilter[];
}

/** Pixels of margin the mask's cloud filters need around a chunk. */
export function observationMaskReach(m: ObservationMask): number {
  return m.maskKind === 'enum' ? cloudMaskReach(m.cloudParts) : filtersReach(m.cloudFilters);
}

/** 1 where observation t of the chunk may be used: not missing, not cloud (after cleaning), contiguous. */
export function usableObservations(chunk: ObservationChunk, t: number, m: ObservationMask): Uint8Array {
  const { width, height } = chunk.geobox;
  const mask = chunk.bands[m.maskBand]![t]!;
  const missing = m.maskKind === 'enum' ? enumMask(mask, m.nodataClasses) : bitMask(mask, m.nodataBits);
  let cloud: Uint8Array;
  if (m.maskKind === 'enum') cloud = cloudMask(mask, width, height, m.cloudParts);
  else {
    cloud = bitMask(mask, m.cloudBits);
    if (m.cloudFilters.length > 0) cloud = maskCleanup(cloud, width, height, m.cloudFilters);
  }
  const contiguity = m.contiguityBand ? chunk.bands[m.contiguityBand]![t]! : undefined;
  const usable = new Uint8Array(width * height);
  for (let p = 0; p < usable.length; p++) {
    usable[p] = missing[p] || cloud[p] || (contiguity !== undefined && contiguity[p] !== CONTIGUOUS) ? 0 : 1;
  }
  return usable;
}

/** The `plugin_config` keys an enum mask's cloud parts come from. */
interface CloudKeys {
  cloud_classes?: Array<string | number>;
  cloud_filters?: unknown;
  /** The older odc-stats name of `cloud_filters`, where a plugin takes it. */
  filters?: unknown;
}

/**
 * The cloud mask's parts of a config: `cloud_filters` (or its older name `filters`) as a list for
 * the union of the cloud classes or as a mapping of class to filters (then the mapping names the
 * cloud classes, and `cloud_classes` is refused); without either, the default classes and filters.
 */
export function enumCloudParts(
  plugin: string,
  c: CloudKeys,
  classNames: (names: ReadonlyArray<string | number>) => number[],
  defaults: { cloudClasses: Array<string | number>; cloudFilters: MaskFilter[] },
): CloudMaskPart[] {
  const filters = eitherKey(plugin, c, 'cloud_filters', 'filters');
  if (filters && isPerClassFilters(filters.value) && c.cloud_classes !== undefined) {
    throw refusedKey(plugin, 'cloud_classes', `cannot be given with ${filters.key} as a mapping: the mapping's keys are the cloud classes`);
  }
  const cloudClasses = c.cloud_classes ?? defaults.cloudClasses;
  if (!filters) return [{ classes: classNames(cloudClasses), filters: defaults.cloudFilters }];
  return parseCloudFilters(filters.value, `plugin_config.${filters.key}`, classNames, cloudClasses);
}
