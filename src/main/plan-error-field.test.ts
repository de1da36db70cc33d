import { describe, expect, it } from 'vitest';
import { UserError } from '../shared/errors.js';
import { planFailureField, planRequestProblem } from './plan-error-field.js';
import { NoDatasetsError } from './planner/save-tasks.js';

const REQUEST = { catalog: '/c.json', inputProducts: ['s2_l2a'], grid: 'africa-10', year: 2021 };

describe('the field of a planning error', () => {
  it('is the first field of the request its parser refuses', () => {
    expect(planRequestProblem(REQUEST)).toBeUndefined();
    expect(planRequestProblem({ ...REQUEST, grid: 'mars-10', year: 0 })?.field).toBe('grid');
    expect(planRequestProblem({ ...REQUEST, year: 0 })).toEqual({ error: expect.stringMatching(/^invalid year '0'/), field: 'temporalRange' });
    expect(planRequestProblem({ ...REQUEST, region: { type: 'Point', coordinates: [1, 2] } })?.field).toBe('region');
    expect(planRequestProblem({ ...REQUEST, year: undefined, frequency: 'all' })).toBeUndefined();
  });

  it('is the catalogue for a failure of the plan itself, unless it found nothing or was cancelled', () => {
    expect(planFailureField(new UserError('catalogue not found: /c.json'), false)).toBe('catalog');
    expect(planFailureField(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }), false)).toBe('catalog');
    expect(planFailureField(new NoDatasetsError('no datasets found in /c.json'), false)).toBe('plan');
    expect(planFailureField(new UserError('catalogue not found: /c.json'), true)).toBe('plan');
  });
});
