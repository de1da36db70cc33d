/**
 * odc-stats' `cloud_filters` of the geomedian plugins, in both of its forms:
 *
 * - a list of morphology steps, `[[opening, 2], [dilation, 5]]`, applied to the union of the
 *   plugin's cloud classes (how this program and older odc-stats `filters` write it);
 * - a mapping from a class to its own steps, `{cloud: [[opening, 3], [dilation, 6]], shadow:
 *   [[dilation, 6]]}` (odc-stats `StatsGM`, as DEA's Landsat configs write it): each class is
 *   cleaned alone and the results are OR-ed. The mapping's keys are then the cloud classes.
 *
 * A class is a name of the mask band's scheme or an integer code (a YAML key `255:` included).
 */
import { UserError } from '../../shared/errors.js';
import { enumMask } from './flags.js';
import { filtersReach, maskCleanup, parseMaskFilters, type MaskFilter } from './morphology.js';

/** Pixels of some classes, cleaned with a chain of morphology steps (none: as they are). */
export interface CloudMaskPart {
  readonly classes: readonly number[];
  readonly filters: readonly MaskFilter[];
}

/** Codes of class names or integer codes of one mask band's scheme (sclClasses, fmaskClasses). */
type ClassCodes = (names: ReadonlyArray<string | number>) => number[];

/** Whether a `cloud_filters` value is in the mapping form. */
export function isPerClassFilters(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A `cloud_filters` value read into the parts of the cloud mask: the list form cleans the union
 * of `cloudClasses` with its steps; the mapping form cleans each of its classes with its own.
 * `key` names the value in errors (`plugin_config.cloud_filters`).
 */
export function parseCloudFilters(value: unknown, key: string, classCodes: ClassCodes, cloudClasses: ReadonlyArray<string | number>): CloudMaskPart[] {
  if (Array.isArray(value)) return [{ classes: classCodes(cloudClasses), filters: parseMaskFilters(value, key) }];
  if (!isPerClassFilters(value)) {
    throw new UserError(
      `${key}: expected a list of [operation, radius] steps such as [[opening, 2], [dilation, 5]], ` +
        `or a mapping of class to steps such as {cloud: [[opening, 3], [dilation, 6]], shadow: [[dilation, 6]]}`,
    );
  }
  return Object.entries(value).map(([name, steps]) => ({
    // YAML keys arrive as text: `255:` is the code 255.
    classes: classCodes([/^-?\d+$/.test(name.trim()) ? Number(name) : name]),
    filters: parseMaskFilters(steps, `${key}.${name}`),
  }));
}

/** One part of an observation's cloud mask: its classes' pixels, and what its steps made of them. */
export interface CloudMaskStage {
  part: CloudMaskPart;
  classes: Uint8Array;
  cleaned: Uint8Array;
}

/** Each part of the cloud mask of one observation's mask band, before and after its steps. */
export function cloudMaskStages(mask: ArrayLike<number>, width: number, height: number, parts: readonly CloudMaskPart[]): CloudMaskStage[] {
  return parts.map((part) => {
    const classes = enumMask(mask, part.classes);
    return { part, classes, cleaned: part.filters.length > 0 ? maskCleanup(classes, width, height, part.filters) : classes };
  });
}

/** The cloud mask of one observation's mask band: each part's classes cleaned with its steps, OR-ed. */
export function cloudMask(mask: ArrayLike<number>, width: number, height: number, parts: readonly CloudMaskPart[]): Uint8Array {
  const out = new Uint8Array(width * height);
  for (const { cleaned } of cloudMaskStages(mask, width, height, parts)) {
    for (let p = 0; p < out.length; p++) out[p]! |= cleaned[p]!;
  }
  return out;
}

/** How far (in pixels) the parts' steps can reach: the largest reach of any part. */
export function cloudMaskReach(parts: readonly CloudMaskPart[]): number {
  return Math.max(0, ...parts.map((part) => filtersReach(part.filters)));
}
