/**
 * The Electron shell, kept thin: one window, the typed Api over IPC to the same services the
 * CLI uses. Everything it calls also runs under plain Node (tested there).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain } from 'electron';
import { API_CHANNELS, type Api } from '../shared/api.js';
import { createApiService } from './api-service.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function serveApi(api: Api): void {
  ipcMain.handle(API_CHANNELS.version, () => api.version());
  ipcMain.handle(API_CHANNELS.planTasks, (_event, request: Parameters<Api['planTasks']>[0]) => api.planTasks(request));
}

async function openWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
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
serveApi(createApiService());
await openWindow();
app.on('window-all-closed', () => app.quit());
