import { UserError } from '../errors.js';

/** The UserError `action` throws; fails the test if it throws nothing or something else. */
export function userErrorOf(action: () => unknown): UserError {
  try {
    action();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}
