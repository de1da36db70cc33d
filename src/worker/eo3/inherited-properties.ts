/**
 * The properties an output's EO3 document takes from its inputs, as odc-stats has eodatasets3
 * take them (`add_source_dataset(..., auto_inherit_properties=True, inherit_skip_properties=...)`
 * for each input that is not a fusion; eodatasets3 `DatasetPrepare.INHERITABLE_PROPERTIES`):
 * the first value an input gives wins, later ones different from it only being warned of
 * (`allow_override=False`), and the product's `inherit_skip_properties` are not taken. A fused
 * input gives its sources to the lineage and nothing here.
 *
 * Left out of eodatasets3's list are those odc-stats sets itself afterwards: `datetime`,
 * `dtr:start_datetime`, `dtr:end_datetime`, `eo:platform`, `eo:instrument` and
 * `odc:region_code`. The inputs are STAC items, so a property is looked for under its EO3 name
 * and then under the name eodatasets3 gives it in STAC (`gsd` for `eo:gsd`, …).
 */
import type { TaskDatasetRef } from '../../shared/task-messages.js';

const INHERITED = [
  'eo:cloud_cover',
  'eo:constellation',
  'eo:gsd',
  'eo:sun_azimuth',
  'eo:sun_elevation',
  'fmask:clear',
  'fmask:cloud',
  'fmask:cloud_shadow',
  'fmask:snow',
  'fmask:water',
  's2cloudless:clear',
  's2cloudless:cloud',
  'gqa:abs_iterative_mean_x',
  'gqa:abs_iterative_mean_xy',
  'gqa:abs_iterative_mean_y',
  'gqa:abs_x',
  'gqa:abs_xy',
  'gqa:abs_y',
  'gqa:cep90',
  'gqa:iterative_mean_x',
  'gqa:iterative_mean_xy',
  'gqa:iterative_mean_y',
  'gqa:iterative_stddev_x',
  'gqa:iterative_stddev_xy',
  'gqa:iterative_stddev_y',
  'gqa:mean_x',
  'gqa:mean_xy',
  'gqa:mean_y',
  'gqa:stddev_x',
  'gqa:stddev_xy',
  'gqa:stddev_y',
  'landsat:collection_category',
  'landsat:collection_number',
  'landsat:landsat_product_id',
  'landsat:landsat_scene_id',
  'landsat:scene_id',
  'landsat:wrs_path',
  'landsat:wrs_row',
  'landsat:rmse',
  'landsat:rmse_x',
  'landsat:rmse_y',
  'mission',
  'sat:absolute_orbit',
  'sat:anx_datetime',
  'sat:orbit_state',
  'sat:platform_international_designator',
  'sat:relative_orbit',
  'sentinel:datastrip_id',
  'sentinel:datatake_start_datetime',
  'sentinel:grid_square',
  'sentinel:latitude_band',
  'sentinel:product_name',
  'sentinel:sentinel_tile_id',
  'sentinel:utm_zone',
] as const;

/** eodatasets3's STAC names of the inherited properties that have other names in EO3 (stac.py `MAPPING_EO3_TO_STAC`). */
const STAC_NAMES: Readonly<Record<string, string>> = {
  'eo:gsd': 'gsd',
  'eo:constellation': 'constellation',
  'eo:sun_azimuth': 'view:sun_azimuth',
  'eo:sun_elevation': 'view:sun_elevation',
};

/** The properties the inputs (in the task's order) pass on, by EO3 name. */
export function inheritedProperties(inputs: ReadonlyArray<Pick<TaskDatasetRef, 'properties' | 'sources'>>, skip: readonly string[]): Record<string, unknown> {
  const inherited: Record<string, unknown> = {};
  const skipped = new Set(skip);
  for (const { properties, sources } of inputs) {
    if (!properties || sources) continue;
    for (const name of INHERITED) {
      if (name in inherited || skipped.has(name)) continue;
      const value = properties[name] ?? properties[STAC_NAMES[name] ?? name];
      if (value !== undefined && value !== null) inherited[name] = value;
    }
  }
  return inherited;
}
