/**
 * The contract between the renderer and the host. The Electron preload exposes it over IPC;
 * the web host (`odc-stats serve`) serves the same methods over HTTP (POST /api/METHOD with the
 * arguments as a JSON array) and its events over Server-Sent Events (GET /api/events). The
 * renderer knows nothing else of the host. Everything that crosses is plain JSON data.
 */
import type { AwsConnection } from './aws-connection.js';
import type { ObservationView, ObservationViewRequest, PixelStory, PixelStoryRequest } from './pixel-story.js';
import type { SaveTasksOptions, SaveTasksResult } from './save-tasks-contract.js';

/**
 * The options of `save-tasks` the app gives: its region is GeoJSON rather than a file (the
 * planner's `regionGeoJSON`), and `output`, by default a file named after the products and
 * range in the workspace's `plans/` folder, is relative to the workspace.
 */
export interface PlanTasksRequest extends Omit<SaveTasksOptions, 'region' | 'regionGeoJSON' | 'datasetFilter' | 'config'> {
  /** A GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection in lon/lat. */
  region?: unknown;
  /** Echoed in the `plan-progress` events of this plan; names it to `cancelPlan`. */
  planId?: string;
}

/** A control of the planning form; `plan` is the request as a whole (e.g. it found no datasets). */
export type PlanField = 'catalog' | 'collections' | 'grid' | 'frequency' | 'temporalRange' | 'region' | 'plan';

/** A failure the user can act on, carried across IPC/HTTP as data rather than as a thrown Error. */
export interface ApiError {
  error: string;
  /** planTasks: the field of the request the error is about. */
  field?: PlanField;
}

export function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && typeof (value as ApiError).error === 'string';
}

/** One task of a task cache, as the map shows it. */
export interface TaskSummary {
  /** `PERIOD/X/Y`. */
  id: string;
  period: string;
  x: number;
  y: number;
  datasets: number;
  days: number;
}

export interface TaskList {
  db: string;
  grid: string;
  frequency: string;
  temporalRange: string | null;
  catalog: string;
  tasks: TaskSummary[];
}

export interface SampleCatalogInfo {
  /** Path of the sample's `catalog.json`. */
  catalog: string;
  collection: string;
  /** Output pixel size the sample is made for (metres). */
  resolution: number;
  /** lon/lat [west, south, east, north] of the sample's scenes. */
  bbox: [number, number, number, number];
}

