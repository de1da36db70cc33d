/**
 * odc-stats' own task cache — the odc-dscache file its `save-tasks` writes — read as a task cache
 * of this application. The file is an LMDB environment of four databases:
 *   info    'version' → b'0001'; 'zdict' → zstd dictionary (optional, raw); 'grid/NAME' →
 *           gridspec {crs, tile_size, resolution, origin} (Y, X order); 'stats/config' →
 *           save-tasks' settings {grid, freq, temporal_range, query, tiles}; 'product/NAME' →
 *           product definitions. Values other than version and zdict are zstd-compressed JSON.
 *   groups  'GRID/PERIOD/+XXXX/+YYYY' → the task's dataset ids, 16 UUID bytes each.
 *   ds      UUID bytes → zstd-compressed JSON {product, uris, metadata: EO3 document}.
 *   udata   unused by odc-stats.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parseTemporalRange, type Period } from '../../shared/daterange.js';
import { UserError } from '../../shared/errors.js';
import { tileCentreLonLat } from '../../shared/geometry.js';
import { parseGrid, type GridSpec } from '../../shared/grid.js';
import { normaliseCrs } from '../../shared/crs.js';
import { solarDay, solarOffsetHours } from '../../shared/solar.js';
import { loadZstd, type Zstd } from '../../io/zstd.js';
import { dscacheDataset, dscacheDatasetTime } from './dscache-dataset.js';
import { isLmdbHeader, lmdbDataFile, LmdbEnvironment, LmdbError, type LmdbDatabase } from './dscache-lmdb.js';
import type { TaskCacheMeta, TaskDataset, TaskRow } from './task-cache.js';

const FORMAT_VERSION = '0001';

/** Whether `file` is an LMDB environment (an odc-dscache file): a data file, or a folder holding data.mdb. */
export function isLmdb(file: string): boolean {
  try {
    const fd = openSync(lmdbDataFile(file), 'r');
    try {
      const head = Buffer.alloc(64);
      return readSync(fd, head, 0, head.length, 0) === head.length && isLmdbHeader(head);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

interface DscacheTask extends TaskRow {
  group: Buffer;
}

interface StatsConfig {
  grid: string;
  freq?: string;
  temporal_range?: string | null;
  query?: unknown;
}

/** An odc-dscache task cache, opened read-only; the same reads as TaskCache. */
export class DscacheTaskCache {
  private taskList: DscacheTask[] | undefined;
  private readonly times = new Map<string, number>();

  private constructor(
    private readonly file: string,
    private readonly env: LmdbEnvironment,
    private readonly dbs: { info: LmdbDatabase; groups: LmdbDatabase; ds: LmdbDatabase },
    private readonly zstd: Zstd,
    private readonly dictionary: Uint8Array | undefined,
    private readonly config: StatsConfig,
    private readonly grid: GridSpec,
  ) {}

  static async open(file: string): Promise<DscacheTaskCache> {
    const zstd = await loadZstd();
    let env: LmdbEnvironment;
    try {
      env = LmdbEnvironment.open(file);
    } catch (e) {
      throw new UserError(`cannot open odc-dscache file ${file}: ${(e as Error).message}`);
    }
    try {
      const dbs = {
        info: openBinary(env, 'info', file),
        groups: openBinary(env, 'groups', file),
        ds: openBinary(env, 'ds', file),
      };
      const version = dbs.info.get(key('version'))?.toString('latin1');
      if (version !== FORMAT_VERSION) {
        throw new UserError(`odc-dscache file ${file} has format version ${version ?? '(none)'}; this version reads ${FORMAT_VERSION}`);
      }
      const zdict = dbs.info.get(key('zdict'));
      const dictionary = zdict ? Uint8Array.from(zdict) : undefined;
      const decode = (bytes: Buffer) => JSON.parse(new TextDecoder().decode(zstd.decompress(bytes, dictionary && { dictionary }))) as unknown;
      const configBytes = dbs.info.get(key('stats/config'));
      if (!configBytes) throw new UserError(`odc-dscache file ${file} has no odc-stats task configuration (info 'stats/config'): not made by save-tasks`);
      const config = statsConfig(decode(configBytes), file);
      const gridBytes = dbs.info.get(key(`grid/${config.grid}`));
      if (!gridBytes) throw new UserError(`odc-dscache file ${file} names grid '${config.grid}' but does not define it (info 'grid/${config.grid}')`);
      const grid = gridOf(config.grid, decode(gridBytes), file);
      return new DscacheTaskCache(file, env, dbs, zstd, dictionary, config, grid);
    } catch (e) {
      env.close();
      throw e instanceof LmdbError ? new UserError(`odc-dscache file ${file}: ${e.message}`) : e;
    }
  }

  meta(): TaskCacheMeta {
    const products = [...this.dbs.info.range(key('product/'))]
      .map(([k]) => k.toString('utf8'))
      .filter((k) => k.startsWith('product/'))
      .map((k) => k.slice('product/'.length));
    return {
      app_version: `odc-dscache ${FORMAT_VERSION}`,
      created: statSync(this.file).mtime.toISOString(),
      grid: this.grid.name,
      frequency: this.config.freq ?? 'annual',
      temporal_range: this.config.temporal_range ?? null,
      input_products: products,
      catalog: '',
      query: this.config.query ?? null,
      config: this.config,
    };
  }

  /** All tasks sorted by period, x, y. */
  tasks(): TaskRow[] {
    return this.allTasks().map(({ group: _group, ...row }) => row);
  }

  task(period: string, x: number, y: number): TaskRow | undefined {
    return this.tasks().find((t) => t.period === period && t.x === x && t.y === y);
  }

  /** The datasets of one task, oldest first, each as a STAC item; a dataset's id is its place in the task's group. */
  datasetsOf(taskId: number): TaskDataset[] {
    const task = this.allTasks()[taskId - 1];
    if (!task) return [];
    const datasets = uuidsOf(task.group).map((id, i) => {
      const { item, time } = dscacheDataset(id, this.record(task.group.subarray(i * 16, i * 16 + 16), id, `${task.period}/${task.x}/${task.y}`));
      return { datasetId: i + 1, time, solarDay: solarDay(time, task.utcOffset), item };
    });
    datasets.sort((a, b) => a.time - b.time || (a.item.id < b.item.id ? -1 : 1));
    return datasets.map(({ datasetId, solarDay: day, item }) => ({ datasetId, solarDay: day, item }));
  }

  datasetCount(): number {
    return this.dbs.ds.entries;
  }

  close(): void {
    this.env.close();
  }

  private allTasks(): DscacheTask[] {
    this.taskList ??= this.readTasks();
    return this.taskList;
  }

  private readTasks(): DscacheTask[] {
    const prefix = `${this.config.grid}/`;
    const tasks: Array<Omit<DscacheTask, 'taskId'>> = [];
    for (const [name, value] of this.dbs.groups.range(key(prefix))) {
      const text = name.toString('utf8');
      if (!text.startsWith(prefix)) break;
      const [period = '', xText = '', yText = '', ...rest] = text.slice(prefix.length).split('/');
      if (rest.length > 0 || !/^[+-]?\d+$/.test(xText) || !/^[+-]?\d+$/.test(yText)) {
        throw new UserError(`odc-dscache file ${this.file}: task '${text}' is not GRID/PERIOD/X/Y`);
      }
      const x = Number(xText);
      const y = Number(yText);
      const range = periodOf(period, text);
      const utcOffset = solarOffsetHours(tileCentreLonLat(this.grid, { x, y })[0]);
      const group = Buffer.from(value);
      const days = new Set(uuidsOf(group).map((id, i) => solarDay(this.timeOf(group.subarray(i * 16, i * 16 + 16), id, `${period}/${x}/${y}`), utcOffset)));
      tasks.push({
        group,
        period,
        x,
        y,
        periodStart: new Date(range.start).toISOString(),
        periodEnd: new Date(range.end).toISOString(),
        utcOffset,
        datasets: group.length / 16,
        days: days.size,
      });
    }
    tasks.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.x - b.x || a.y - b.y));
    return tasks.map((t, i) => ({ taskId: i + 1, ...t }));
  }

  private timeOf(uuid: Buffer, id: string, task: string): number {
    let time = this.times.get(id);
    if (time === undefined) {
      time = dscacheDatasetTime(id, this.record(uuid, id, task));
      this.times.set(id, time);
    }
    return time;
  }

  private record(uuid: Buffer, id: string, task: string): unknown {
    const bytes = this.dbs.ds.get(uuid);
    if (!bytes) throw new UserError(`odc-dscache file ${this.file}: dataset ${id} of task ${task} is missing`);
    return JSON.parse(new TextDecoder().decode(this.zstd.decompress(bytes, this.dictionary && { dictionary: this.dictionary })));
  }
}

function key(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

function openBinary(env: LmdbEnvironment, name: string, file: string): LmdbDatabase {
  const db = env.database(name);
  if (!db) throw new UserError(`${file} is an LMDB file without the '${name}' database of an odc-dscache file`);
  return db;
}

function uuidsOf(group: Buffer): string[] {
  const ids: string[] = [];
  for (let i = 0; i + 16 <= group.length; i += 16) {
    const hex = group.toString('hex', i, i + 16);
    ids.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
  }
  return ids;
}

function statsConfig(value: unknown, file: string): StatsConfig {
  const config = value as Partial<StatsConfig> | null;
  if (typeof config?.grid !== 'string') throw new UserError(`odc-dscache file ${file}: info 'stats/config' names no grid`);
  return config as StatsConfig;
}

function periodOf(label: string, task: string): Period {
  try {
    return parseTemporalRange(label);
  } catch {
    throw new UserError(`odc-dscache task '${task}': period '${label}' is not a START--PnU period`);
  }
}

/**
 * The grid of a datacube GridSpec document as this application names grids: the built-in grid
 * of that name when it is the same grid, else a custom 'CRS;RESOLUTION;PIXELS' grid, which has
 * its origin at 0, 0. Other grids (origin elsewhere, rectangular tiles or pixels) are refused.
 */
function gridOf(name: string, doc: unknown, file: string): GridSpec {
  const spec = doc as { crs?: unknown; tile_size?: unknown; resolution?: unknown; origin?: unknown } | null;
  const pair = (v: unknown): [number, number] | undefined =>
    Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number') ? (v as [number, number]) : undefined;
  const tileSize = pair(spec?.tile_size);
  const resolution = pair(spec?.resolution);
  const origin = pair(spec?.origin) ?? [0, 0];
  if (typeof spec?.crs !== 'string' || !tileSize || !resolution) {
    throw new UserError(`odc-dscache file ${file}: grid '${name}' is not a {crs, tile_size, resolution, origin} gridspec`);
  }
  const crs = normaliseCrs(spec.crs);
  const [resY, resX] = resolution;
  const pixels = tileSize[1] / resX;
  const describe = `${crs}, tiles ${tileSize.join('×')}, resolution ${resolution.join(', ')}, origin ${origin.join(', ')} (Y, X)`;
  if (tileSize[0] !== tileSize[1] || resY !== -resX || !(resX > 0) || !Number.isInteger(pixels)) {
    throw new UserError(`odc-dscache file ${file}: grid '${name}' (${describe}) needs square tiles of square north-up pixels`);
  }
  const named = builtInGrid(name);
  if (named && named.crs === crs && named.resolution === resX && named.tileSize === tileSize[1] && named.origin.x === origin[1] && named.origin.y === origin[0]) {
    return named;
  }
  if (origin[0] !== 0 || origin[1] !== 0) {
    throw new UserError(`odc-dscache file ${file}: grid '${name}' (${describe}) is no built-in grid and custom grids start at 0, 0`);
  }
  return parseGrid(`${crs};${resX};${pixels}`);
}

function builtInGrid(name: string): GridSpec | undefined {
  try {
    return name.includes(';') ? undefined : parseGrid(name);
  } catch {
    return undefined;
  }
}
