import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { UserError } from '../../shared/errors.js';
import type { StacItem } from '../../shared/stac.js';
import { TASK_CACHE_FORMAT_VERSION } from './schema.js';

/** What a task cache records about how it was made (the `meta` table, values as JSON). */
export interface TaskCacheMeta {
  app_version: string;
  created: string;
  grid: string;
  frequency: string;
  temporal_range: string | null;
  input_products: string[];
  catalog: string;
  query: unknown;
  config: unknown;
}

export interface TaskRow {
  taskId: number;
  period: string;
  x: number;
  y: number;
  periodStart: string;
  periodEnd: string;
  utcOffset: number;
  datasets: number;
  days: number;
}

export interface TaskDataset {
  datasetId: number;
  solarDay: string;
  item: StacItem;
}

/** Read access to a finished task cache. */
export class TaskCache {
  private readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  static open(path: string): TaskCache {
    if (!existsSync(path)) throw new UserError(`task cache not found: ${path}`);
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      db.prepare('SELECT value FROM meta WHERE key = ?').get('format_version');
    } catch {
      throw new UserError(`not a task cache (no readable meta table): ${path}`);
    }
    const cache = new TaskCache(db);
    const version = cache.metaValue('format_version');
    if (version !== TASK_CACHE_FORMAT_VERSION) {
      db.close();
      throw new UserError(`task cache ${path} has format ${String(version)}; this version reads format ${TASK_CACHE_FORMAT_VERSION}`);
    }
    return cache;
  }

  meta(): TaskCacheMeta {
    const rows = this.db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
    const out: Record<string, unknown> = {};
    for (const r of rows) out[r.key] = JSON.parse(r.value);
    return out as unknown as TaskCacheMeta;
  }

  /** All tasks sorted by period, x, y. */
  tasks(): TaskRow[] {
    return this.db
      .prepare(
        `SELECT task_id AS taskId, period, x, y, period_start AS periodStart, period_end AS periodEnd,
                utc_offset AS utcOffset, datasets, days
           FROM tasks ORDER BY period, x, y`,
      )
      .all() as TaskRow[];
  }

  task(period: string, x: number, y: number): TaskRow | undefined {
    return this.db
      .prepare(
        `SELECT task_id AS taskId, period, x, y, period_start AS periodStart, period_end AS periodEnd,
                utc_offset AS utcOffset, datasets, days
           FROM tasks WHERE period = ? AND x = ? AND y = ?`,
      )
      .get(period, x, y) as TaskRow | undefined;
  }

  /** The datasets of one task, oldest first, each with its whole STAC item. */
  datasetsOf(taskId: number): TaskDataset[] {
    const rows = this.db
      .prepare(
        `SELECT d.dataset_id AS datasetId, l.solar_day AS solarDay, d.item AS item
           FROM task_datasets l JOIN datasets d ON d.dataset_id = l.dataset_id
          WHERE l.task_id = ? ORDER BY d.time, d.item_id`,
      )
      .all(taskId) as Array<{ datasetId: number; solarDay: string; item: string }>;
    return rows.map((r) => ({ datasetId: r.datasetId, solarDay: r.solarDay, item: JSON.parse(r.item) as StacItem }));
  }

  datasetCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }

  private metaValue(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? JSON.parse(row.value) : undefined;
  }
}
