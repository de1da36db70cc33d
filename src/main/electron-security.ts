/**
 * What the Electron window trusts: its own page (the renderer's index.html from file://), in
 * its top frame. Navigation anywhere else, new windows and IPC from any other frame are
 * refused. Pure functions, so that they are tested under Node (there is no Electron binary in CI).
 */
import { pathToFileURL } from 'node:url';

/** The file URL the window loads, from the path of the renderer's index.html. */
export function appUrlOf(indexHtml: string): string {
  return pathToFileURL(indexHtml).href;
}

/** Whether a URL is the app's page; its query and fragment do not matter. */
export function isAppUrl(url: string, appUrl: string): boolean {
  let candidate: URL;
  try {
    candidate = new URL(url);
  } catch {
    return false;
  }
  const app = new URL(appUrl);
  return candidate.protocol === 'file:' && candidate.host === app.host && candidate.pathname === app.pathname;
}

/** The part of Electron's WebFrameMain the check reads. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Whether an IPC message comes from the app's page in its top frame (not an iframe, not a page navigated elsewhere). */
export function isAppFrame(frame: SenderFrame | null | undefined, appUrl: string): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url, appUrl);
}
