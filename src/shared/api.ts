/**
 * The contract between the renderer and the host. The Electron preload exposes it over IPC;
 * the web host (`odc-stats serve`) serves the same methods over HTTP. The renderer knows
 * nothing else of the host.
 */
export interface PlanTasksRequest {
  catalog: string;
  inputProducts: string[];
  grid: string;
  frequency?: string;
  temporalRange?: string;
  year?: number;
  tiles?: string;
  /** A GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection in lon/lat. */
  region?: unknown;
  output: string;
  overwrite?: boolean;
  awsUnsigned?: boolean;
}

export interface PlanTasksSummary {
  db: string;
  csv: string;
  geojson: string[];
  grid: string;
  frequency: string;
  temporalRange: string | null;
  counts: {
    itemsRead: number;
    datasets: number;
    tasks: number;
    tiles: number;
    tasksPerPeriod: Record<string, number>;
    skipped: Record<string, number>;
  };
  estimate: { pixelObservations: number; bytesToRead: number; largestTaskBytes: number };
}

/** A failure the user can act on, carried across IPC/HTTP as data rather than as a thrown Error. */
export interface ApiError {
  error: string;
}

export interface Api {
  version(): Promise<string>;
  planTasks(request: PlanTasksRequest): Promise<PlanTasksSummary | ApiError>;
}

/** The IPC channel of each method, shared by the preload and the main process. */
export const API_CHANNELS = {
  version: 'odc-stats:version',
  planTasks: 'odc-stats:plan-tasks',
} as const satisfies Record<keyof Api, string>;
