import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { type Api, type ApiError, type ApiEvent, type PlanTasksRequest, type SampleCatalogInfo, type TaskList } from '../shared/api.js';
import { cleanAwsConnection, type AwsConnection } from '../shared/aws-connection.js';
import { parseRunConfig } from '../shared/run-config.js';
import { formatTaskId } from '../shared/task-id.js';
import { userMessage } from './cli/errors.js';
import { fleetStatus } from './fleet/fleet-status.js';
import { readPublishedConfig } from './fleet/message-config.js';
import { queueStatus } from './fleet/queue-status.js';
import { saveTasks } from './planner/save-tasks.js';
import { publishTasks } from './publish/publish-tasks.js';
import { testAwsConnection } from './sqs/test-connection.js';
import { describeOutput, inspectOutputs, outputHistogram, previewOutput } from './preview/outputs.js';
import { planFailureField, planRequestProblem } from './plan-error-field.js';
import { spawnNodeTaskProcess } from './run/task-process-node.js';
import { TaskInspections } from './run/task-inspections.js';
import { openLocalTaskCache } from './run/open-task-cache.js';
import { RunMonitor } from './run/run-monitor.js';
import { validateRunConfig } from './run/validate-config.js';
import type { SpawnTaskProcess } from './run/task-process-channel.js';
import { SAMPLE_COLLECTION, SAMPLE_PIXEL_METRES, sampleItems, writeSampleCatalog } from './sample/sample-catalog.js';
import { APP_VERSION } from './version.js';
import { ProjectStore } from './workspace/projects.js';

export interface ApiServiceOptions {
  /** Folder for plans, outputs, projects and the sample catalogue. */
  workspace: string;
  /** How task processes start: Node child processes by default, utility processes in Electron. */
  spawn?: SpawnTaskProcess;
}

export interface ApiService extends Api {
  /** Cancels plans and runs in progress (when the host shuts down). */
  close(): void;
}

/**
 * The `Api` implemented by the host's services, with no Electron in it: the Electron main
 * process and the web host both serve this object. User errors come back as `{ error }`.
 */
export function createApiService(options: ApiServiceOptions = { workspace: path.resolve('odc-stats-workspace') }): ApiService {
  const workspace = path.resolve(options.workspace);
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };
  const runs = new RunMonitor(options.spawn ?? spawnNodeTaskProcess, emit);
  const defaultOutputLocation = path.join(workspace, 'outputs', '{product}', '{version}');
  const inspections = new TaskInspections(options.spawn ?? spawnNodeTaskProcess, defaultOutputLocation);
  const projects = new ProjectStore(workspace);
  /** Plans in progress by planId, to cancel them. */
  const plans = new Map<string, AbortController>();
  let sample: Promise<SampleCatalogInfo> | undefined;

  return {
    version: async () => APP_VERSION,
    hostInfo: async () => ({ version: APP_VERSION, workspace, sampleCatalog: sampleCatalogPath(workspace) }),
    planTasks: async (request: PlanTasksRequest) => {
      const problem = planRequestProblem(request);
      if (problem) return problem;
      const { region, planId, output, ...rest } = request;
      const controller = new AbortController();
      if (planId) plans.set(planId, controller);
      try {
        return await saveTasks(
          {
            ...rest,
            output: output?.trim() ? path.resolve(workspace, output) : defaultPlanPath(workspace, request),
            ...(region !== undefined && region !== null && { regionGeoJSON: region }),
          },
          { signal: controller.signal, onProgress: (p) => planId && emit({ type: 'plan-progress', planId, ...p }) },
        );
      } catch (e) {
        const cancelled = controller.signal.aborted;
        const message = cancelled ? 'planning cancelled; nothing was written' : userMessage(e);
        if (message === undefined) throw e;
        return { error: message, field: planFailureField(e, cancelled) };
      } finally {
        if (planId && plans.get(planId) === controller) plans.delete(planId);
      }
    },
    cancelPlan: async (planId) => {
      const controller = plans.get(planId);
      controller?.abort();
      return controller !== undefined;
    },
    listTasks: (cache: string) => asUserError(async () => listTasks(cache)),
    sampleCatalog: () =>
      asUserError(() => {
        sample ??= writeSample(workspace).catch((e: unknown) => {
          sample = undefined;
          throw e;
        });
        return sample;
      }),
    validateConfig: (yamlText: string) => validateRunConfig(yamlText),
    startRun: (request) => asUserError(() => runs.start({ ...request, outputLocation: request.outputLocation?.trim() || defaultOutputLocation })),
    cancelRun: async (runId) => runs.cancel(runId),
    estimateRun: (request) => asUserError(() => runs.estimate(request)),
    cancelTask: async (runId, task) => runs.cancelTask(runId, task),
    describeOutput: (stacItem) => asUserError(() => describeOutput(stacItem)),
    preview: (request) => asUserError(() => previewOutput(request)),
    inspect: (request) => asUserError(() => inspectOutputs(request.stacItems, request.lon, request.lat)),
    pixelStory: (request) => asUserError(() => inspections.story(request)),
    observationView: (request) => asUserError(() => inspections.view(request)),
    histogram: (request) => asUserError(() => outputHistogram(request)),
    saveProject: (file, project) => asUserError(async () => ({ path: await projects.save(file, project) })),
    openProject: (file) => asUserError(() => projects.open(file)),
    recentProjects: () => projects.recent(),
    publishTasks: (request) =>
      asUserError(async () => {
        const { queueUrl, cacheUri, found, tasks, run, estimate, sent, failed, jobManifest } = await publishTasks({
          cache: request.cache,
          queue: request.queue,
          ...(request.cacheUri?.trim() && { cacheUri: request.cacheUri.trim() }),
          ...(request.selectors && { selectors: request.selectors }),
          ...(request.configYaml !== undefined && { configYaml: request.configYaml, configSource: '(the app\u2019s run config)' }),
          ...(request.configUri?.trim() && { configUri: request.configUri.trim() }),
          ...(request.dryrun && { dryrun: true }),
          ...connectionOf(request.aws),
        });
        return {
          ...(queueUrl && { queueUrl }),
          cacheUri,
          found,
          tasks,
          ...(run && { run }),
          estimate: { pixelObservations: estimate.pixelObservations, workerHours: estimate.workerHours },
          sent,
          failed,
          ...(jobManifest && { jobManifest }),
        };
      }),
    queueStatus: (queue, aws) =>
      asUserError(async () => {
        const status = await queueStatus(queue, connectionOf(aws));
        return {
          queueUrl: status.queueUrl,
          visible: status.visible,
          inFlight: status.inFlight,
          ...(status.deadLetter && { deadLetter: { visible: status.deadLetter.visible, inFlight: status.deadLetter.inFlight } }),
        };
      }),
    fleetStatus: (request) =>
      asUserError(async () => {
        const config = request.configUri?.trim()
          ? (await readPublishedConfig(request.configUri.trim(), connectionOf(request.aws))).config
          : parseRunConfig(request.configYaml ?? '', '(the app\u2019s run config)');
        return fleetStatus({
          cache: request.cache,
          queue: request.queue,
          config,
          ...(request.cacheUri?.trim() && { cacheUri: request.cacheUri.trim() }),
          ...(request.selectors && { selectors: request.selectors }),
          ...connectionOf(request.aws),
        });
      }),
    testConnection: (aws, queue) => asUserError(async () => ({ message: await testAwsConnection(aws, queue) })),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      runs.cancelAll();
      inspections.close();
      for (const controller of plans.values()) controller.abort();
    },
  };
}

