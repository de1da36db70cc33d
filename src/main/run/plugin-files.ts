/**
 * Files a `plugin_config` names on object stores or in archives, as odc-stats opens them through
 * GDAL and fsspec (DEA's land cover: `class_def_path: s3://…/x.csv`, `urban_mask:
 * /vsizip/vsis3/bucket/…/x.zip`): copied into a local folder before any plugin is made, and named
 * there by their local path, so that plugins read local files only. Each process copies a file
 * once; a shapefile brings its `.shx`, `.dbf`, `.prj` and `.cpg` where they exist.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { extractZip } from '../../io/zip-archive.js';
import type { AwsConnection } from '../../shared/aws-connection.js';
import { isCopiedBeforeRuns } from '../../shared/copied-files.js';
import { UserError } from '../../shared/errors.js';
import { firstLine } from '../../shared/first-line.js';
import type { RunConfig } from '../../shared/run-config.js';
import { getS3Object } from '../io/s3.js';

/** The plugin_config keys that name a file a plugin reads. */
const FILE_KEYS = ['class_def_path', 'urban_mask', 'mangroves_extent'] as const;
const SHAPEFILE_SIDECARS = ['.shx', '.dbf', '.prj', '.cpg'];
/** What a zipped vector layer may be, when the path names the archive alone. */
const LAYER_FILE = /\.(shp|geojson|json)$/i;

export interface PluginFileOptions {
  unsigned?: boolean;
  connection?: AwsConnection;
  /** Where copies go; default a folder of the system's temporary directory. */
  folder?: string;
}

/** The config with its plugin's remote and zipped files replaced by local copies; the same config when it names none. */
export async function withLocalPluginFiles(config: RunConfig, options: PluginFileOptions = {}): Promise<RunConfig> {
  const pluginConfig = { ...config.plugin_config };
  let changed = false;
  for (const key of FILE_KEYS) {
    const value = pluginConfig[key];
    if (typeof value !== 'string' || !isCopiedBeforeRuns(value)) continue;
    try {
      pluginConfig[key] = await localFile(value, options);
    } catch (e) {
      throw e instanceof UserError ? new UserError(`plugin_config ${key}: ${e.message}`) : e;
    }
    changed = true;
  }
  return changed ? { ...config, plugin_config: pluginConfig } : config;
}

/** A GDAL path (`/vsizip/…`, `/vsis3/…`, `/vsicurl/…`) or URI as the URI or path it reads. */
function sourceOf(gdalPath: string): string {
  const vsis3 = /^\/?vsis3\/(.+)$/i.exec(gdalPath);
  if (vsis3) return `s3://${vsis3[1]}`;
  const vsicurl = /^\/?vsicurl\/(.+)$/i.exec(gdalPath);
  return vsicurl ? vsicurl[1]! : gdalPath;
}

async function localFile(value: string, options: PluginFileOptions): Promise<string> {
  // GDAL's /vsizip/ then the archive's path (`/vsizip//abs/x.zip`, `/vsizip/vsis3/bucket/x.zip`), then a member.
  const zipped = /^\/vsizip\/(.+?\.zip)(?:\/(.+))?$/i.exec(value);
  if (!zipped) {
    const copy = await copyOf(sourceOf(value), options);
    if (/\.shp$/i.test(copy)) for (const sidecar of SHAPEFILE_SIDECARS) await copyOf(sourceOf(value).replace(/\.shp$/i, sidecar), options, { optional: true });
    return copy;
  }
  const archive = await copyOf(sourceOf(zipped[1]!), options);
  const folder = `${archive}.files`;
  const members = await extractZip(archive, folder);
  const member = zipped[2] ?? soleLayer(members);
  if (!members.includes(path.normalize(member))) throw new UserError(`the archive ${zipped[1]} has no ${member}`);
  return path.join(folder, member);
}

function soleLayer(members: readonly string[]): string {
  const layers = members.filter((m) => LAYER_FILE.test(m));
  if (layers.length !== 1) {
    throw new UserError(
      layers.length === 0 ? 'the archive holds no shapefile or GeoJSON file' : `the archive holds ${layers.length} layers (${layers.join(', ')}): name one after the .zip, as GDAL's /vsizip/ does`,
    );
  }
  return layers[0]!;
}

/** Copies made by this process, by source. */
const copies = new Map<string, Promise<string | undefined>>();

async function copyOf(source: string, options: PluginFileOptions, { optional = false } = {}): Promise<string> {
  let copy = copies.get(source);
  if (!copy) {
    copy = download(source, options, optional);
    copies.set(source, copy);
  }
  const file = await copy;
  if (file === undefined) throw new UserError(`${source} is not found`);
  return file;
}

/** The local path of `source`: a local path as it is, else a copy; undefined for an optional file that is not there. */
async function download(source: string, options: PluginFileOptions, optional: boolean): Promise<string | undefined> {
  if (!/^(s3|https?):\/\//i.test(source)) {
    if (existsSync(source)) return source;
    if (optional) return undefined;
    throw new UserError(`${source} is not found`);
  }
  let bytes: Uint8Array;
  try {
    bytes = /^s3:/i.test(source) ? await (await getS3Object(source, options)).transformToByteArray() : await fetchBytes(source);
  } catch (e) {
    if (optional) return undefined;
    throw e instanceof UserError ? e : new UserError(`cannot read ${source}: ${firstLine(e)}`);
  }
  const folder = path.join(options.folder ?? path.join(os.tmpdir(), 'odc-stats-plugin-files'), createHash('sha1').update(source).digest('hex').slice(0, 16));
  await fs.mkdir(folder, { recursive: true });
  const file = path.join(folder, path.posix.basename(new URL(source).pathname) || 'file');
  await writeFileAtomic(file, bytes);
  return file;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new UserError(`cannot read ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
