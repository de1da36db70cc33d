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
import { isCopiedBeforeRuns } from '../../shared/copied-files.js';
import { UserError } from '../../shared/errors.js';
import type { RunConfig } from '../../shared/run-config.js';
import { readBytes } from '../io/uri.js';

/** The plugin_config keys that name a file a plugin reads. */
const FILE_KEYS = ['class_def_path', 'urban_mask', 'mangroves_extent'] as const;
const SHAPEFILE_SIDECARS = ['.shx', '.dbf', '.prj', '.cpg'];
/** What a zipped vector layer may be, when the path names the archive alone. */
const LAYER_FILE = /\.(shp|geojson|json)$/i;

export interface PluginFileOptions {
  unsigned?: boolean;
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
    // A shapefile's sidecars where it has them: any it lacks is no error.
    if (/\.shp$/i.test(copy)) for (const sidecar of SHAPEFILE_SIDECARS) await copyOf(sourceOf(value).replace(/\.shp$/i, sidecar), options).catch(() => undefined);
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

/**
 * Copies made by this process, by source: a file is fetched once a process (a later change of
 * the object is not seen by a long-lived host). A failed fetch is not kept, so it is tried again.
 */
const copies = new Map<string, Promise<string>>();

function copyOf(source: string, options: PluginFileOptions): Promise<string> {
  let copy = copies.get(source);
  if (!copy) {
    copy = download(source, options);
    copies.set(source, copy);
    copy.catch(() => copies.delete(source));
  }
  return copy;
}

/** The local path of `source`: a local path as it is, else a copy. */
async function download(source: string, options: PluginFileOptions): Promise<string> {
  if (!/^(s3|https?):\/\//i.test(source)) {
    if (existsSync(source)) return source;
    throw new UserError(`${source} is not found`);
  }
  const bytes = await readBytes(source, 'file', { unsigned: options.unsigned ?? false });
  // One folder a remote folder, so that a shapefile's sidecars land beside it.
  const remoteFolder = source.slice(0, source.lastIndexOf('/'));
  const folder = path.join(options.folder ?? path.join(os.tmpdir(), 'odc-stats-plugin-files'), createHash('sha1').update(remoteFolder).digest('hex').slice(0, 16));
  await fs.mkdir(folder, { recursive: true });
  const file = path.join(folder, path.posix.basename(new URL(source).pathname) || 'file');
  await writeFileAtomic(file, bytes);
  return file;
}
