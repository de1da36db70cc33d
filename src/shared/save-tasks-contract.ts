import type { WorkEstimate } from './work-estimate.js';

/**
 * What a plan is asked for, in the terms of `odc-stats save-tasks`. The app's `planTasks`
 * request (`PlanTasksRequest` in api.ts) is derived from it, so the two cannot drift apart.
 */
export interface SaveTasksOptions {
  /** The catalogue of the input products that are collections; may be empty when every product is a location. */
  catalog: string;
  /** The parts of the union, each a product or fused products (`a+b`); see input-products.ts. */
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
  /** Products of fused groups whose datasets join every period's on their region, whatever their time (odc-stats `ignore_time`). */
  ignoreTime?: string[];
  /** Products a fused dataset may lack (odc-stats `optional_products`). */
  optionalProducts?: string[];
  /** Keep datasets whose `gqa:iterative_mean_xy` is at most this (odc-stats `--gqa`). */
  gqa?: number;
  /** Keep datasets of the USGS products ls5_sr … ls9_sr whose `landsat:collection_category` is this (odc-stats `--usgs-collection-category`). */
  usgsCollectionCategory?: string;
  /** Task cache path; by default `{products}_{range label or all}.db` in the working folder. */
  output?: string;
  overwrite?: boolean;
  awsUnsigned?: boolean;
  /** The configuration as given (file and options), recorded in the cache. */
  config?: unknown;
}

/** Items of the catalogue that no task got, by reason. */
export interface SkippedItems {
  noGeometry: number;
  noTime: number;
  badGeometry: number;
  filtered: number;
  outsideSelection: number;
  duplicates: number;
  /** Items with no raster asset to read: their tasks would fail. */
  noAssets: number;
  /** Items of fused products (`a+b`) without a dataset of every other product on their region and day. */
  unpaired: number;
}

export interface PlanCounts {
  itemsRead: number;
  datasets: number;
  tasks: number;
  tiles: number;
  tasksPerPeriod: Record<string, number>;
  skipped: SkippedItems;
}

/** What a plan wrote and found; the answer of `save-tasks` and of the app's `planTasks`. */
export interface SaveTasksResult {
  db: string;
  csv: string;
  geojson: string[];
  grid: string;
  frequency: string;
  temporalRange: string | null;
  counts: PlanCounts;
  estimate: WorkEstimate;
  /** Items left out that the user should hear about (no geometry, no raster assets). */
  warnings: string[];
}
