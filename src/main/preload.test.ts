import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_CHANNELS, API_EVENT_CHANNEL } from '../shared/api.js';

describe('preload', () => {
  // The sandboxed preload cannot import our ES modules at run time, so it spells the channels
  // out; this keeps them equal to the contract's.
  const source = readFileSync(new URL('./preload.cts', import.meta.url), 'utf8');

  it('uses the Api channels of the contract, for every method', () => {
    for (const [method, channel] of Object.entries(API_CHANNELS)) {
      expect(source).toContain(`${method}: '${channel}'`);
      expect(source).toMatch(new RegExp(`${method}: \\(.*\\) => ipcRenderer\\.invoke\\(channels\\.${method}`));
    }
  });

  it('listens for events on the contract event channel', () => {
    expect(source).toContain(`eventChannel = '${API_EVENT_CHANNEL}'`);
    expect(source).toMatch(/onEvent: \(listener\) =>/);
  });
});
