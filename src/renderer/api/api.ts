/**
 * The renderer's one way to the host: the Electron preload's `window.odcStats`, or the web
 * host's HTTP Api. Tests install a fake with `setApi`.
 */
import type { Api } from '../../shared/api.js';
import { httpApi } from './http-api.js';

declare global {
  interface Window {
    odcStats?: Api;
  }
}

let current: Api | undefined;

export function api(): Api {
  current ??= (typeof window !== 'undefined' ? window.odcStats : undefined) ?? httpApi();
  return current;
}

export function setApi(next: Api | undefined): void {
  current = next;
}
