// Preload scripts run sandboxed as CommonJS: this exposes the typed Api and nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Api, ApiEvent } from '../shared/api.js';

const channels = {
  version: 'odc-stats:version',
  hostInfo: 'odc-stats:host-info',
  planTasks: 'odc-stats:plan-tasks',
  cancelPlan: 'odc-stats:cancel-plan',
  listTasks: 'odc-stats:list-tasks',
  sampleCatalog: 'odc-stats:sample-catalog',
  validateConfig: 'odc-stats:validate-config',
  startRun: 'odc-stats:start-run',
  cancelRun: 'odc-stats:cancel-run',
  describeOutput: 'odc-stats:describe-output',
  preview: 'odc-stats:preview',
  inspect: 'odc-stats:inspect',
  saveProject: 'odc-stats:save-project',
  openProject: 'odc-stats:open-project',
  recentProjects: 'odc-stats:recent-projects',
  publishTasks: 'odc-stats:publish-tasks',
  queueStatus: 'odc-stats:queue-status',
} as const;
const eventChannel = 'odc-stats:event';

const api: Api = {
  version: () => ipcRenderer.invoke(channels.version),
  hostInfo: () => ipcRenderer.invoke(channels.hostInfo),
  planTasks: (request) => ipcRenderer.invoke(channels.planTasks, request),
  cancelPlan: (planId) => ipcRenderer.invoke(channels.cancelPlan, planId),
  listTasks: (cache) => ipcRenderer.invoke(channels.listTasks, cache),
  sampleCatalog: () => ipcRenderer.invoke(channels.sampleCatalog),
  validateConfig: (yamlText) => ipcRenderer.invoke(channels.validateConfig, yamlText),
  startRun: (request) => ipcRenderer.invoke(channels.startRun, request),
  cancelRun: (runId) => ipcRenderer.invoke(channels.cancelRun, runId),
  describeOutput: (stacItem) => ipcRenderer.invoke(channels.describeOutput, stacItem),
  preview: (request) => ipcRenderer.invoke(channels.preview, request),
  inspect: (request) => ipcRenderer.invoke(channels.inspect, request),
  saveProject: (file, project) => ipcRenderer.invoke(channels.saveProject, file, project),
  openProject: (file) => ipcRenderer.invoke(channels.openProject, file),
  recentProjects: () => ipcRenderer.invoke(channels.recentProjects),
  publishTasks: (request) => ipcRenderer.invoke(channels.publishTasks, request),
  queueStatus: (queue) => ipcRenderer.invoke(channels.queueStatus, queue),
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, apiEvent: ApiEvent) => listener(apiEvent);
    ipcRenderer.on(eventChannel, forward);
    return () => {
      ipcRenderer.removeListener(eventChannel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('odcStats', api);
