import { describe, expect, it } from 'vitest';
import { parseTemporalRange, type Period } from './daterange.js';
import { UserError } from './errors.js';
import {
  allPeriodOfExtent,
  DEFAULT_FREQUENCY,
  FREQUENCIES,
  frequencyNeedsRange,
  makeBinner,
  parseFrequency,
  type Binner,
} from './frequency.js';
import { userErrorOf } from './test-support/user-error-of.js';

const utc = (year: number, month: number, day = 1, hour = 0, minute = 0, second = 0): number =>
  Date.UTC(year, month - 1, day, hour, minute, second);

const labelsAt = (binner: Binner, t: number): string[] => binner.periodsOf(t).map((p) => p.label);


describe('parseFrequency', () => {
  it('accepts every listed name as itself', () => {
    for (const name of FREQUENCIES) expect(parseFrequency(name)).toBe(name);
    expect(FREQUENCIES).toContain(DEFAULT_FREQUENCY);
    expect(DEFAULT_FREQUENCY).toBe('annual');
  });

  it("takes odc-stats' misspelling quartely as quarterly", () => {
    expect(parseFrequency('quartely')).toBe('quarterly');
  });

  it('accepts rolling windows of N ≥ 2 years', () => {
    expect(parseFrequency('rolling-3years')).toBe('rolling-3years');
    expect(parseFrequency('rolling-10years')).toBe('rolling-10years');
    expect(parseFrequency('rolling-03years')).toBe('rolling-3years');
    expect(userErrorOf(() => parseFrequency('rolling-1years')).message).toBe(
      "invalid frequency 'rolling-1years': rolling windows need N of at least 2 years (use annual for single years)",
    );
    expect(() => parseFrequency('rolling-0years')).toThrow(UserError);
  });

  it('refuses other names, listing the valid ones on one line', () => {
    const error = userErrorOf(() => parseFrequency('weekly'));
    expect(error.message).toBe(
      "unknown frequency 'weekly': expected one of annual, annual-fy, semiannual, seasonal, quarterly, monthly, " +
        '3month-seasons, rolling-3months, nov-mar, apr-oct, all or rolling-Nyears with N ≥ 2 (such as rolling-3years)',
    );
    expect(() => parseFrequency('Annual')).toThrow(UserError);
    expect(() => parseFrequency('')).toThrow(UserError);
    expect(() => parseFrequency('rolling-3year')).toThrow(UserError);
  });
});

describe('frequencyNeedsRange', () => {
  it('is true only for the frequencies laid out from the range start', () => {
    expect(frequencyNeedsRange('3month-seasons')).toBe(true);
    expect(frequencyNeedsRange('rolling-3months')).toBe(true);
    for (const name of ['annual', 'annual-fy', 'seasonal', 'quartely', 'monthly', 'nov-mar', 'all', 'rolling-3years']) {
      expect(frequencyNeedsRange(name)).toBe(false);
    }
  });

  it('refuses unknown names', () => {
    expect(() => frequencyNeedsRange('fortnightly')).toThrow(UserError);
  });
});

