import { UserError } from './errors.js';

/** A half-open time interval [start, end) in UTC epoch milliseconds, with its odc-stats label. */
export interface Period {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

export type CalendarUnit = 'Y' | 'M' | 'D';

export const DAY_MS = 86_400_000;

const LAST_YEAR = 9999;
const EXPECTED_FORM = 'expected START--PnU such as 2015--P6Y, 2020-05--P1M or 2013-03-21--P10D';
const TEMPORAL_RANGE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?--P?(\d+)([YMWD])$/i;

/**
 * Days since 1970-01-01 of a proleptic Gregorian date. A day beyond the month's length
 * carries into the next month, as Date.UTC does; unlike Date.UTC, years 0–99 are not
 * taken to mean 1900–1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  // The year is counted from March so that the leap day falls at its end.
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** year * 12 + (month - 1) of the date that is `days` after 1970-01-01. */
function monthIndexOfDays(days: number): number {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}

function firstDayOfMonthIndex(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  return daysFromCivil(year, monthIndex - year * 12 + 1, 1);
}

/** The month of a time as year * 12 + (month - 1), so that consecutive months differ by one. */
export function monthIndexOf(t: number): number {
  return monthIndexOfDays(Math.floor(t / DAY_MS));
}

/** The first instant (00:00 UTC on the 1st) of a month given as year * 12 + (month - 1). */
export function monthIndexStart(monthIndex: number): number {
  return firstDayOfMonthIndex(monthIndex) * DAY_MS;
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function calendarDateOfDays(days: number): CalendarDate {
  const monthIndex = monthIndexOfDays(days);
  const year = Math.floor(monthIndex / 12);
  return { year, month: monthIndex - year * 12 + 1, day: days - firstDayOfMonthIndex(monthIndex) + 1 };
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function fourDigits(n: number): string {
  return String(n).padStart(4, '0');
}

function formatDate(date: CalendarDate): string {
  return `${fourDigits(date.year)}-${twoDigits(date.month)}-${twoDigits(date.day)}`;
}

/** The UTC calendar date of a time, as YYYY-MM-DD. */
export function formatUtcDate(t: number): string {
  return formatDate(calendarDateOfDays(Math.floor(t / DAY_MS)));
}

function requireWholeNumber(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new Error(`${what} must be a whole number, got ${n}`);
}

/**
 * Adds months keeping the day of the month and the time of day; NaN when that day does not
 * exist in the target month (31 January plus one month).
 */
function addMonthsKeepingDay(t: number, months: number): number {
  const days = Math.floor(t / DAY_MS);
  const timeOfDay = t - days * DAY_MS;
  const monthIndex = monthIndexOfDays(days);
  const dayOfMonth = days - firstDayOfMonthIndex(monthIndex) + 1;
  const target = monthIndex + months;
  const targetFirstDay = firstDayOfMonthIndex(target);
  if (dayOfMonth > firstDayOfMonthIndex(target + 1) - targetFirstDay) return Number.NaN;
  return (targetFirstDay + dayOfMonth - 1) * DAY_MS + timeOfDay;
}

/**
 * Calendar arithmetic in UTC. Days are exact 24-hour steps. Months and years keep the day of
 * the month and the time of day; a day the target month lacks overflows into the next month
 * the way Date.UTC does (2020-01-31 + 1 M = 2020-03-02, 2020-02-29 + 1 Y = 2021-03-01).
 * parseTemporalRange refuses ranges that would need this overflow, so that every range's
 * label reads back as the same range.
 */
export function addCalendar(t: number, n: number, unit: CalendarUnit): number {
  requireWholeNumber(n, 'addCalendar: the count');
  if (unit === 'D') return t + n * DAY_MS;
  const months = unit === 'Y' ? n * 12 : n;
  const days = Math.floor(t / DAY_MS);
  const timeOfDay = t - days * DAY_MS;
  const monthIndex = monthIndexOfDays(days);
  const dayOfMonth = days - firstDayOfMonthIndex(monthIndex) + 1;
  return (firstDayOfMonthIndex(monthIndex + months) + dayOfMonth - 1) * DAY_MS + timeOfDay;
}

/**
 * The shortest odc-stats label of [start, end). The length is in whole years if exact, else
 * in whole months if exact, else in days. The start is written as precisely as needed but
 * never more coarsely than that unit, as odc-stats writes it: YYYY only for years starting on
 * 1 January, YYYY-MM for years or months starting on the 1st, else YYYY-MM-DD — so quarters
 * read 2020-01--P3M, not 2020--P3M, and days always carry a full date. Both bounds must be
 * at 00:00 UTC.
 */
export function periodLabel(start: number, end: number): string {
  if (!Number.isFinite(start) || !Number.isFinite(end) || !(start < end)) {
    throw new Error(`periodLabel: [${start}, ${end}) is not a period`);
  }
  if (start % DAY_MS !== 0 || end % DAY_MS !== 0) {
    throw new Error(`periodLabel: [${start}, ${end}) does not start and end at 00:00 UTC`);
  }
  const from = calendarDateOfDays(start / DAY_MS);
  const asDay = formatDate(from);
  const asMonth = from.day === 1 ? `${fourDigits(from.year)}-${twoDigits(from.month)}` : asDay;
  const asYear = from.day === 1 && from.month === 1 ? fourDigits(from.year) : asMonth;

  const months = monthIndexOf(end) - monthIndexOf(start);
  const wholeMonths = months >= 1 && addMonthsKeepingDay(start, months) === end;
  if (wholeMonths && months % 12 === 0) return `${asYear}--P${months / 12}Y`;
  if (wholeMonths) return `${asMonth}--P${months}M`;
  return `${asDay}--P${(end - start) / DAY_MS}D`;
}

function invalidRange(text: string, why: string): UserError {
  return new UserError(`invalid temporal range '${text}': ${why}`);
}

/**
 * Parses odc-stats' START--PnU (START is YYYY, YYYY-MM or YYYY-MM-DD; U is Y, M, W or D; the
 * P may be left out). The range is exact: 2019-07--P1Y ends at 2020-07-01 and so holds all of
 * 30 June 2020. A week is 7 days, so weeks come back labelled in days. A START whose day the
 * end month lacks (2020-01-31--P1M) is refused rather than guessed at.
 */
export function parseTemporalRange(text: string): Period {
  const match = TEMPORAL_RANGE.exec(text.trim());
  if (!match) throw invalidRange(text, EXPECTED_FORM);
  const [, yearText = '', monthText, dayText, countText = '', unitText = ''] = match;
  const year = Number(yearText);
  const month = monthText === undefined ? 1 : Number(monthText);
  const day = dayText === undefined ? 1 : Number(dayText);
  if (month < 1 || month > 12) throw invalidRange(text, `month ${monthText} does not exist`);
  const monthIndex = year * 12 + month - 1;
  const daysInMonth = firstDayOfMonthIndex(monthIndex + 1) - firstDayOfMonthIndex(monthIndex);
  if (day < 1 || day > daysInMonth) throw invalidRange(text, `${yearText}-${monthText}-${dayText} is not a date`);
  const count = Number(countText);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw invalidRange(text, `the duration must be a whole number of at least 1, not ${countText}`);
  }

  const start = daysFromCivil(year, month, day) * DAY_MS;
  const unit = unitText.toUpperCase();
  let end: number;
  if (unit === 'D' || unit === 'W') {
    end = start + count * (unit === 'W' ? 7 : 1) * DAY_MS;
  } else {
    const months = unit === 'Y' ? count * 12 : count;
    end = addMonthsKeepingDay(start, months);
    if (Number.isNaN(end)) {
      const target = monthIndex + months;
      const targetYear = Math.floor(target / 12);
      const missing = formatDate({ year: targetYear, month: target - targetYear * 12 + 1, day });
      throw invalidRange(text, `${missing} does not exist; give the duration in days (PnD) instead`);
    }
  }
  if (end > daysFromCivil(LAST_YEAR + 1, 1, 1) * DAY_MS) throw invalidRange(text, `it ends after the year ${LAST_YEAR}`);
  return { start, end, label: periodLabel(start, end) };
}

/** The calendar year `year`, as `--year` gives it (the same as `YYYY--P1Y`). */
export function yearPeriod(year: number): Period {
  if (!Number.isInteger(year) || year < 1 || year > LAST_YEAR) {
    throw new UserError(`invalid year '${year}': expected a whole year between 1 and ${LAST_YEAR}, such as 2021`);
  }
  const start = daysFromCivil(year, 1, 1) * DAY_MS;
  const end = daysFromCivil(year + 1, 1, 1) * DAY_MS;
  return { start, end, label: periodLabel(start, end) };
}
