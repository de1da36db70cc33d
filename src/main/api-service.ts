import type { Api, PlanTasksRequest } from '../shared/api.js';
import { userMessage } from './cli/errors.js';
import { saveTasks } from './planner/save-tasks.js';
import { APP_VERSION } from './version.js';

/**
 * The `Api` implemented by the host's services, with no Electron in it: the Electron main
 * process and the web host both serve this object. User errors come back as `{ error }`.
 */
export function createApiService(): Api {
  return {
    version: async () => APP_VERSION,
    planTasks: async (request: PlanTasksRequest) => {
      try {
        const { region, ...rest } = request;
        return await saveTasks({ ...rest, ...(region !== undefined && { regionGeoJSON: region }) });
      } catch (e) {
        const message = userMessage(e);
        if (message === undefined) throw e;
        return { error: message };
      }
    },
  };
}