describe('calendar frequencies', () => {
  it('annual bins by calendar year', () => {
    const binner = makeBinner('annual');
    expect(binner.periodsOf(utc(2020, 2, 29, 12))).toEqual([{ start: utc(2020, 1), end: utc(2021, 1), label: '2020--P1Y' }]);
    expect(labelsAt(binner, utc(2020, 12, 31, 23, 59, 59))).toEqual(['2020--P1Y']);
    expect(labelsAt(binner, utc(2021, 1, 1))).toEqual(['2021--P1Y']);
  });

  it('annual-fy runs July to June, holding all of 30 June in a leap year', () => {
    const binner = makeBinner('annual-fy');
    expect(binner.periodsOf(utc(2020, 6, 30, 23, 59, 59))).toEqual([
      { start: utc(2019, 7), end: utc(2020, 7), label: '2019-07--P1Y' },
    ]);
    expect(labelsAt(binner, utc(2020, 2, 29))).toEqual(['2019-07--P1Y']);
    expect(labelsAt(binner, utc(2020, 7, 1))).toEqual(['2020-07--P1Y']);
  });

  it('semiannual splits at January and July', () => {
    const binner = makeBinner('semiannual');
    expect(binner.periodsOf(utc(2020, 2, 29))).toEqual([{ start: utc(2020, 1), end: utc(2020, 7), label: '2020-01--P6M' }]);
    expect(labelsAt(binner, utc(2020, 6, 30, 23))).toEqual(['2020-01--P6M']);
    expect(labelsAt(binner, utc(2020, 12, 31))).toEqual(['2020-07--P6M']);
  });

  it('seasonal puts December with the next January and February', () => {
    const binner = makeBinner('seasonal');
    const djf = { start: utc(2020, 12), end: utc(2021, 3), label: '2020-12--P3M' };
    expect(binner.periodsOf(utc(2020, 12, 15))).toEqual([djf]);
    expect(binner.periodsOf(utc(2021, 2, 10))).toEqual([djf]);
    expect(binner.periodsOf(utc(2020, 12, 31, 23, 59, 59))).toEqual([djf]);
    expect(labelsAt(binner, utc(2020, 2, 29))).toEqual(['2019-12--P3M']);
    expect(binner.periodsOf(utc(2020, 2, 29))[0]?.end).toBe(utc(2020, 3));
    expect(labelsAt(binner, utc(2020, 3, 1))).toEqual(['2020-03--P3M']);
    expect(labelsAt(binner, utc(2020, 7, 4))).toEqual(['2020-06--P3M']);
    expect(labelsAt(binner, utc(2020, 11, 30))).toEqual(['2020-09--P3M']);
  });

  it('quarterly (and quartely) starts quarters in January, April, July and October', () => {
    for (const name of ['quarterly', 'quartely']) {
      const binner = makeBinner(name);
      expect(binner.periodsOf(utc(2020, 2, 29))).toEqual([{ start: utc(2020, 1), end: utc(2020, 4), label: '2020-01--P3M' }]);
      expect(labelsAt(binner, utc(2020, 4, 1))).toEqual(['2020-04--P3M']);
      expect(labelsAt(binner, utc(2020, 9, 30))).toEqual(['2020-07--P3M']);
      expect(labelsAt(binner, utc(2020, 12, 31))).toEqual(['2020-10--P3M']);
    }
  });

  it('monthly bins by calendar month', () => {
    const binner = makeBinner('monthly');
    expect(binner.periodsOf(utc(2020, 2, 29, 23, 59, 59))).toEqual([
      { start: utc(2020, 2), end: utc(2020, 3), label: '2020-02--P1M' },
    ]);
    expect(labelsAt(binner, utc(2020, 3, 1))).toEqual(['2020-03--P1M']);
  });

  it('nov-mar keeps November to March only', () => {
    const binner = makeBinner('nov-mar');
    const season = { start: utc(2019, 11), end: utc(2020, 4), label: '2019-11--P5M' };
    expect(binner.periodsOf(utc(2019, 11, 1))).toEqual([season]);
    expect(binner.periodsOf(utc(2020, 2, 29))).toEqual([season]);
    expect(binner.periodsOf(utc(2020, 3, 31, 23, 59, 59))).toEqual([season]);
    expect(binner.periodsOf(utc(2020, 4, 1))).toEqual([]);
    expect(binner.periodsOf(utc(2020, 7, 15))).toEqual([]);
    expect(binner.periodsOf(utc(2020, 10, 31, 23))).toEqual([]);
  });

  it('apr-oct keeps April to October only', () => {
    const binner = makeBinner('apr-oct');
    expect(binner.periodsOf(utc(2020, 7, 15))).toEqual([{ start: utc(2020, 4), end: utc(2020, 11), label: '2020-04--P7M' }]);
    expect(binner.periodsOf(utc(2020, 3, 31))).toEqual([]);
    expect(binner.periodsOf(utc(2020, 11, 1))).toEqual([]);
  });

  it('with a range, gives no period to times outside it and keeps periods whole', () => {
    const range = parseTemporalRange('2020-02-10--P30D');
    const binner = makeBinner('monthly', range);
    expect(binner.periodsOf(utc(2020, 2, 9, 23, 59, 59))).toEqual([]);
    expect(binner.periodsOf(utc(2020, 2, 10))).toEqual([{ start: utc(2020, 2), end: utc(2020, 3), label: '2020-02--P1M' }]);
    expect(range.end).toBe(utc(2020, 3, 11));
    expect(labelsAt(binner, utc(2020, 3, 10, 23, 59, 59))).toEqual(['2020-03--P1M']);
    expect(binner.periodsOf(utc(2020, 3, 11))).toEqual([]);
    expect(makeBinner('seasonal', parseTemporalRange('2021--P1Y')).periodsOf(utc(2020, 12, 15))).toEqual([]);
    expect(labelsAt(makeBinner('seasonal', parseTemporalRange('2021--P1Y')), utc(2021, 1, 15))).toEqual(['2020-12--P3M']);
  });
});

