/**
 * Which observations of a chunk a plugin may use, as the geomedian plugins decide it and the
 * `reduce` plugin reuses it: a mask band read as classes (SCL, fmask) or as QA_PIXEL bits, its
 * missing and cloud pixels, cloud cleaned with morphology, and optionally a contiguity band.
 */
import type { ObservationVerdict } from '../../shared/pixel-story.js';
import { cloudMaskReach, cloudMaskStages, isPerClassFilters, parseCloudFilters, type CloudMaskPart, type CloudMaskStage } from '../masking/cloud-filters.js';
import { bitMask, CONTIGUOUS, enumMask } from '../masking/flags.js';
import { filtersReach, maskCleanup, type MaskFilter } from '../masking/morphology.js';
import type { SampleArray } from '../raster.js';
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
  /** For `enum` masks: the name of a class, where its scheme names it (SCL, fmask). */
  className?: (code: number) => string | undefined;
}

/** Pixels of margin the mask's cloud filters need around a chunk. */
export function observationMaskReach(m: ObservationMask): number {
  return m.maskKind === 'enum' ? cloudMaskReach(m.cloudParts) : filtersReach(m.cloudFilters);
}

/** One observation's mask, stage by stage: missing pixels, each cloud part before and after its filters, the contiguity band. */
export interface MaskStages {
  missing: Uint8Array;
  cloud: CloudMaskStage[];
  contiguity?: SampleArray;
}

export function maskStages(chunk: ObservationChunk, t: number, m: ObservationMask): MaskStages {
  const { width, height } = chunk.geobox;
  const mask = chunk.bands[m.maskBand]![t]!;
  const contiguity = m.contiguityBand ? chunk.bands[m.contiguityBand]![t]! : undefined;
  if (m.maskKind === 'enum') {
    return { missing: enumMask(mask, m.nodataClasses), cloud: cloudMaskStages(mask, width, height, m.cloudParts), ...(contiguity && { contiguity }) };
  }
  const classes = bitMask(mask, m.cloudBits);
  const cleaned = m.cloudFilters.length > 0 ? maskCleanup(classes, width, height, m.cloudFilters) : classes;
  return { missing: bitMask(mask, m.nodataBits), cloud: [{ part: { classes: m.cloudBits, filters: m.cloudFilters }, classes, cleaned }], ...(contiguity && { contiguity }) };
}

/** 1 where observation t of the chunk may be used: not missing, not cloud (after cleaning), contiguous. */
export function usableObservations(chunk: ObservationChunk, t: number, m: ObservationMask): Uint8Array {
  const stages = maskStages(chunk, t, m);
  const usable = new Uint8Array(stages.missing.length);
  for (let p = 0; p < usable.length; p++) usable[p] = stages.missing[p] || cloudOrNotContiguous(stages, p) ? 0 : 1;
  return usable;
}

/** Whether the stages leave pixel p out as cloud (after its filters) or as not contiguous; missing pixels aside. */
export function cloudOrNotContiguous({ cloud, contiguity }: MaskStages, p: number): boolean {
  if (contiguity !== undefined && contiguity[p] !== CONTIGUOUS) return true;
  for (const stage of cloud) if (stage.cleaned[p] === 1) return true;
  return false;
}

/** Why observation t of the chunk is used at `pixel` or not, by the same stages as `usableObservations`. */
export function explainObservation(chunk: ObservationChunk, t: number, m: ObservationMask, pixel: number): ObservationVerdict {
  const { missing, cloud, contiguity } = maskStages(chunk, t, m);
  const value = chunk.bands[m.maskBand]![t]![pixel]!;
  const reading = `${m.maskBand} ${value}${m.maskKind === 'enum' ? classLabel(m, value) : ''}`;
  const cloudOf = (part: CloudMaskPart) =>
    m.maskKind === 'enum' ? part.classes.map((code) => `${code}${classLabel(m, code)}`).join(', ') : `bits ${part.classes.join(', ')}`;
  if (missing[pixel]) return { outcome: 'nodata', detail: `${reading}: ${m.maskKind === 'enum' ? 'a nodata class' : 'a nodata bit is set'}` };
  const masking = cloud.find((stage) => stage.cleaned[pixel]);
  if (masking?.classes[pixel]) {
    const kept = masking.part.filters.length > 0 ? `, kept by ${filtersText(masking.part.filters)}` : '';
    return { outcome: 'cloud', detail: `${reading}: cloud (${cloudOf(masking.part)})${kept}` };
  }
  if (masking) return { outcome: 'filtered', detail: `${reading} is not cloud; masked by ${filtersText(masking.part.filters)} of cloud (${cloudOf(masking.part)}) nearby` };
  if (contiguity && contiguity[pixel] !== CONTIGUOUS) {
    return { outcome: 'not-contiguous', detail: `${m.contiguityBand} ${contiguity[pixel]}: not every band has data` };
  }
  const removed = cloud.find((stage) => stage.classes[pixel]);
  if (removed) return { outcome: 'clear', detail: `${reading}: cloud (${cloudOf(removed.part)}), but removed by ${filtersText(removed.part.filters)}` };
  return { outcome: 'clear', detail: reading };
}

function classLabel(m: ObservationMask, code: number): string {
  const name = m.className?.(code);
  return name === undefined ? '' : ` '${name}'`;
}

function filtersText(filters: readonly MaskFilter[]): string {
  return filters.map(([operation, radius]) => `${operation} ${radius}`).join(' then ');
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
