import { API_METHODS, type Api, type ApiBridge } from '../../shared/api.js';

/** The typed Api on a bridge that carries a method's name and arguments (Electron IPC, HTTP). */
export function apiOver(bridge: ApiBridge): Api {
  const methods = Object.fromEntries(API_METHODS.map((method) => [method, (...args: unknown[]) => bridge.call(method, args)]));
  return { ...methods, onEvent: (listener) => bridge.onEvent(listener) } as Api;
}