describe('3month-seasons', () => {
  it('lays consecutive 3-month blocks from the range start', () => {
    const binner = makeBinner('3month-seasons', parseTemporalRange('2020-02--P1Y'));
    expect(binner.periodsOf(utc(2020, 2, 1))).toEqual([{ start: utc(2020, 2), end: utc(2020, 5), label: '2020-02--P3M' }]);
    expect(labelsAt(binner, utc(2020, 4, 30, 23))).toEqual(['2020-02--P3M']);
    expect(labelsAt(binner, utc(2020, 5, 1))).toEqual(['2020-05--P3M']);
    expect(labelsAt(binner, utc(2020, 12, 25))).toEqual(['2020-11--P3M']);
    expect(labelsAt(binner, utc(2021, 1, 31, 23))).toEqual(['2020-11--P3M']);
    expect(binner.periodsOf(utc(2021, 2, 1))).toEqual([]);
    expect(binner.periodsOf(utc(2020, 1, 31))).toEqual([]);
  });

  it('drops a last block that would run past the range', () => {
    const binner = makeBinner('3month-seasons', parseTemporalRange('2020-03--P7M'));
    expect(labelsAt(binner, utc(2020, 8, 31))).toEqual(['2020-06--P3M']);
    expect(binner.periodsOf(utc(2020, 9, 15))).toEqual([]);
  });

  it('needs a range', () => {
    expect(userErrorOf(() => makeBinner('3month-seasons')).message).toBe(
      "frequency '3month-seasons' is anchored at the start of --temporal-range; give one",
    );
  });
});

