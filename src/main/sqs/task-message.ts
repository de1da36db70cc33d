/**
 * The body of a queue message: one task of a task cache, as odc-stats writes it
 * (`tasks.py`: `render_sqs`) — `{"filedb": "s3://…/NAME.db", "tile_idx": "PERIOD/X/Y"}`. The
 * run config the task was published with travels beside the body, in the message attribute
 * `odc_stats_config`, so that the body stays the one odc-stats' workers read.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { formatTaskId, parseTaskId, type TaskId } from '../../shared/task-id.js';

export interface TaskMessage {
  /** The task cache: an s3:// URI (or, for a queue served on one machine, a path). */
  filedb: string;
  /** The task as `tile_idx` names it. */
  task: TaskId;
  /** The run config published with the task (an s3:// URI, or a path for a queue served on one machine), when the message names one. */
  config?: string;
}

const CONFIG_ATTRIBUTE = 'odc_stats_config';

/** The message attributes that name the run config a task is to be computed with. */
export function configAttributes(configUri: string): Record<string, MessageAttributeValue> {
  return { [CONFIG_ATTRIBUTE]: { DataType: 'String', StringValue: configUri } };
}

/** A body that can never name a task: retrying it is pointless. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/** The message body, byte for byte as Python's `json.dumps` writes odc-stats' dict. */
export function renderTaskMessage(filedb: string, task: TaskId): string {
  return `{"filedb": ${pythonJsonString(filedb)}, "tile_idx": ${pythonJsonString(formatTaskId(task))}}`;
}

export function parseTaskMessage(body: string | undefined, attributes?: Record<string, MessageAttributeValue>): TaskMessage {
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
  let task: TaskId;
  try {
    task = parseTaskId(tileIdx);
  } catch (e) {
    throw new MalformedMessageError(`message has an invalid "tile_idx": ${(e as Error).message}`);
  }
  const config = attributes?.[CONFIG_ATTRIBUTE]?.StringValue;
  return { filedb, task, ...(config && { config }) };
}

// json.dumps escapes every non-ASCII character (ensure_ascii), JSON.stringify does not.
function pythonJsonString(text: string): string {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function abbreviate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
