// Preload scripts run sandboxed as CommonJS: this exposes the typed Api and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import type { Api } from '../shared/api.js';

const channels = {
  version: 'odc-stats:version',
  planTasks: 'odc-stats:plan-tasks',
} as const;

const api: Api = {
  version: () => ipcRenderer.invoke(channels.version),
  planTasks: (request) => ipcRenderer.invoke(channels.planTasks, request),
};

contextBridge.exposeInMainWorld('odcStats', api);