describe('rolling-3months', () => {
  const range = parseTemporalRange('2020-01--P6M');
  const binner = makeBinner('rolling-3months', range);

  it('puts a date in every 3-month window from the range start that holds it', () => {
    expect(labelsAt(binner, utc(2020, 1, 15))).toEqual(['2020-01--P3M']);
    expect(labelsAt(binner, utc(2020, 2, 29))).toEqual(['2020-01--P3M', '2020-02--P3M']);
    expect(binner.periodsOf(utc(2020, 3, 10))).toEqual([
      { start: utc(2020, 1), end: utc(2020, 4), label: '2020-01--P3M' },
      { start: utc(2020, 2), end: utc(2020, 5), label: '2020-02--P3M' },
      { start: utc(2020, 3), end: utc(2020, 6), label: '2020-03--P3M' },
    ]);
    expect(labelsAt(binner, utc(2020, 4, 1))).toEqual(['2020-02--P3M', '2020-03--P3M', '2020-04--P3M']);
  });

  it('keeps only windows wholly inside the range, as odc-dscache does', () => {
    expect(labelsAt(binner, utc(2020, 5, 20))).toEqual(['2020-03--P3M', '2020-04--P3M']);
    expect(labelsAt(binner, utc(2020, 6, 30, 23, 59, 59))).toEqual(['2020-04--P3M']);
    expect(binner.periodsOf(utc(2020, 7, 1))).toEqual([]);
    expect(binner.periodsOf(utc(2019, 12, 31, 23))).toEqual([]);
  });

  it('counts memberships 1, 2, 3, 3, 2, 1 across a six-month range', () => {
    const counts = [1, 2, 3, 4, 5, 6].map((month) => binner.periodsOf(utc(2020, month, 15)).length);
    expect(counts).toEqual([1, 2, 3, 3, 2, 1]);
  });

  it('starts windows on the range start day when it is not the 1st', () => {
    const midMonth = makeBinner('rolling-3months', parseTemporalRange('2020-01-15--P4M'));
    expect(labelsAt(midMonth, utc(2020, 2, 14))).toEqual(['2020-01-15--P3M']);
    expect(midMonth.periodsOf(utc(2020, 3, 20))).toEqual([
      { start: utc(2020, 1, 15), end: utc(2020, 4, 15), label: '2020-01-15--P3M' },
      { start: utc(2020, 2, 15), end: utc(2020, 5, 15), label: '2020-02-15--P3M' },
    ]);
    expect(labelsAt(midMonth, utc(2020, 4, 20))).toEqual(['2020-02-15--P3M']);
  });

  it('refuses a range starting on a day some months lack', () => {
    expect(userErrorOf(() => makeBinner('rolling-3months', parseTemporalRange('2020-01-30--P1Y'))).message).toBe(
      "frequency 'rolling-3months' needs --temporal-range to start on day 1 to 28 of a month, not 2020-01-30",
    );
  });

  it('refuses a range too short for one window', () => {
    expect(userErrorOf(() => makeBinner('rolling-3months', parseTemporalRange('2020-05--P2M'))).message).toBe(
      "temporal range 2020-05--P2M is too short to hold one whole 'rolling-3months' period",
    );
  });

  it('needs a range', () => {
    expect(userErrorOf(() => makeBinner('rolling-3months')).message).toBe(
      "frequency 'rolling-3months' is anchored at the start of --temporal-range; give one",
    );
  });
});

describe('rolling-Nyears', () => {
  it('without a range, puts a date in each of the N windows that hold it', () => {
    const binner = makeBinner('rolling-3years');
    expect(binner.periodsOf(utc(2020, 2, 29))).toEqual([
      { start: utc(2018, 1), end: utc(2021, 1), label: '2018--P3Y' },
      { start: utc(2019, 1), end: utc(2022, 1), label: '2019--P3Y' },
      { start: utc(2020, 1), end: utc(2023, 1), label: '2020--P3Y' },
    ]);
    expect(labelsAt(makeBinner('rolling-2years'), utc(2020, 12, 31, 23))).toEqual(['2019--P2Y', '2020--P2Y']);
  });

  it('with a range, keeps windows wholly inside it', () => {
    const binner = makeBinner('rolling-3years', parseTemporalRange('2015--P6Y'));
    const counts = [2015, 2016, 2017, 2018, 2019, 2020].map((year) => binner.periodsOf(utc(year, 6, 1)).length);
    expect(counts).toEqual([1, 2, 3, 3, 2, 1]);
    expect(labelsAt(binner, utc(2019, 6, 1))).toEqual(['2017--P3Y', '2018--P3Y']);
    expect(binner.periodsOf(utc(2021, 1, 1))).toEqual([]);
  });

  it('keeps calendar-year windows when the range starts mid-year', () => {
    const binner = makeBinner('rolling-2years', parseTemporalRange('2019-07--P4Y'));
    expect(binner.periodsOf(utc(2019, 9, 1))).toEqual([]);
    expect(labelsAt(binner, utc(2021, 3, 1))).toEqual(['2020--P2Y', '2021--P2Y']);
    expect(labelsAt(binner, utc(2023, 3, 1))).toEqual([]);
  });

  it('refuses a range too short for one window', () => {
    expect(() => makeBinner('rolling-3years', parseTemporalRange('2019-07--P3Y'))).toThrow(
      "temporal range 2019-07--P3Y is too short to hold one whole 'rolling-3years' period",
    );
  });
});