/** Settings' AWS connection as the host's functions take it; none when every field is blank. */
function connectionOf(aws: AwsConnection | undefined): { connection?: AwsConnection } {
  const connection = aws && cleanAwsConnection(aws);
  return connection && Object.keys(connection).length > 0 ? { connection } : {};
}

async function asUserError<T>(work: () => Promise<T>): Promise<T | ApiError> {
  try {
    return await work();
  } catch (e) {
    const message = userMessage(e);
    if (message === undefined) throw e;
    return { error: message };
  }
}

function defaultPlanPath(workspace: string, request: PlanTasksRequest): string {
  const range = request.temporalRange ?? (request.year !== undefined ? `${request.year}--P1Y` : 'all');
  const name = `${request.inputProducts.join('-') || 'plan'}_${request.grid}_${range}`.replace(/[^\w.+-]+/g, '_');
  return path.join(workspace, 'plans', `${name}.db`);
}

async function listTasks(cache: string): Promise<TaskList> {
  const db = await openLocalTaskCache(cache);
  try {
    const meta = db.meta();
    return {
      db: cache,
      grid: meta.grid,
      frequency: meta.frequency,
      temporalRange: meta.temporal_range,
      catalog: meta.catalog,
      tasks: db.tasks().map((t) => ({ id: formatTaskId(t), period: t.period, x: t.x, y: t.y, datasets: t.datasets, days: t.days })),
    };
  } finally {
    db.close();
  }
}

function sampleCatalogPath(workspace: string): string {
  return path.join(workspace, 'sample-catalog', 'catalog.json');
}

async function writeSample(workspace: string): Promise<SampleCatalogInfo> {
  const catalogPath = sampleCatalogPath(workspace);
  if (!existsSync(catalogPath)) await writeSampleCatalog(path.dirname(catalogPath), { threads: availableParallelism() });
  const boxes = sampleItems().map((i) => i.bbox!);
  const bbox: SampleCatalogInfo['bbox'] = [
    Math.min(...boxes.map((b) => b[0]!)),
    Math.min(...boxes.map((b) => b[1]!)),
    Math.max(...boxes.map((b) => b[2]!)),
    Math.max(...boxes.map((b) => b[3]!)),
  ];
  return { catalog: catalogPath, collection: SAMPLE_COLLECTION, resolution: SAMPLE_PIXEL_METRES, bbox };
}
