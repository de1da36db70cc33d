/**
 * The task cache schema, version 1. Documented for people and other tools in
 * docs/task-cache.md; keep the two in step.
 */
export const TASK_CACHE_FORMAT_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE datasets (
  dataset_id INTEGER PRIMARY KEY,
  item_id    TEXT NOT NULL,
  collection TEXT NOT NULL,
  time       TEXT NOT NULL,
  footprint  TEXT NOT NULL,
  item       TEXT NOT NULL
);
CREATE TABLE tasks (
  task_id      INTEGER PRIMARY KEY,
  period       TEXT NOT NULL,
  x            INTEGER NOT NULL,
  y            INTEGER NOT NULL,
  period_start TEXT NOT NULL,
  period_end   TEXT NOT NULL,
  utc_offset   INTEGER NOT NULL,
  datasets     INTEGER NOT NULL DEFAULT 0,
  days         INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE task_datasets (
  task_id    INTEGER NOT NULL REFERENCES tasks(task_id),
  dataset_id INTEGER NOT NULL REFERENCES datasets(dataset_id),
  solar_day  TEXT NOT NULL
);
`;

/** Built after the bulk load: building them once is much faster than keeping them up to date row by row. */
export const INDEX_SQL = `
CREATE UNIQUE INDEX datasets_by_item ON datasets (collection, item_id);
CREATE UNIQUE INDEX tasks_by_key ON tasks (period, x, y);
CREATE UNIQUE INDEX task_datasets_by_task ON task_datasets (task_id, dataset_id);
`;
