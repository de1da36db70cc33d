/**
 * Planning at scale: N synthetic Sentinel-2-like STAC items over Africa, one year, written as
 * newline-delimited JSON, then planned on africa-10, annual, by the built CLI code in a child
 * process whose wall time and peak RSS are reported.
 *
 *   npm run bench:plan -- 100000 1000000
 *
 * Items: ~110 km footprints on a lattice of MGRS-like tile positions covering Africa's bounding
 * box, each seen every few days through 2021; each item carries 13 band assets and the usual
 * properties, about 2.6 kB of JSON, like Element 84's or DE Africa's items.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';

const OUT = path.resolve('benchmarks/out');
const BANDS = ['B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B09', 'B11', 'B12', 'SCL'];
const WEST = -18;
const EAST = 52;
const SOUTH = -35;
const NORTH = 38;
const STEP_DEG = 0.9;

function latticePositions(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let lat = SOUTH; lat < NORTH; lat += STEP_DEG) {
    const stepLon = STEP_DEG / Math.cos((lat * Math.PI) / 180);
    for (let lon = WEST; lon < EAST; lon += stepLon) out.push([lon, lat]);
  }
  return out;
}

async function writeItems(file: string, count: number): Promise<void> {
  const positions = latticePositions();
  const passes = Math.ceil(count / positions.length);
  const yearMs = 365 * 86_400_000;
  const start = Date.UTC(2021, 0, 1);
  const stream = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    const pos = i % positions.length;
    const pass = Math.floor(i / positions.length);
    const [lon, lat] = positions[pos]!;
    const w = 1.0 / Math.cos((lat * Math.PI) / 180);
    const ring = [
      [lon, lat],
      [lon + w, lat],
      [lon + w, lat + 1],
      [lon, lat + 1],
      [lon, lat],
    ];
    const t = new Date(start + ((pass + (pos % 7) / 7) * yearMs) / passes + 10 * 3_600_000);
    const id = `S2A_MSIL2A_${t.toISOString().replace(/[-:.]/g, '').slice(0, 15)}_T${pos}`;
    const assets: Record<string, unknown> = {};
    for (const b of BANDS) {
      assets[b] = {
        href: `s3://sentinel-cogs/sentinel-s2-l2a-cogs/${pos}/${t.getUTCFullYear()}/${id}/${b}.tif`,
        type: 'image/tiff; application=geotiff; profile=cloud-optimized',
        roles: ['data'],
      };
    }
    const item = {
      type: 'Feature',
      stac_version: '1.0.0',
      id,
      collection: 's2_l2a',
      geometry: { type: 'Polygon', coordinates: [ring] },
      bbox: [lon, lat, lon + w, lat + 1],
      properties: {
        datetime: t.toISOString(),
        platform: 'sentinel-2a',
        'eo:cloud_cover': (i * 7) % 100,
        'proj:epsg': 32600 + Math.floor((lon + 180) / 6) + 1,
        's2:processing_baseline': '05.00',
      },
      assets,
      links: [],
    };
    if (!stream.write(`${JSON.stringify(item)}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

const PLAN_IN_CHILD = `
const { saveTasks } = await import(${JSON.stringify(new URL('../dist/main/planner/save-tasks.js', import.meta.url).href)});
const [catalog, output] = process.argv.slice(1);
const t0 = performance.now();
const r = await saveTasks({ catalog, inputProducts: ['s2_l2a'], grid: 'africa-10', frequency: 'annual', year: 2021, output, overwrite: true });
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS, counts: r.counts, estimate: r.estimate }));
`;

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  if (sizes.length === 0) sizes.push(100_000, 1_000_000);
  mkdirSync(OUT, { recursive: true });
  for (const n of sizes) {
    const file = path.join(OUT, `items-${n}.ndjson`);
    if (!existsSync(file)) {
      process.stderr.write(`writing ${n} items to ${file}\n`);
      await writeItems(file, n);
    }
    const output = path.join(OUT, `plan-${n}.db`);
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', PLAN_IN_CHILD, file, output], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (child.status !== 0) throw new Error(`planning ${n} items failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout) as { seconds: number; maxRssKiB: number; counts: { tasks: number; datasets: number } };
    const mb = (statSync(file).size / 1e6).toFixed(0);
    const dbMb = (statSync(output).size / 1e6).toFixed(0);
    process.stdout.write(
      `${n} items (${mb} MB ndjson) → ${r.counts.datasets} datasets, ${r.counts.tasks} tasks, cache ${dbMb} MB: ` +
        `${r.seconds.toFixed(1)} s, ${(n / r.seconds).toFixed(0)} items/s, peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB\n`,
    );
    rmSync(output, { force: true });
  }
}

await main();
