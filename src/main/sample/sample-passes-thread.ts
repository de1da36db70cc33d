/**
 * The entry of a sample thread (see writeSentinel2Collection in sample-catalog.ts): writes the
 * passes it is given, sending each item back as soon as it is written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { firstLine } from '../../shared/first-line.js';
import { writeSentinel2Passes, type SamplePassesMessage, type SamplePassesWork } from './sample-catalog.js';

const port = parentPort!;
const send = (message: SamplePassesMessage) => port.postMessage(message);
const { collectionDir, passes, layout } = workerData as SamplePassesWork;
await writeSentinel2Passes(collectionDir, passes, layout, (item) => send({ item })).catch((e: unknown) => {
  const { code, path } = e as NodeJS.ErrnoException;
  send({ error: { message: firstLine(e), ...(code !== undefined && { code }), ...(path !== undefined && { path }) } });
});
