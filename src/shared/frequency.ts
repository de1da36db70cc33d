import { DAY_MS, formatUtcDate, monthIndexOf, monthIndexStart, periodLabel, type Period } from './daterange.js';
import { UserError } from './errors.js';

export type FrequencyName = string;

export const DEFAULT_FREQUENCY: FrequencyName = 'annual';

/**
 * The fixed frequency names. parseFrequency also accepts the family rolling-Nyears (N ≥ 2)
 * and the old odc-stats spelling `quartely`.
 */
export const FREQUENCIES: readonly FrequencyName[] = Object.freeze([
  'annual',
  'annual-fy',
  'semiannual',
  'seasonal',
  'quarterly',
  'monthly',
  '3month-seasons',
  'rolling-3months',
  'nov-mar',
  'apr-oct',
  'all',
]);

const ALIASES: ReadonlyMap<string, FrequencyName> = new Map([['quartely', 'quarterly']]);
const ROLLING_YEARS = /^rolling-(\d+)years$/;
const ANCHORED_AT_RANGE_START: ReadonlySet<FrequencyName> = new Set(['3month-seasons', 'rolling-3months']);

/** The canonical name of a frequency; a UserError naming the valid ones if there is none. */
export function parseFrequency(name: string): FrequencyName {
  if (FREQUENCIES.includes(name)) return name;
  const alias = ALIASES.get(name);
  if (alias !== undefined) return alias;
  const rolling = ROLLING_YEARS.exec(name);
  if (rolling) {
    const years = Number(rolling[1]);
    if (!Number.isSafeInteger(years) || years < 2) {
      throw new UserError(`invalid frequency '${name}': rolling windows need N of at least 2 years (use annual for single years)`);
    }
    return `rolling-${years}years`;
  }
  throw new UserError(
    `unknown frequency '${name}': expected one of ${FREQUENCIES.join(', ')} or rolling-Nyears with N ≥ 2 (such as rolling-3years)`,
  );
}

/** Whether the frequency's periods are laid out from the start of --temporal-range. */
export function frequencyNeedsRange(name: string): boolean {
  return ANCHORED_AT_RANGE_START.has(parseFrequency(name));
}

export interface Binner {
  /**
   * The periods, sorted by start, that hold a time already shifted to solar time. The array
   * is shared between calls and frozen: copy it before changing it.
   */
  periodsOf(solarTime: number): Period[];
}

/**
 * Periods as a lattice of months: a period of `lengthMonths` starts every `stepMonths` months
 * from `anchorMonth` (a month index, see monthIndexOf), `dayOffsetMs` after the month's 1st.
 * step = length tiles time (annual, seasonal, …), step = 12 > length picks one season a year
 * (nov-mar), step < length overlaps (rolling windows).
 */
interface MonthLattice {
  readonly lengthMonths: number;
  readonly stepMonths: number;
  readonly anchorMonth: number;
  readonly dayOffsetMs: number;
  /** Keep only periods that lie wholly inside the range. */
  readonly insideRangeOnly: boolean;
}

type CalendarLattice = Pick<MonthLattice, 'lengthMonths' | 'stepMonths' | 'anchorMonth'>;

// anchorMonth counts from January = 0, so DJF seasons start at 11.
const CALENDAR_LATTICES: ReadonlyMap<FrequencyName, CalendarLattice> = new Map([
  ['annual', { lengthMonths: 12, stepMonths: 12, anchorMonth: 0 }],
  ['annual-fy', { lengthMonths: 12, stepMonths: 12, anchorMonth: 6 }],
  ['semiannual', { lengthMonths: 6, stepMonths: 6, anchorMonth: 0 }],
  ['seasonal', { lengthMonths: 3, stepMonths: 3, anchorMonth: 11 }],
  ['quarterly', { lengthMonths: 3, stepMonths: 3, anchorMonth: 0 }],
  ['monthly', { lengthMonths: 1, stepMonths: 1, anchorMonth: 0 }],
  ['nov-mar', { lengthMonths: 5, stepMonths: 12, anchorMonth: 10 }],
  ['apr-oct', { lengthMonths: 7, stepMonths: 12, anchorMonth: 3 }],
]);

const NO_PERIODS = Object.freeze([]) as readonly Period[] as Period[];

