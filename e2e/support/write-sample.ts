// Writes the sample catalogue into a folder (atomically: a half-written catalogue is never reused).
import { promises as fs } from 'node:fs';
import { writeSampleCatalog } from '../../src/main/sample/sample-catalog.js';

const target = process.argv[2]!;
const tmp = `${target}.tmp-${process.pid}`;
await fs.rm(tmp, { recursive: true, force: true });
await writeSampleCatalog(tmp);
await fs.rm(target, { recursive: true, force: true });
await fs.rename(tmp, target);
