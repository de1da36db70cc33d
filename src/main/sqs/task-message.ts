/**
 * The body of a queue message: one task of a task cache, as odc-stats writes it
 * (`tasks.py`: `render_sqs`) — `{"filedb": "s3://…/NAME.db", "tile_idx": "PERIOD/X/Y"}`.
 */
import { formatTaskId, parseTaskId, type TaskId } from '../../shared/task-id.js';

export interface TaskMessage {
  /** The task cache: an s3:// URI (or, for a queue served on one machine, a path). */
  filedb: string;
  /** The task as `tile_idx` names it. */
  task: TaskId;
}

/** A body that can never name a task: retrying it is pointless. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/** The message body, byte for byte as Python's `json.dumps` writes odc-stats' dict. */
export function renderTaskMessage(filedb: string, task: TaskId): string {
  return `{"filedb": ${pythonJsonString(filedb)}, "tile_idx": ${pythonJsonString(formatTaskId(task))}}`;
}

export function parseTaskMessage(body: string | undefined): TaskMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw new MalformedMessageError(`message body is not JSON: ${abbreviate(body ?? '')}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedMessageError(`message body is not a JSON object: ${abbreviate(body ?? '')}`);
  }
  const { filedb, tile_idx: tileIdx } = parsed as Record<string, unknown>;
  if (typeof filedb !== 'string' || filedb === '') throw new MalformedMessageError(`message has no "filedb": ${abbreviate(body ?? '')}`);
  if (typeof tileIdx !== 'string') throw new MalformedMessageError(`message has no "tile_idx": ${abbreviate(body ?? '')}`);
  try {
    return { filedb, task: parseTaskId(tileIdx) };
  } catch (e) {
    throw new MalformedMessageError(`message has an invalid "tile_idx": ${(e as Error).message}`);
  }
}

// json.dumps escapes every non-ASCII character (ensure_ascii), JSON.stringify does not.
function pythonJsonString(text: string): string {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function abbreviate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
