/**
 * What a plan is asked for, in the terms of `odc-stats save-tasks`. The app's `planTasks`
 * request (`PlanTasksRequest` in api.ts) is derived from it, so the two cannot drift apart.
 */
export interface SaveTasksOptions {
  catalog: string;
  inputProducts: string[];
  grid: string;
  frequency?: string;
  temporalRange?: string;
  year?: number;
  /** `x0:x1,y0:y1`, half-open. */
  tiles?: string;
  /** Path of a GeoJSON file with the region to plan. */
  region?: string;
  /** The region as GeoJSON, as drawn in the app; used when `region` is not given. */
  regionGeoJSON?: unknown;
  datasetFilter?: Record<string, string | number | boolean>;
  /** Task cache path; by default `{products}_{range label or all}.db` in the working folder. */
  output?: string;
  overwrite?: boolean;
  awsUnsigned?: boolean;
  /** The configuration as given (file and options), recorded in the cache. */
  config?: unknown;
}
