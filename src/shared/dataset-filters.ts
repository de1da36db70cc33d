/**
 * `run`'s `dataset_filters` (odc-stats `DatasetChecker`): filters joined by `|`, each a JSON
 * object; a task keeps the datasets that match at least one. A filter matches where every key
 * does: `datetime` names a period (`2013-01--P5M`) the dataset's time lies in, any other key
 * a value its STAC properties hold exactly (`"eo:platform": "landsat-8"`). odc-stats reads the
 * eo3 document's properties; STAC items spell eo3's `eo:platform` as `platform`, which a filter
 * on `eo:platform` reads where the item has no `eo:platform`.
 */
import { parseTemporalRange, type Period } from './daterange.js';
import { UserError } from './errors.js';

type Scalar = string | number | boolean;

export interface DatasetFilter {
  period?: Period;
  equals: Record<string, Scalar>;
}

/** The filters of a `dataset_filters` value: the text odc-stats reads, or one filter as a mapping. */
export function parseDatasetFilters(value: string | Record<string, unknown>): DatasetFilter[] {
  if (typeof value !== 'string') return [datasetFilter(value, 'the mapping')];
  return value.split('|').map((piece, k) => {
    const where = `filter ${k + 1} (${JSON.stringify(piece.trim())})`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(piece);
    } catch {
      throw new UserError(`${where} is not JSON: filters are JSON objects joined by '|', such as {"datetime": "2013-01--P5M"}|{"eo:platform": "landsat-8"}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UserError(`${where} is not a JSON object`);
    return datasetFilter(parsed as Record<string, unknown>, where);
  });
}

function datasetFilter(mapping: Record<string, unknown>, where: string): DatasetFilter {
  const filter: DatasetFilter = { equals: {} };
  for (const [key, value] of Object.entries(mapping)) {
    if (key === 'datetime') {
      if (typeof value !== 'string') throw new UserError(`${where}: datetime must be a period such as "2013-01--P5M"`);
      try {
        filter.period = parseTemporalRange(value);
      } catch (e) {
        throw new UserError(`${where}: ${(e as Error).message}`);
      }
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      filter.equals[key] = value;
    } else {
      throw new UserError(`${where}: ${key} must be a string, number or boolean`);
    }
  }
  return filter;
}

/**
 * Whether a dataset of these STAC properties passes the filters. A property the dataset lacks
 * fails its filter (odc-stats stops the task with a KeyError there).
 */
export function passesDatasetFilters(filters: readonly DatasetFilter[], properties: Record<string, unknown>): boolean {
  return filters.some((filter) => {
    if (filter.period) {
      const time = typeof properties['datetime'] === 'string' ? naiveTime(properties['datetime']) : Number.NaN;
      if (!(time >= filter.period.start && time < filter.period.end)) return false;
    }
    return Object.entries(filter.equals).every(([key, value]) => (key === 'eo:platform' ? properties[key] ?? properties['platform'] : properties[key]) === value);
  });
}

/** A STAC datetime read as odc-stats reads it (ciso8601 `parse_datetime_as_naive`): its clock time, its offset dropped. */
function naiveTime(text: string): number {
  return Date.parse(`${text.trim().replace(/(?:Z|[+-]\d{2}:?\d{2})$/i, '')}Z`);
}
