import { describe, expect, it } from 'vitest';
import {
  addCalendar,
  DAY_MS,
  formatUtcDate,
  monthIndexOf,
  monthIndexStart,
  parseTemporalRange,
  periodLabel,
  yearPeriod,
} from './daterange.js';
import { UserError } from './errors.js';

const utc = (year: number, month: number, day = 1, hour = 0, minute = 0, second = 0): number =>
  Date.UTC(year, month - 1, day, hour, minute, second);

describe('parseTemporalRange', () => {
  it('reads whole years', () => {
    expect(parseTemporalRange('2015--P6Y')).toEqual({ start: utc(2015, 1), end: utc(2021, 1), label: '2015--P6Y' });
  });

  it('reads a month', () => {
    expect(parseTemporalRange('2020-05--P1M')).toEqual({ start: utc(2020, 5), end: utc(2020, 6), label: '2020-05--P1M' });
  });

  it('reads days', () => {
    expect(parseTemporalRange('2013-03-21--P10D')).toEqual({
      start: utc(2013, 3, 21),
      end: utc(2013, 3, 31),
      label: '2013-03-21--P10D',
    });
  });

  it('keeps 30 June 2020 in the leap-year financial year 2019-07--P1Y', () => {
    const fy = parseTemporalRange('2019-07--P1Y');
    expect(fy.start).toBe(utc(2019, 7));
    expect(fy.end).toBe(utc(2020, 7));
    const lastSecond = utc(2020, 6, 30, 23, 59, 59);
    expect(lastSecond >= fy.start && lastSecond < fy.end).toBe(true);
    expect(fy.label).toBe('2019-07--P1Y');
  });

  it('accepts the duration without its P, and lower-case units', () => {
    expect(parseTemporalRange('2015--6Y')).toEqual(parseTemporalRange('2015--P6Y'));
    expect(parseTemporalRange('2020-05--p1m').label).toBe('2020-05--P1M');
  });

  it('turns weeks into days', () => {
    expect(parseTemporalRange('2020-01-06--P2W')).toEqual({
      start: utc(2020, 1, 6),
      end: utc(2020, 1, 20),
      label: '2020-01-06--P14D',
    });
  });

  it('labels a range in its shortest form', () => {
    expect(parseTemporalRange('2020-01-01--P12M').label).toBe('2020--P1Y');
    expect(parseTemporalRange('2020-12--P3M').label).toBe('2020-12--P3M');
    expect(parseTemporalRange('2021--P3M').label).toBe('2021-01--P3M');
    expect(parseTemporalRange('2021-01-01--P1M').label).toBe('2021-01--P1M');
    expect(parseTemporalRange('2021--P10D').label).toBe('2021-01-01--P10D');
  });

  it('crosses February in a leap year exactly', () => {
    const r = parseTemporalRange('2020-02-10--P1M');
    expect(r.end).toBe(utc(2020, 3, 10));
    expect(r.label).toBe('2020-02-10--P1M');
    expect(parseTemporalRange('2020-02-29--P4Y').end).toBe(utc(2024, 2, 29));
  });

  it('accepts 30 January plus one month only when the end day exists', () => {
    expect(parseTemporalRange('2020-01-29--P1M').end).toBe(utc(2020, 2, 29));
    expect(() => parseTemporalRange('2021-01-29--P1M')).toThrow(
      "invalid temporal range '2021-01-29--P1M': 2021-02-29 does not exist; give the duration in days (PnD) instead",
    );
  });

  it('refuses a start day the end month lacks, rather than overflowing', () => {
    expect(() => parseTemporalRange('2020-01-31--P1M')).toThrow(/2020-02-31 does not exist/);
    expect(() => parseTemporalRange('2020-02-29--P1Y')).toThrow(/2021-02-29 does not exist/);
    expect(parseTemporalRange('2020-01-31--P30D').end).toBe(utc(2020, 3, 1));
  });

  it.each([
    ['2020--P1X', "invalid temporal range '2020--P1X': expected START--PnU such as 2015--P6Y, 2020-05--P1M or 2013-03-21--P10D"],
    ['20-01--P1Y', "invalid temporal range '20-01--P1Y': expected START--PnU"],
    ['', "invalid temporal range '': expected START--PnU"],
    ['2020', "invalid temporal range '2020': expected START--PnU"],
    ['2020-1--P1M', "invalid temporal range '2020-1--P1M': expected START--PnU"],
    ['2020-13--P1M', "invalid temporal range '2020-13--P1M': month 13 does not exist"],
    ['2020-00--P1M', "invalid temporal range '2020-00--P1M': month 00 does not exist"],
    ['2021-02-29--P1D', "invalid temporal range '2021-02-29--P1D': 2021-02-29 is not a date"],
    ['2020-04-31--P1D', "invalid temporal range '2020-04-31--P1D': 2020-04-31 is not a date"],
    ['2020--P0Y', "invalid temporal range '2020--P0Y': the duration must be a whole number of at least 1, not 0"],
    ['9000--P1001Y', "invalid temporal range '9000--P1001Y': it ends after the year 9999"],
  ])('refuses %j', (text, message) => {
    let error: unknown;
    try {
      parseTemporalRange(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message.startsWith(message)).toBe(true);
    expect((error as UserError).message).not.toContain('\n');
  });

  it('trims surrounding blanks', () => {
    expect(parseTemporalRange(' 2015--P6Y\n').label).toBe('2015--P6Y');
  });
});

describe('yearPeriod', () => {
  it('is the same as YYYY--P1Y', () => {
    expect(yearPeriod(2021)).toEqual(parseTemporalRange('2021--P1Y'));
    expect(yearPeriod(2020)).toEqual({ start: utc(2020, 1), end: utc(2021, 1), label: '2020--P1Y' });
  });

  it('handles years below 100, which Date.UTC would move to the 1900s', () => {
    const first = yearPeriod(1);
    expect(first.label).toBe('0001--P1Y');
    expect(new Date(first.start).toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(new Date(first.end).toISOString()).toBe('0002-01-01T00:00:00.000Z');
    expect(parseTemporalRange('0099-12--P1M').end).toBe(yearPeriod(100).start);
  });

  it('refuses a year that is not whole', () => {
    expect(() => yearPeriod(2020.5)).toThrow(UserError);
    expect(() => yearPeriod(0)).toThrow(UserError);
    expect(() => yearPeriod(Number.NaN)).toThrow(/invalid year 'NaN'/);
  });
});

describe('periodLabel', () => {
  it.each([
    [utc(2020, 12), utc(2021, 3), '2020-12--P3M'],
    [utc(2019, 7), utc(2020, 7), '2019-07--P1Y'],
    [utc(2015, 1), utc(2021, 1), '2015--P6Y'],
    [utc(2013, 3, 21), utc(2013, 3, 31), '2013-03-21--P10D'],
    [utc(2020, 1), utc(2020, 2), '2020-01--P1M'],
    [utc(2020, 1), utc(2020, 1, 8), '2020-01-01--P7D'],
    [utc(2020, 1), utc(2020, 7), '2020-01--P6M'],
    [utc(2020, 3, 15), utc(2020, 6, 15), '2020-03-15--P3M'],
    [utc(2019, 7, 10), utc(2020, 7, 10), '2019-07-10--P1Y'],
    [utc(2020, 1), utc(2021, 7), '2020-01--P18M'],
    [utc(2020, 2, 29), utc(2021, 3, 1), '2020-02-29--P366D'],
    [utc(2020, 1, 31), utc(2020, 3, 2), '2020-01-31--P31D'],
  ])('labels [%d, %d) as %s', (start, end, label) => {
    expect(periodLabel(start, end)).toBe(label);
  });

  it('round-trips through parseTemporalRange', () => {
    for (const text of ['2015--P6Y', '2020-12--P3M', '2013-03-21--P10D', '2019-07-10--P1Y', '2020-01--P18M', '2020-01-01--P7D', '2020-03--P1Y']) {
      const { start, end } = parseTemporalRange(text);
      expect(parseTemporalRange(periodLabel(start, end))).toEqual({ start, end, label: text });
    }
  });

  it('refuses bounds that are not whole days or not in order', () => {
    expect(() => periodLabel(utc(2020, 1, 1, 12), utc(2020, 2))).toThrow(Error);
    expect(() => periodLabel(utc(2020, 2), utc(2020, 1))).toThrow(Error);
    expect(() => periodLabel(utc(2020, 1), utc(2020, 1))).toThrow(Error);
  });
});

describe('addCalendar', () => {
  it('adds days, months and years keeping the time of day', () => {
    expect(addCalendar(utc(2020, 2, 28, 10, 30), 1, 'D')).toBe(utc(2020, 2, 29, 10, 30));
    expect(addCalendar(utc(2020, 11, 15, 6), 3, 'M')).toBe(utc(2021, 2, 15, 6));
    expect(addCalendar(utc(2020, 3, 15), -3, 'M')).toBe(utc(2019, 12, 15));
    expect(addCalendar(utc(2019, 7, 1), 1, 'Y')).toBe(utc(2020, 7, 1));
  });

  it('lets a missing day overflow into the next month, as Date.UTC does', () => {
    expect(addCalendar(utc(2020, 1, 31), 1, 'M')).toBe(utc(2020, 3, 2));
    expect(addCalendar(utc(2021, 1, 31), 1, 'M')).toBe(utc(2021, 3, 3));
    expect(addCalendar(utc(2020, 2, 29), 1, 'Y')).toBe(utc(2021, 3, 1));
  });

  it('refuses a count that is not whole', () => {
    expect(() => addCalendar(0, 1.5, 'M')).toThrow(Error);
  });
});

describe('calendar helpers', () => {
  it('agree with Date for every day from 1899 to 2101', () => {
    const disagreements: string[] = [];
    for (let t = utc(1899, 1); t < utc(2101, 1); t += DAY_MS) {
      const date = new Date(t);
      const expected = date.getUTCFullYear() * 12 + date.getUTCMonth();
      if (monthIndexOf(t) !== expected || monthIndexOf(t + DAY_MS - 1) !== expected) disagreements.push(date.toISOString());
      if (formatUtcDate(t) !== date.toISOString().slice(0, 10)) disagreements.push(date.toISOString());
    }
    expect(disagreements).toEqual([]);
  });

  it('find month starts and format dates', () => {
    expect(monthIndexStart(2020 * 12 + 1)).toBe(utc(2020, 2));
    expect(monthIndexStart(1969 * 12 + 11)).toBe(utc(1969, 12));
    expect(formatUtcDate(utc(2020, 2, 29, 23, 59, 59))).toBe('2020-02-29');
    expect(formatUtcDate(utc(1965, 3, 7))).toBe('1965-03-07');
  });
});