/** A problem in a run config's YAML, on the line (1-based) of the key that causes it. */
export interface ConfigDiagnostic {
  line: number;
  /** Character offsets in the text, for the editor's underline. */
  from: number;
  to: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface RunStartRequest {
  /** Task cache path. */
  cache: string;
  /** Task ids `PERIOD/X/Y` (or any task selector of `odc-stats run`). */
  tasks: string[];
  /** The run config's YAML as edited. */
  configYaml: string;
  /** Where outputs go when the YAML names no `output_location`: a folder or URI. */
  outputLocation?: string;
  /** Worker processes; default 2. */
  threads?: number;
  overwrite?: boolean;
}

export type TaskState = 'queued' | 'running' | 'finished' | 'skipped' | 'failed' | 'cancelled';

/** A run's work before it starts: what it computes, and about how long that takes here. */
export interface RunEstimate {
  tasks: number;
  /** Output pixel size in the grid's units: the config's `resolution`, else the grid's. */
  outputResolution: number;
  /** The finest pixel size of the tasks' input datasets, where their catalogue says it. */
  inputResolution?: number;
  pixelObservations: number;
  /** With the run's task processes on this machine, at the rate the fleet's estimate assumes per worker. */
  seconds: number;
}

export interface RunTaskResult {
  task: string;
  status: 'finished' | 'skipped' | 'failed';
  error?: string;
  stacItem?: string;
  seconds?: number;
}

export interface RunSummaryInfo {
  finished: string[];
  skipped: string[];
  failed: Array<{ task: string; error: string }>;
}

/** Events the host pushes to the renderer while it plans and runs. */
export type ApiEvent =
  | { type: 'plan-progress'; planId: string; itemsRead: number; datasets: number; tasks: number }
  | { type: 'run-started'; runId: string; tasks: string[]; location: string }
  | { type: 'task-started'; runId: string; task: string }
  | { type: 'task-progress'; runId: string; task: string; stage: string; done: number; total: number }
  | ({ type: 'task-result'; runId: string } & RunTaskResult)
  | { type: 'run-log'; runId: string; time: string; level: 'info' | 'error'; message: string }
  | { type: 'run-finished'; runId: string; summary?: RunSummaryInfo; error?: string };

/** What a finished task's STAC item offers for previews. */
export interface OutputInfo {
  stacItem: string;
  task: string;
  /** `odc:product` and `odc:dataset_version` of the item. */
  product: string;
  version: string;
  /** The output location the run wrote to: the item's folder above the task's own (`x218/y074/2021--P1Y`). */
  location: string;
  bands: string[];
  /** Red, green, blue bands of a geomedian, when the output has them. */
  rgb?: [string, string, string];
  /** lon/lat [west, south, east, north]. */
  bbox: [number, number, number, number];
}

export type ColourRamp = 'viridis' | 'magma' | 'greys';

export interface PreviewRequest {
  stacItem: string;
  /** Three bands render as RGB, one band through `ramp`. */
  bands: string[];
  /** Values mapped to the ends of the stretch or ramp; absent: the 2nd–98th percentiles. */
  range?: { min: number; max: number };
  ramp?: ColourRamp;
  /** Longest side of the image in pixels (default 512). */
  size?: number;
}

export interface PreviewImage {
  /** A PNG as a data: URL (works in the browser and in Electron alike). */
  url: string;
  /** Corners in lon/lat: top-left, top-right, bottom-right, bottom-left (maplibre image source order). */
  coordinates: [[number, number], [number, number], [number, number], [number, number]];
  range: { min: number; max: number };
  bands: string[];
}

export interface HistogramRequest {
  stacItem: string;
  band: string;
  /**
   * Equal-width bins from the band's lowest to its highest value (1–1024); whole numbers that
   * take fewer values get one bin per value.
   */
  bins: number;
}

/** One band's valid values (nodata left out). */
export interface BandHistogram {
  band: string;
  /** Pixels per bin; the last bin holds the highest value. */
  counts: number[];
  /** Where the first bin starts and the last ends: min and max, or half a unit beyond them for one bin per value. */
  from: number;
  to: number;
  min: number;
  max: number;
  /** The 2nd and 98th percentiles, interpolated between ranks as numpy does. */
  p2: number;
  p98: number;
}

export interface InspectRequest {
  stacItems: string[];
  lon: number;
  lat: number;
}

export interface InspectedOutput {
  stacItem: string;
  task: string;
  /** Every band's value at the point; null where it is nodata. */
  values: Record<string, number | null>;
}

/** Everything the user set up, saved to a project file and restored on open. */
export interface Project {
  name: string;
  catalog: string;
  collections: string[];
  grid: string;
  frequency: string;
  temporalRange: string;
  /** Regions drawn or loaded, as GeoJSON Features in lon/lat. */
  regions: unknown[];
  cache: string | null;
  pickedTiles: string[];
  plugin: string;
  configYaml: string;
  lastRunConfigYaml: string | null;
  outputLocation: string;
  /** `aws`: where publishing and watching the fleet send their AWS requests. */
  settings: { basemapStyleUrl: string; threads: number; aws?: AwsConnection };
  /** The map view. */
  view?: { center: [number, number]; zoom: number };
  /** The summary of the plan that made `cache`. */
  planSummary?: SaveTasksResult;
  /** The project's local runs, oldest first. */
  runs?: ProjectRun[];
  /** The preview layers of the runs' outputs. */
  previews?: { layers: ProjectPreviewLayer[]; outputs: Record<string, OutputInfo> };
}

/** One local run of a project, as its run history keeps it. */
export interface ProjectRun {
  runId: string;
  /** ISO times. */
  started: string;
  ended: string;
  status: 'finished' | 'failed' | 'cancelled';
  location: string | null;
  configYaml: string;
  tasks: Record<string, { state: TaskState; error?: string; stacItem?: string; seconds?: number }>;
}

/** A preview layer as a project keeps it: what the user chose, without its image. */
export interface ProjectPreviewLayer {
  id: string;
  stacItem: string;
  task: string;
  bands: string[];
  ramp: ColourRamp;
  visible: boolean;
  opacity: number;
  range?: { min: number; max: number };
}

export interface RecentProject {
  path: string;
  name: string;
  opened: string;
}

export interface HostInfo {
  version: string;
  /** The folder where plans, outputs and projects go by default. */
  workspace: string;
  /** Where "Use sample" writes the sample's `catalog.json`: a catalogue of this path is the sample. */
  sampleCatalog: string;
}

/** Publishing a planned run to an SQS queue for a fleet of workers (`odc-stats publish-tasks`). */
export interface PublishTasksRequest {
  /** The task cache: a local path (uploaded to `cacheUri` first) or an s3:// URI. */
  cache: string;
  /** A queue name, URL or ARN. */
  queue: string;
  /** Where a local cache goes on S3: s3://BUCKET/PATH/NAME.db. */
  cacheUri?: string;
  /** Task ids (PERIOD/X/Y) or other selectors; none = every task. */
  selectors?: string[];
  /** The run config the fleet is to compute with (the YAML run locally); uploaded beside the cache and named by every message. */
  configYaml?: string;
  /** Where the run config goes on S3; default beside the cache (NAME.db → NAME.run.yaml). */
  configUri?: string;
  /** Only say what would be sent (the confirmation step). */
  dryrun?: boolean;
  /** Settings' AWS profile, region and endpoint, over the host's environment. */
  aws?: AwsConnection;
}

/** What the workers will compute, as the published run config says. */
export interface PublishedRun {
  configUri: string;
  plugin: string;
  product: string;
  version: string;
  /** The output location with the product's name and version filled in. */
  outputLocation: string;
  /** What the config holds that odc-stats would ignore, or that may surprise, one line each. */
  warnings: string[];
}

export interface PublishTasksSummary {
  queueUrl?: string;
  cacheUri: string;
  /** Tasks in the cache, and those selected. */
  found: number;
  tasks: number;
  /** What the workers will compute, from the published run config; absent without one. */
  run?: PublishedRun;
  /** What the selected tasks cost the fleet (a ceiling: see main/publish/fleet-estimate.ts); the host always says. */
  estimate?: { pixelObservations: number; workerHours: number };
  sent: number;
  failed: Array<{ task: string; error: string }>;
  /** The Kubernetes Job that computes the published run, naming its queue and run config; absent for a dry run or without a run config. */
  jobManifest?: string;
}

/** A published run to watch: its cache, queue and run config, as publishTasks was given them. */
export interface FleetStatusRequest {
  /** The task cache: a path or an s3:// URI. */
  cache: string;
  /** The cache the messages name, when `cache` is the local copy that was uploaded. */
  cacheUri?: string;
  queue: string;
  /** The published run config (PublishTasksSummary.run.configUri), or its YAML. */
  configUri?: string;
  configYaml?: string;
  /** The tasks published; none = every task. */
  selectors?: string[];
  /** Settings' AWS profile, region and endpoint, over the host's environment. */
  aws?: AwsConnection;
}

/** pending: waiting in the queue or being computed (SQS does not say which task is which). */
export type FleetTileState = 'pending' | 'finished' | 'dead-lettered';

export interface FleetTile {
  task: string;
  period: string;
  x: number;
  y: number;
  state: FleetTileState;
  /** The error its last worker attached, for a dead-lettered task. */
  error?: string;
}

export interface FleetStatusSummary {
  queueUrl: string;
  /** SQS's approximate counts: messages waiting, and leased to workers now. */
  waiting: number;
  inFlight: number;
  deadLetterQueueUrl?: string;
  /** Where the outputs go. */
  location: string;
  tiles: FleetTile[];
}

export interface QueueCountsSummary {
  visible: number;
  inFlight: number;
}

export interface QueueStatusSummary extends QueueCountsSummary {
  queueUrl: string;
  /** The dead-letter queue's counts, when the queue has one. */
  deadLetter?: QueueCountsSummary;
}

export interface Api {
  version(): Promise<string>;
  hostInfo(): Promise<HostInfo>;
  planTasks(request: PlanTasksRequest): Promise<SaveTasksResult | ApiError>;
  /** Stops the plan of this `planId`, which then answers an error and leaves no files; false if none runs. */
  cancelPlan(planId: string): Promise<boolean>;
  listTasks(cache: string): Promise<TaskList | ApiError>;
  /** Writes the embedded synthetic Sentinel-2 catalogue into the workspace (once) and says where. */
  sampleCatalog(): Promise<SampleCatalogInfo | ApiError>;
  /** Problems of a run config as typed: YAML syntax, run keys, plugin and plugin_config. */
  validateConfig(yamlText: string): Promise<ConfigDiagnostic[]>;
  startRun(request: RunStartRequest): Promise<{ runId: string; location: string } | ApiError>;
  cancelRun(runId: string): Promise<boolean>;
  /** What a run of this request would compute and about how long it would take; nothing starts. */
  estimateRun(request: RunStartRequest): Promise<RunEstimate | ApiError>;
  /** Gives up one task of a run (queued or running): it ends cancelled, its partial outputs removed; false if the run has no such task left. */
  cancelTask(runId: string, task: string): Promise<boolean>;
  describeOutput(stacItem: string): Promise<OutputInfo | ApiError>;
  preview(request: PreviewRequest): Promise<PreviewImage | ApiError>;
  inspect(request: InspectRequest): Promise<InspectedOutput[] | ApiError>;
  /** Every observation of the task's pixel under a point, how the config's plugin masks each, and what it computes from them. */
  pixelStory(request: PixelStoryRequest): Promise<PixelStory | ApiError>;
  /** A day's observation of a task for the map: true colour, and its mask before and after the config's filters. */
  observationView(request: ObservationViewRequest): Promise<ObservationView | ApiError>;
  histogram(request: HistogramRequest): Promise<BandHistogram | ApiError>;
  saveProject(path: string, project: Project): Promise<{ path: string } | ApiError>;
  openProject(path: string): Promise<{ path: string; project: Project } | ApiError>;
  recentProjects(): Promise<RecentProject[]>;
  publishTasks(request: PublishTasksRequest): Promise<PublishTasksSummary | ApiError>;
  queueStatus(queue: string, aws?: AwsConnection): Promise<QueueStatusSummary | ApiError>;
  /** One SQS request with Settings' AWS connection (and the queue, when given): a line saying what answered, or the one-line error. */
  testConnection(aws: AwsConnection, queue?: string): Promise<{ message: string } | ApiError>;
  /** Each published task's state: finished (its STAC item exists), dead-lettered (with its error) or pending. */
  fleetStatus(request: FleetStatusRequest): Promise<FleetStatusSummary | ApiError>;
  /** Subscribes to the host's events; returns the unsubscribe. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

/** The request/response methods of the Api (all but `onEvent`). */
export type ApiMethod = Exclude<keyof Api, 'onEvent'>;

const API_METHOD_SET: Record<ApiMethod, true> = {
  version: true,
  hostInfo: true,
  planTasks: true,
  cancelPlan: true,
  listTasks: true,
  sampleCatalog: true,
  validateConfig: true,
  startRun: true,
  cancelRun: true,
  estimateRun: true,
  cancelTask: true,
  describeOutput: true,
  preview: true,
  inspect: true,
  pixelStory: true,
  observationView: true,
  histogram: true,
  saveProject: true,
  openProject: true,
  recentProjects: true,
  publishTasks: true,
  queueStatus: true,
  testConnection: true,
  fleetStatus: true,
};

export const API_METHODS = Object.keys(API_METHOD_SET) as ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(API_METHOD_SET, name);
}

/** Calls `method` of `api` with arguments that came from another process. */
export function callApiMethod(api: Api, method: ApiMethod, args: unknown[]): Promise<unknown> {
  return (api[method] as (...a: unknown[]) => Promise<unknown>).apply(api, args);
}

/**
 * What the Electron preload gives the window: one call for every method and the event stream.
 * The sandboxed preload cannot import the contract at run time, so it knows the two channels
 * and nothing of the methods; the renderer builds the typed Api on it (renderer/api/api-over.ts).
 */
export interface ApiBridge {
  call(method: ApiMethod, args: unknown[]): Promise<unknown>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

/** The IPC channel on which the window calls the host: the method's name, then its arguments. */
export const API_CALL_CHANNEL = 'odc-stats:call';

/** The IPC channel on which the main process sends ApiEvents to the window. */
export const API_EVENT_CHANNEL = 'odc-stats:event';
