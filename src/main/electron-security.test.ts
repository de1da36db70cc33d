import { describe, expect, it } from 'vitest';
import { appUrlOf, isAppFrame, isAppUrl } from './electron-security.js';

const APP = appUrlOf('/opt/odc-stats/resources/app/dist/renderer/index.html');

describe('Electron security checks', () => {
  it("knows the app's page by its file URL, whatever its query or fragment", () => {
    expect(APP).toBe('file:///opt/odc-stats/resources/app/dist/renderer/index.html');
    expect(isAppUrl(APP, APP)).toBe(true);
    expect(isAppUrl(`${APP}#/run`, APP)).toBe(true);
    expect(isAppUrl(`${APP}?project=a`, APP)).toBe(true);
  });

  it('refuses any other page: other files, other schemes, the same path on a web server, garbage', () => {
    for (const url of [
      'file:///opt/odc-stats/resources/app/dist/renderer/other.html',
      'file:///opt/odc-stats/resources/app/dist/renderer/index.html/../../../etc/passwd',
      'file:///etc/passwd',
      'file://evil-share/opt/odc-stats/resources/app/dist/renderer/index.html',
      'https://example.org/opt/odc-stats/resources/app/dist/renderer/index.html',
      'http://127.0.0.1:8765/',
      'javascript:alert(1)',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url, APP), url).toBe(false);
    }
  });

  it("serves IPC to the app's top frame only", () => {
    expect(isAppFrame({ url: APP, parent: null }, APP)).toBe(true);
    expect(isAppFrame({ url: APP, parent: { url: APP } }, APP)).toBe(false);
    expect(isAppFrame({ url: 'https://example.org/', parent: null }, APP)).toBe(false);
    expect(isAppFrame(null, APP)).toBe(false);
    expect(isAppFrame(undefined, APP)).toBe(false);
  });
});
