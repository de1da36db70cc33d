/**
 * The entry of a reduce thread (see reduce-threads.ts): loads the task's plugin once, then
 * reduces each chunk it is sent and sends the output bands back, their memory moved, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { firstLine } from '../shared/first-line.js';
import { isUserError } from '../shared/errors.js';
import { loadPlugin } from './plugins/registry.js';
import { reduceChunk, type ObservationChunk } from './plugins/plugin.js';
import { ownBuffers, type ReduceReply, type ReduceThreadData } from './reduce-threads.js';

const port = parentPort!;
const { plugin: name, pluginConfig } = workerData as ReduceThreadData;
const plugin = loadPlugin(name, pluginConfig);

port.on('message', ({ id, chunk }: { id: number; chunk: ObservationChunk }) => {
  plugin
    .then((p) => reduceChunk(p, chunk))
    .then((bands) => {
      const reply: ReduceReply = { id, bands };
      port.postMessage(reply, ownBuffers(Object.values(bands)));
    })
    .catch((e: unknown) => {
      const reply: ReduceReply = { id, error: { message: firstLine(e), user: isUserError(e) } };
      port.postMessage(reply);
    });
});
