import type { Api, ApiEvent } from '../../shared/api.js';

/** An Api for renderer tests: every method answers what the test set, or a neutral default. */
export function fakeApi(overrides: Partial<Api> = {}): Api & { emit(event: ApiEvent): void } {
  const listeners = new Set<(e: ApiEvent) => void>();
  const api: Api = {
    version: async () => '0.0.0',
    hostInfo: async () => ({ version: '0.0.0', workspace: '/ws', sampleCatalog: '/ws/sample-catalog/catalog.json' }),
    planTasks: async () => ({ error: 'not set up' }),
    cancelPlan: async () => true,
    listTasks: async () => ({ error: 'not set up' }),
    sampleCatalog: async () => ({ error: 'not set up' }),
    validateConfig: async () => [],
    startRun: async () => ({ error: 'not set up' }),
    cancelRun: async () => true,
    estimateRun: async (request) => ({ tasks: request.tasks.length, outputResolution: 10, pixelObservations: 0, seconds: 0 }),
    cancelTask: async () => true,
    describeOutput: async () => ({ error: 'not set up' }),
    preview: async () => ({ error: 'not set up' }),
    inspect: async () => [],
    pixelStory: async () => ({ error: 'no stories in this test' }),
    observationView: async () => ({ error: 'no observations in this test' }),
    histogram: async () => ({ error: 'not set up' }),
    saveProject: async (p) => ({ path: p }),
    openProject: async () => ({ error: 'not set up' }),
    recentProjects: async () => [],
    publishTasks: async () => ({ error: 'not set up' }),
    queueStatus: async () => ({ error: 'not set up' }),
    testConnection: async () => ({ error: 'not set up' }),
    fleetStatus: async () => ({ error: 'not set up' }),
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    ...overrides,
  };
  return { ...api, emit: (e) => listeners.forEach((l) => l(e)) };
}