describe('all', () => {
  it('with a range, has the range as its one period', () => {
    const range = parseTemporalRange('2019-07--P1Y');
    const binner = makeBinner('all', range);
    expect(binner.periodsOf(utc(2020, 6, 30, 23, 59, 59))).toEqual([range]);
    expect(binner.periodsOf(utc(2020, 7, 1))).toEqual([]);
    expect(binner.periodsOf(utc(2019, 6, 30, 23))).toEqual([]);
  });

  it('without a range, is left to allPeriodOfExtent', () => {
    expect(() => makeBinner('all')).toThrow(Error);
    expect(() => makeBinner('all')).not.toThrow(UserError);
  });

  it('allPeriodOfExtent covers the extent in whole calendar years', () => {
    expect(allPeriodOfExtent(utc(2016, 3, 5), utc(2018, 5, 20))).toEqual({
      start: utc(2016, 1),
      end: utc(2019, 1),
      label: '2016--P3Y',
    });
    expect(allPeriodOfExtent(utc(2020, 12, 31, 23), utc(2020, 12, 31, 23)).label).toBe('2020--P1Y');
    expect(() => allPeriodOfExtent(utc(2020, 1), utc(2019, 1))).toThrow(Error);
    expect(() => allPeriodOfExtent(Infinity, -Infinity)).toThrow(Error);
  });
});

describe('makeBinner', () => {
  it('refuses unknown frequencies as the user’s error', () => {
    expect(() => makeBinner('fortnightly')).toThrow(UserError);
  });

  it('hands out shared, frozen results and the same Period objects', () => {
    const binner = makeBinner('rolling-3years');
    const first = binner.periodsOf(utc(2020, 5, 1));
    const again = binner.periodsOf(utc(2020, 5, 20));
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(binner.periodsOf(utc(2021, 1, 1))[0]).toBe(first[1]);
    expect(Object.isFrozen(makeBinner('nov-mar').periodsOf(utc(2020, 7, 1)))).toBe(true);
  });

  it('gives the same answers to times in any order', () => {
    const times = [utc(2020, 3, 1), utc(2019, 3, 1), utc(2020, 2, 29, 23, 59, 59), utc(2020, 3, 1), utc(2020, 2, 1)];
    const inOrder = (name: string, range?: Period): string[][] => {
      const fresh = (t: number): string[] => labelsAt(makeBinner(name, range), t);
      return times.map(fresh);
    };
    for (const name of ['seasonal', 'rolling-3years', 'nov-mar']) {
      const shared = makeBinner(name);
      expect(times.map((t) => labelsAt(shared, t))).toEqual(inOrder(name));
    }
    const range = parseTemporalRange('2019-01-10--P2Y');
    const shared = makeBinner('rolling-3months', range);
    expect(times.map((t) => labelsAt(shared, t))).toEqual(inOrder('rolling-3months', range));
  });

  it('refuses times that are not numbers', () => {
    expect(() => makeBinner('annual').periodsOf(Number.NaN)).toThrow(Error);
  });

  it('bins two million times quickly', () => {
    const binner = makeBinner('rolling-3months', parseTemporalRange('2015--P8Y'));
    const from = utc(2015, 1);
    const step = (utc(2023, 1) - from) / 2_000_000;
    let links = 0;
    const began = performance.now();
    for (let i = 0; i < 2_000_000; i++) links += binner.periodsOf(from + i * step).length;
    const elapsedMs = performance.now() - began;
    expect(links).toBeGreaterThan(5_000_000);
    expect(elapsedMs).toBeLessThan(2000);
  });
});
