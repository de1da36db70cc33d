/**
 * The Electron shell, kept thin: one window, the typed Api over IPC to the same services the
 * CLI and the web host use, workers as utility processes. Everything it calls also runs under
 * plain Node (tested there), the security checks included (electron-security.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { API_CALL_CHANNEL, API_EVENT_CHANNEL, callApiMethod, isApiMethod } from '../shared/api.js';
import { createApiService, type ApiService } from './api-service.js';
import { spawnElectronTaskProcess } from './task-process-electron.js';
import { appUrlOf, isAppFrame, isAppUrl } from './electron-security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const indexHtml = path.join(here, '..', 'renderer', 'index.html');
const appUrl = appUrlOf(indexHtml);

function serveApi(api: ApiService): void {
  ipcMain.handle(API_CALL_CHANNEL, (event, method: unknown, ...args: unknown[]) => {
    if (!isAppFrame(event.senderFrame, appUrl)) throw new Error(`refused: a call from ${event.senderFrame?.url ?? 'a closed frame'}`);
    if (!isApiMethod(method)) throw new Error(`no such API method: ${String(method)}`);
    return callApiMethod(api, method, args);
  });
  api.onEvent((event) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(API_EVENT_CHANNEL, event);
  });
}

/** The window stays on the app's page: no navigation elsewhere, no new windows, no webviews, no permissions. */
function confineWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, appUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
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
  await window.loadFile(indexHtml);
}

await app.whenReady();
const api = createApiService({
  workspace: process.env.ODC_STATS_WORKSPACE ?? path.join(app.getPath('documents'), 'odc-stats'),
  spawn: () => spawnElectronTaskProcess(path.join(here, '..', 'worker', 'utility-child.js')),
});
confineWebContents();
serveApi(api);
await openWindow();
app.on('window-all-closed', () => {
  api.close();
  app.quit();
});
