/**
 * The renderer's one way to the host: the Electron preload's `window.odcStats`, or the web
 * host's HTTP Api. Tests install a fake with `setApi`.
 */
import type { Api, ApiBridge } from '../../shared/api.js';
import { apiOver } from './api-over.js';
import { httpApi } from './http-api.js';

declare global {
  interface Window {
    /** The Electron preload's bridge (src/main/preload.cts). */
    odcStats?: ApiBridge;
  }
}

let current: Api | undefined;

export function api(): Api {
  const bridge = typeof window !== 'undefined' ? window.odcStats : undefined;
  current ??= bridge ? apiOver(bridge) : httpApi();
  return current;
}

export function setApi(next: Api | undefined): void {
  current = next;
}
