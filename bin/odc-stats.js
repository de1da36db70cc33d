#!/usr/bin/env node
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('odc-stats: not built yet; run `npm run build` in the project folder\n');
  process.exit(1);
}
await import(entry.href);
