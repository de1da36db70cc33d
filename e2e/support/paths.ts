import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
/** The sample catalogue, generated once and kept between runs (it takes ~30 s to write). */
export const SAMPLE_CACHE = path.join(ROOT, 'node_modules', '.cache', 'odc-stats-e2e', `sample-catalog-${sampleVersion()}`);

/** A hash of the sample's sources, so that a changed sample is written again. */
function sampleVersion(): string {
  const hash = createHash('sha1');
  for (const file of ['sample-catalog.ts', 'sample-scene.ts', 'sample-stac.ts']) hash.update(readFileSync(path.join(ROOT, 'src', 'main', 'sample', file)));
  return hash.digest('hex').slice(0, 10);
}
/** Screenshots of each step, in the test output. */
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'e2e', 'screenshots');
export const CHROMIUM = process.env.ODC_STATS_CHROMIUM ?? '/usr/bin/chromium';
