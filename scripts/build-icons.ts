// Renders assets/icon.svg into every icon the app ships (npm run build:icons). The results are
// committed; a test fails when they no longer match the SVG.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderIconSet } from './icons/icon-set.js';

const assets = fileURLToPath(new URL('../assets/', import.meta.url));
for (const { path: file, data } of renderIconSet(await readFile(path.join(assets, 'icon.svg'), 'utf8'))) {
  await mkdir(path.dirname(path.join(assets, file)), { recursive: true });
  await writeFile(path.join(assets, file), data);
  console.log(`assets/${file} (${data.length} bytes)`);
}
