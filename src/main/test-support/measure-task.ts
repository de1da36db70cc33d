/**
 * Runs the first task of a task cache in this process and prints, as one JSON line, what it
 * cost: the process's peak memory (max RSS) and the bytes it read from files while computing
 * the task (`rchar` of /proc/self/io). Started as its own process by tests (node --import tsx
 * measure-task.ts CACHE CONFIG.yaml OUTPUT_LOCATION), so that the peak is the task's alone.
 */
import { readFileSync } from 'node:fs';
import { parseRunConfig } from '../../shared/run-config.js';
import { runTask } from '../../worker/run-task.js';
import { prepareRun, workerTaskFor } from '../run/task-builder.js';
import { TaskCache } from '../taskcache/task-cache.js';

function bytesReadSoFar(): number {
  const match = /^rchar:\s*(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : Number.NaN;
}

const [cacheFile, configFile, location] = process.argv.slice(2);
if (!cacheFile || !configFile || !location) throw new Error('usage: measure-task.ts CACHE CONFIG.yaml OUTPUT_LOCATION');
const config = { ...parseRunConfig(readFileSync(configFile, 'utf8'), configFile), output_location: location, threads: 1 };
const setup = await prepareRun(config);
const cache = TaskCache.open(cacheFile);
const row = cache.tasks()[0];
if (!row) throw new Error(`no task in ${cacheFile}`);
const task = workerTaskFor(cache, cache.meta(), row, setup);
cache.close();
const before = bytesReadSoFar();
const outcome = await runTask(task);
const readBytes = bytesReadSoFar() - before;
process.stdout.write(`${JSON.stringify({ status: outcome.status, maxRssBytes: process.resourceUsage().maxRSS * 1024, readBytes })}\n`);