function modulo(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Where the range-anchored frequencies start their lattice: the range's first day. */
function latticeAtRangeStart(frequency: FrequencyName, range: Period, lengthMonths: number, stepMonths: number): MonthLattice {
  const anchorMonth = monthIndexOf(range.start);
  const dayOffsetMs = range.start - monthIndexStart(anchorMonth);
  // Day 29–31 does not exist in every month, so windows could not all start on it.
  if (dayOffsetMs >= 28 * DAY_MS) {
    throw new UserError(
      `frequency '${frequency}' needs --temporal-range to start on day 1 to 28 of a month, not ${formatUtcDate(range.start)}`,
    );
  }
  return { lengthMonths, stepMonths, anchorMonth, dayOffsetMs, insideRangeOnly: true };
}

function latticeOf(frequency: FrequencyName, range: Period | undefined): MonthLattice {
  const calendar = CALENDAR_LATTICES.get(frequency);
  if (calendar) return { ...calendar, dayOffsetMs: 0, insideRangeOnly: false };
  const rollingYears = ROLLING_YEARS.exec(frequency);
  if (rollingYears) {
    const years = Number(rollingYears[1]);
    return { lengthMonths: 12 * years, stepMonths: 12, anchorMonth: 0, dayOffsetMs: 0, insideRangeOnly: true };
  }
  if (!range) {
    throw new UserError(`frequency '${frequency}' is anchored at the start of --temporal-range; give one`);
  }
  if (frequency === '3month-seasons') return latticeAtRangeStart(frequency, range, 3, 3);
  if (frequency === 'rolling-3months') return latticeAtRangeStart(frequency, range, 3, 1);
  throw new Error(`frequency '${frequency}' has no month lattice`);
}

function latticePeriodStart(lattice: MonthLattice, month: number): number {
  return monthIndexStart(month) + lattice.dayOffsetMs;
}

function latticePeriodEnd(lattice: MonthLattice, month: number): number {
  return monthIndexStart(month + lattice.lengthMonths) + lattice.dayOffsetMs;
}

/** Refuses a range too short to hold a single period of a frequency that needs whole ones inside it. */
function requireOnePeriodInside(frequency: FrequencyName, lattice: MonthLattice, range: Period): void {
  const firstMonth = monthIndexOf(range.start - lattice.dayOffsetMs);
  let month = firstMonth + modulo(lattice.anchorMonth - firstMonth, lattice.stepMonths);
  if (latticePeriodStart(lattice, month) < range.start) month += lattice.stepMonths;
  if (latticePeriodEnd(lattice, month) > range.end) {
    throw new UserError(`temporal range ${range.label} is too short to hold one whole '${frequency}' period`);
  }
}

function latticeBinner(lattice: MonthLattice, range: Period | undefined): Binner {
  const periodByStartMonth = new Map<number, Period>();
  const periodsByMonth = new Map<number, Period[]>();
  // Times arrive mostly in order, so the month of the previous call is checked first.
  let lastFrom = Number.NaN;
  let lastUntil = Number.NaN;
  let lastPeriods = NO_PERIODS;

  const periodStartingIn = (month: number): Period => {
    let period = periodByStartMonth.get(month);
    if (period === undefined) {
      const start = latticePeriodStart(lattice, month);
      const end = latticePeriodEnd(lattice, month);
      period = Object.freeze({ start, end, label: periodLabel(start, end) });
      periodByStartMonth.set(month, period);
    }
    return period;
  };

  const periodsOfMonth = (month: number): Period[] => {
    const earliestCovering = month - lattice.lengthMonths + 1;
    const firstStart = earliestCovering + modulo(lattice.anchorMonth - earliestCovering, lattice.stepMonths);
    const periods: Period[] = [];
    for (let start = firstStart; start <= month; start += lattice.stepMonths) {
      const period = periodStartingIn(start);
      if (lattice.insideRangeOnly && range && (period.start < range.start || period.end > range.end)) continue;
      periods.push(period);
    }
    return periods.length === 0 ? NO_PERIODS : (Object.freeze(periods) as readonly Period[] as Period[]);
  };

  return {
    periodsOf(solarTime: number): Period[] {
      if (!Number.isFinite(solarTime)) throw new Error(`periodsOf: ${solarTime} is not a time`);
      if (range && (solarTime < range.start || solarTime >= range.end)) return NO_PERIODS;
      if (solarTime >= lastFrom && solarTime < lastUntil) return lastPeriods;
      const month = monthIndexOf(solarTime - lattice.dayOffsetMs);
      let periods = periodsByMonth.get(month);
      if (periods === undefined) {
        periods = periodsOfMonth(month);
        periodsByMonth.set(month, periods);
      }
      lastFrom = monthIndexStart(month) + lattice.dayOffsetMs;
      lastUntil = monthIndexStart(month + 1) + lattice.dayOffsetMs;
      lastPeriods = periods;
      return periods;
    },
  };
}

function wholeRangeBinner(range: Period): Binner {
  const only = Object.freeze([Object.freeze({ start: range.start, end: range.end, label: range.label })]);
  const periods = only as readonly Period[] as Period[];
  return {
    periodsOf(solarTime: number): Period[] {
      if (!Number.isFinite(solarTime)) throw new Error(`periodsOf: ${solarTime} is not a time`);
      return solarTime >= range.start && solarTime < range.end ? periods : NO_PERIODS;
    },
  };
}

/**
 * Bins solar times into the periods of a frequency. With a range, times outside it belong to
 * no period; calendar frequencies (annual, seasonal, …) keep their whole periods even where
 * they stick out of the range, while 3month-seasons, rolling-3months and rolling-Nyears keep
 * only periods wholly inside it (as odc-dscache drops a last, partial rolling window).
 * 3month-seasons and rolling-3months start at the range's first day; rolling-Nyears windows
 * start every 1 January. `all` without a range has no period until the data's extent is
 * known: the planner uses allPeriodOfExtent for it.
 */
export function makeBinner(frequency: string, range?: Period): Binner {
  const name = parseFrequency(frequency);
  if (name === 'all') {
    if (!range) throw new Error("makeBinner: 'all' without a range has no periods; use allPeriodOfExtent");
    return wholeRangeBinner(range);
  }
  const lattice = latticeOf(name, range);
  if (lattice.insideRangeOnly && range) requireOnePeriodInside(name, lattice, range);
  return latticeBinner(lattice, range);
}

/** The whole calendar years covering the solar times seen, e.g. 2016-03 … 2018-05 → 2016--P3Y. */
export function allPeriodOfExtent(minSolarTime: number, maxSolarTime: number): Period {
  if (!Number.isFinite(minSolarTime) || !Number.isFinite(maxSolarTime) || minSolarTime > maxSolarTime) {
    throw new Error(`allPeriodOfExtent: [${minSolarTime}, ${maxSolarTime}] is not an extent`);
  }
  const firstYear = Math.floor(monthIndexOf(minSolarTime) / 12);
  const lastYear = Math.floor(monthIndexOf(maxSolarTime) / 12);
  const start = monthIndexStart(firstYear * 12);
  const end = monthIndexStart((lastYear + 1) * 12);
  return { start, end, label: periodLabel(start, end) };
}
