/**
 * Loaded before the CLI (`node --import`) to make a bug happen where none is known: every
 * `fs.promises.stat` throws a TypeError, which no command expects.
 */
import { promises as fs } from 'node:fs';

fs.stat = (() => {
  throw new TypeError('injected fault: stat is broken');
}) as typeof fs.stat;
