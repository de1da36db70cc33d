/**
 * Which control of the app's planning form a planning error belongs next to, decided by
 * where the error arises rather than by its wording: the request's fields are checked one
 * by one, with the parsers the planner uses, before the plan; what fails in the plan itself
 * is the catalogue's (it cannot be opened or read), except a plan that found nothing or was
 * cancelled, which is about the whole request and goes with the plan's summary.
 */
import type { ApiError, PlanField, PlanTasksRequest } from '../shared/api.js';
import { parseTemporalRange, yearPeriod, type Period } from '../shared/daterange.js';
import { isUserError, UserError } from '../shared/errors.js';
import { makeBinner, parseFrequency } from '../shared/frequency.js';
import { polygonalFromGeoJSON } from '../shared/geometry.js';
import { parseGrid } from '../shared/grid.js';
import { parseInputProducts } from '../shared/input-products.js';
import { NoDatasetsError } from './planner/save-tasks.js';

/** The first field of the request the planner would refuse, with its message; undefined when all pass. */
export function planRequestProblem(request: PlanTasksRequest): ApiError | undefined {
  let range: Period | undefined;
  const frequency = request.frequency ?? 'annual';
  const checks: Array<[PlanField, () => void]> = [
    [
      'collections',
      () => {
        if (parseInputProducts(request.inputProducts).length === 0) throw new UserError('no collections: give the collections (input products) to plan, e.g. s2_l2a');
      },
    ],
    ['grid', () => parseGrid(request.grid)],
    ['frequency', () => parseFrequency(frequency)],
    [
      'temporalRange',
      () => {
        range = request.year !== undefined ? yearPeriod(request.year) : request.temporalRange ? parseTemporalRange(request.temporalRange) : undefined;
        if (range || frequency !== 'all') makeBinner(frequency, range);
      },
    ],
    [
      'region',
      () => {
        if (request.region !== undefined && request.region !== null) polygonalFromGeoJSON(request.region);
      },
    ],
  ];
  for (const [field, check] of checks) {
    try {
      check();
    } catch (e) {
      if (!isUserError(e)) throw e;
      return { error: e.message, field };
    }
  }
  return undefined;
}

/**
 * The field of an error of the plan itself, once the request's fields have passed: a plan that
 * found nothing, or was cancelled, is about the whole request and goes with the plan's summary;
 * any other failure is the catalogue's (it could not be opened or read).
 */
export function planFailureField(error: unknown, cancelled: boolean): PlanField {
  return cancelled || error instanceof NoDatasetsError ? 'plan' : 'catalog';
}
