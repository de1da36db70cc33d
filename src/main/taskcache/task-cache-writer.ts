import Database from 'better-sqlite3';
import type { Period } from '../../shared/daterange.js';
import type { TileIndex } from '../../shared/grid.js';
import { INDEX_SQL, SCHEMA_SQL, TASK_CACHE_FORMAT_VERSION } from './schema.js';
import type { TaskCacheMeta } from './task-cache.js';

export interface DatasetRecord {
  itemId: string;
  collection: string;
  /** ISO 8601, UTC. */
  time: string;
  footprintJson: string;
  itemJson: string;
}

interface TaskTally {
  taskId: number;
  period: string;
  x: number;
  y: number;
  datasets: number;
  days: Set<string>;
}

export interface TaskTotals {
  period: string;
  x: number;
  y: number;
  datasets: number;
  days: number;
}

const ROWS_PER_TRANSACTION = 20_000;
/** Links are inserted this many per statement: per-statement overhead dominates single-row inserts. */
const LINKS_PER_INSERT = 256;

/**
 * Builds a new task cache in one pass over the catalogue: datasets and their task links are
 * streamed into SQLite as they come, so memory stays flat however many items there are; only
 * the per-task tallies (a few thousand tasks) live in memory.
 */
export class TaskCacheWriter {
  private readonly db: Database.Database;
  private readonly insertDataset: Database.Statement;
  private readonly insertTask: Database.Statement;
  private readonly insertLinks: Database.Statement;
  private readonly pendingLinks: Array<number | string> = [];
  private readonly tasks = new Map<string, TaskTally>();
  private readonly seenItems = new Set<string>();
  private rowsInTransaction = 0;
  private nextDatasetId = 1;

  constructor(path: string) {
    this.db = new Database(path);
    // The file is a temporary one renamed into place when complete, so a crash cannot leave a
    // half-written cache under the real name: durability per statement buys nothing here.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -65536');
    this.db.exec(SCHEMA_SQL);
    this.insertDataset = this.db.prepare(
      'INSERT INTO datasets (dataset_id, item_id, collection, time, footprint, item) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertTask = this.db.prepare(
      'INSERT INTO tasks (task_id, period, x, y, period_start, period_end, utc_offset) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertLinks = this.db.prepare(
      `INSERT INTO task_datasets (task_id, dataset_id, solar_day) VALUES ${Array(LINKS_PER_INSERT).fill('(?, ?, ?)').join(', ')}`,
    );
    this.db.exec('BEGIN');
  }

  /** Stores a dataset; returns its id, or undefined when the same item was stored already. */
  addDataset(d: DatasetRecord): number | undefined {
    const key = `${d.collection}\u0000${d.itemId}`;
    if (this.seenItems.has(key)) return undefined;
    this.seenItems.add(key);
    const id = this.nextDatasetId++;
    this.insertDataset.run(id, d.itemId, d.collection, d.time, d.footprintJson, d.itemJson);
    this.countRow();
    return id;
  }

  /** Links a dataset to the task of `tile` in `period`, creating the task on first use. */
  link(period: Period, tile: TileIndex, utcOffsetHours: number, datasetId: number, solarDay: string): void {
    const key = `${period.label}/${tile.x}/${tile.y}`;
    let tally = this.tasks.get(key);
    if (!tally) {
      tally = { taskId: this.tasks.size + 1, period: period.label, x: tile.x, y: tile.y, datasets: 0, days: new Set() };
      this.tasks.set(key, tally);
      this.insertTask.run(
        tally.taskId,
        period.label,
        tile.x,
        tile.y,
        new Date(period.start).toISOString(),
        new Date(period.end).toISOString(),
        utcOffsetHours,
      );
    }
    tally.datasets += 1;
    tally.days.add(solarDay);
    this.pendingLinks.push(tally.taskId, datasetId, solarDay);
    if (this.pendingLinks.length === LINKS_PER_INSERT * 3) {
      this.insertLinks.run(this.pendingLinks);
      this.pendingLinks.length = 0;
    }
    this.countRow();
  }

  /** Every task so far with its dataset and distinct-day counts. */
  *taskTotals(): Iterable<TaskTotals> {
    for (const t of this.tasks.values()) yield { period: t.period, x: t.x, y: t.y, datasets: t.datasets, days: t.days.size };
  }

  get taskCount(): number {
    return this.tasks.size;
  }

  get datasetCount(): number {
    return this.nextDatasetId - 1;
  }

  /**
   * Renames every task's period (used by the `all` frequency without a temporal range, whose
   * label is only known once every dataset has been seen).
   */
  relabelAllTasks(period: Period): void {
    for (const t of this.tasks.values()) t.period = period.label;
    this.db
      .prepare('UPDATE tasks SET period = ?, period_start = ?, period_end = ?')
      .run(period.label, new Date(period.start).toISOString(), new Date(period.end).toISOString());
  }

  /** Writes the tallies, indexes and metadata, and closes the file. */
  finish(meta: TaskCacheMeta): void {
    this.flushLinks();
    const setCounts = this.db.prepare('UPDATE tasks SET datasets = ?, days = ? WHERE task_id = ?');
    for (const tally of this.tasks.values()) setCounts.run(tally.datasets, tally.days.size, tally.taskId);
    const setMeta = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    const entries: Record<string, unknown> = { ...meta, format_version: TASK_CACHE_FORMAT_VERSION };
    for (const [key, value] of Object.entries(entries)) setMeta.run(key, JSON.stringify(value));
    this.db.exec('COMMIT');
    this.db.exec(INDEX_SQL);
    this.db.pragma('journal_mode = DELETE');
    this.db.close();
  }

  /** Closes without finishing (the caller discards the temporary file). */
  abandon(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }

  private flushLinks(): void {
    const rest = this.db.prepare('INSERT INTO task_datasets (task_id, dataset_id, solar_day) VALUES (?, ?, ?)');
    for (let i = 0; i < this.pendingLinks.length; i += 3) rest.run(this.pendingLinks.slice(i, i + 3));
    this.pendingLinks.length = 0;
  }

  private countRow(): void {
    if (++this.rowsInTransaction < ROWS_PER_TRANSACTION) return;
    this.db.exec('COMMIT');
    this.db.exec('BEGIN');
    this.rowsInTransaction = 0;
  }
}
