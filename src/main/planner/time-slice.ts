import { setImmediate } from 'node:timers/promises';

/** How long planning computes before letting the host's other work (requests, signals) run. */
const SLICE_MS = 20;

/**
 * A checkpoint for long synchronous loops in the host process: it throws once `signal` is
 * aborted, and every SLICE_MS it waits a turn of the event loop, so that an HTTP request, an
 * IPC call or Ctrl-C is answered while planning runs.
 */
export function timeSlicer(signal: AbortSignal | undefined): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  const pause = async () => {
    await setImmediate();
    signal?.throwIfAborted();
    sliceStart = performance.now();
  };
  return () => {
    signal?.throwIfAborted();
    return performance.now() - sliceStart < SLICE_MS ? undefined : pause();
  };
}
