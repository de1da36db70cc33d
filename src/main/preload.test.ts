import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_CHANNELS } from '../shared/api.js';

describe('preload', () => {
  // The sandboxed preload cannot import our ES modules at run time, so it spells the channels
  // out; this keeps them equal to the contract's.
  it('uses the Api channels of the contract, for every method', () => {
    const source = readFileSync(new URL('./preload.cts', import.meta.url), 'utf8');
    for (const [method, channel] of Object.entries(API_CHANNELS)) {
      expect(source).toContain(`${method}: '${channel}'`);
      expect(source).toMatch(new RegExp(`${method}: \\(.*\\) => ipcRenderer\\.invoke\\(channels\\.${method}`));
    }
  });
});
