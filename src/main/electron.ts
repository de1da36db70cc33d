/**
 * The Electron shell, kept thin: one window, the typed Api over IPC to the same services the
 * CLI and the web host use, workers as utility processes. Everything it calls also runs under
 * plain Node (tested there).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain } from 'electron';
import { API_CHANNELS, API_EVENT_CHANNEL, API_METHODS, type ApiMethod } from '../shared/api.js';
import { createApiService, type ApiService } from './api-service.js';
import { utilityWorkerSpawner } from './electron-worker.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function serveApi(api: ApiService): void {
  for (const method of API_METHODS) {
    const fn = api[method as ApiMethod] as (...args: unknown[]) => Promise<unknown>;
    ipcMain.handle(API_CHANNELS[method], (_event, ...args: unknown[]) => fn.apply(api, args));
  }
  api.onEvent((event) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(API_EVENT_CHANNEL, event);
  });
}

async function openWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'odc-stats desktop',
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  await window.loadFile(path.join(here, '..', 'renderer', 'index.html'));
}

await app.whenReady();
const api = createApiService({
  workspace: process.env.ODC_STATS_WORKSPACE ?? path.join(app.getPath('documents'), 'odc-stats'),
  spawn: utilityWorkerSpawner(path.join(here, '..', 'worker', 'utility-child.js')),
});
serveApi(api);
await openWindow();
app.on('window-all-closed', () => {
  api.close();
  app.quit();
});
