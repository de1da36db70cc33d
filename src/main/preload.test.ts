import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_CALL_CHANNEL, API_EVENT_CHANNEL } from '../shared/api.js';

describe('preload', () => {
  // The sandboxed preload cannot import our ES modules at run time, so it spells the two
  // channels out; this keeps them equal to the contract's.
  const source = readFileSync(new URL('./preload.cts', import.meta.url), 'utf8');

  it('calls the host on the contract call channel', () => {
    expect(source).toContain(`callChannel = '${API_CALL_CHANNEL}'`);
    expect(source).toMatch(/call: \(method, args\) => ipcRenderer\.invoke\(callChannel, method, \.\.\.args\)/);
  });

  it('listens for events on the contract event channel', () => {
    expect(source).toContain(`eventChannel = '${API_EVENT_CHANNEL}'`);
    expect(source).toMatch(/onEvent: \(listener\) =>/);
  });
});
