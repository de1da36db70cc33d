// Preload scripts run sandboxed as CommonJS and cannot import the contract at run time: this
// gives the window one call and the event stream on the contract's two channels, nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiBridge, ApiEvent } from '../shared/api.js';

const callChannel = 'odc-stats:call';
const eventChannel = 'odc-stats:event';

const bridge: ApiBridge = {
  call: (method, args) => ipcRenderer.invoke(callChannel, method, ...args),
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, apiEvent: ApiEvent) => listener(apiEvent);
    ipcRenderer.on(eventChannel, forward);
    return () => {
      ipcRenderer.removeListener(eventChannel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('odcStats', bridge);
