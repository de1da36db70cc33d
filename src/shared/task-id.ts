/**
 * Task ids (a period and a tile) and the task selectors of `odc-stats run` and `publish-tasks`
 * (odc-stats `_cli_common.py`: `parse_task`, `parse_all_tasks`; `tasks.py`: `render_sqs`).
 */
import { parseTemporalRange } from './daterange.js';
import { UserError } from './errors.js';
import { regionCode } from './grid.js';

export interface TaskId {
  period: string;
  x: number;
  y: number;
}

/** Which tasks of a task cache to process; no selector at all means every task. */
export type TaskSelector =
  | { kind: 'id'; id: TaskId }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; stop?: number; step?: number };

const TASK_FORMS = 'PERIOD/X/Y, PERIOD,X,Y or xX/yY/PERIOD (e.g. 2021--P1Y/3/-4, 2021--P1Y,+3,-4, x+003/y-004/2021--P1Y)';
const SELECTOR_FORMS = `${TASK_FORMS}, a zero-based index such as 5, or a slice START:STOP[:STEP] such as :100 or 1::10`;
const WHOLE_NUMBER = /^[+-]?\d+$/;

/**
 * `PERIOD/X/Y` with X and Y written as odc-stats writes the SQS `tile_idx` (`{x:02d}`):
 * `2021--P1Y/03/-4`. Every form parseTaskId reads gives the same id back.
 */
export function formatTaskId(id: TaskId): string {
  return `${id.period}/${regionCode(id, '{x:02d}/{y:02d}')}`;
}

function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!WHOLE_NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Reads `PERIOD/X/Y`, `PERIOD,X,Y` or the path form `xX/yY/PERIOD` (X and Y signed, zero-padded
 * or not, the `x`/`y` prefixes optional as in odc-stats). The period comes back as its
 * canonical label, the one the task cache stores: `2021--P12M` reads as `2021--P1Y`.
 */
export function parseTaskId(text: string): TaskId {
  const separator = text.includes('/') ? '/' : ',';
  const parts = text.split(separator);
  if (parts.length !== 3) throw new UserError(`invalid task '${text}': expected ${TASK_FORMS}`);
  let [periodText, xText, yText] = parts as [string, string, string];
  if (periodText.trim().startsWith('x')) [periodText, xText, yText] = [yText, periodText, xText];
  const x = wholeNumber(xText.trim().replace(/^x/, ''));
  const y = wholeNumber(yText.trim().replace(/^y/, ''));
  if (x === undefined || y === undefined) {
    throw new UserError(`invalid task '${text}': tile indices must be whole numbers; expected ${TASK_FORMS}`);
  }
  let period: string;
  try {
    period = parseTemporalRange(periodText).label;
  } catch (e) {
    throw new UserError(`invalid task '${text}': ${(e as Error).message}`);
  }
  return { period, x, y };
}

function parseSlice(text: string): TaskSelector {
  const parts = text.split(':');
  const invalid = () => new UserError(`invalid task selector '${text}': expected ${SELECTOR_FORMS}`);
  if (parts.length < 2 || parts.length > 3) throw invalid();
  const bounds = parts.map((part) => {
    if (part.trim() === '') return undefined;
    const value = wholeNumber(part);
    if (value === undefined) throw invalid();
    return value;
  });
  const [start, stop, step] = bounds;
  if (step === 0) throw new UserError(`invalid task selector '${text}': the slice step cannot be zero`);
  return {
    kind: 'slice',
    ...(start === undefined ? {} : { start }),
    ...(stop === undefined ? {} : { stop }),
    ...(step === undefined ? {} : { step }),
  };
}

/** One command-line task selector, told apart the way odc-stats does: a `,` or `/` makes an id, a `:` a slice. */
export function parseTaskSelector(text: string): TaskSelector {
  if (text.includes(',') || text.includes('/')) return { kind: 'id', id: parseTaskId(text) };
  if (text.includes(':')) return parseSlice(text);
  const index = wholeNumber(text);
  if (index === undefined) throw new UserError(`invalid task selector '${text}': expected ${SELECTOR_FORMS}`);
  return { kind: 'index', index };
}

/** The positions a Python slice `[start:stop:step]` takes from a list of `length` items. */
function sliceIndices(length: number, start: number | undefined, stop: number | undefined, step = 1): number[] {
  if (step === 0 || !Number.isInteger(step)) {
    throw new UserError(`invalid task slice: step ${step} must be a non-zero whole number`);
  }
  const lower = step > 0 ? 0 : -1;
  const upper = step > 0 ? length : length - 1;
  const clamp = (value: number | undefined, whenAbsent: number): number => {
    if (value === undefined) return whenAbsent;
    const fromEnd = value < 0 ? value + length : value;
    return Math.min(Math.max(fromEnd, lower), upper);
  };
  const first = clamp(start, step > 0 ? lower : upper);
  const end = clamp(stop, step > 0 ? upper : lower);
  const indices: number[] = [];
  for (let i = first; step > 0 ? i < end : i > end; i += step) indices.push(i);
  return indices;
}

function taskKey(id: TaskId): string {
  return `${id.period}/${id.x}/${id.y}`;
}

/**
 * The tasks the selectors pick, in the order of `tasks` (the task cache's: period, x, y) and
 * each once, however many selectors pick it. Indices and slices count from zero and, as in
 * Python, negative values count from the end. No selectors selects every task.
 */
export function selectTasks<T extends TaskId>(tasks: readonly T[], selectors: readonly TaskSelector[]): T[] {
  if (selectors.length === 0) return [...tasks];
  const positionByKey = new Map(tasks.map((task, position) => [taskKey(task), position]));
  const selected = new Set<number>();
  for (const selector of selectors) {
    switch (selector.kind) {
      case 'id': {
        const position = positionByKey.get(taskKey(selector.id));
        if (position === undefined) throw new UserError(`task ${formatTaskId(selector.id)} is not in the task cache`);
        selected.add(position);
        break;
      }
      case 'index': {
        const position = selector.index < 0 ? selector.index + tasks.length : selector.index;
        if (position < 0 || position >= tasks.length) {
          const count = `${tasks.length} task${tasks.length === 1 ? '' : 's'}`;
          throw new UserError(`task index ${selector.index} is out of range: the task cache has ${count}`);
        }
        selected.add(position);
        break;
      }
      case 'slice':
        for (const position of sliceIndices(tasks.length, selector.start, selector.stop, selector.step)) selected.add(position);
        break;
    }
  }
  return tasks.filter((_, position) => selected.has(position));
}
