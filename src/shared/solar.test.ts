import { describe, expect, it } from 'vitest';
import { solarDay, solarOffsetHours, solarOffsetMs, toSolarTime } from './solar.js';

const HOUR_MS = 3_600_000;

describe('solarOffsetHours', () => {
  it.each([
    [0, 0],
    [7.4, 0],
    [7.6, 1],
    [-7.6, -1],
    [151.2, 10],
    [-70.6, -5],
    [180, 12],
    [-180, -12],
  ])('rounds lon %d to %d h', (lon, hours) => {
    expect(solarOffsetHours(lon)).toBe(hours);
  });

  it("sends halves to the even hour as Python's round() does, for both signs", () => {
    expect(solarOffsetHours(7.5)).toBe(0);
    expect(solarOffsetHours(-7.5)).toBe(0);
    expect(solarOffsetHours(22.5)).toBe(2);
    expect(solarOffsetHours(-22.5)).toBe(-2);
    expect(solarOffsetHours(37.5)).toBe(2);
    expect(solarOffsetHours(-37.5)).toBe(-2);
    expect(solarOffsetHours(52.5)).toBe(4);
    expect(solarOffsetHours(-172.5)).toBe(-12);
  });

  it('never gives negative zero', () => {
    expect(Object.is(solarOffsetHours(-7.5), 0)).toBe(true);
    expect(Object.is(solarOffsetHours(-3), 0)).toBe(true);
  });

  it('refuses a longitude that is not a number', () => {
    expect(() => solarOffsetHours(Number.NaN)).toThrow(Error);
  });
});

describe('solar time', () => {
  it('converts the offset to milliseconds', () => {
    expect(solarOffsetMs(151.2)).toBe(10 * HOUR_MS);
    expect(solarOffsetMs(-70.6)).toBe(-5 * HOUR_MS);
  });

  it('shifts a UTC time by whole hours', () => {
    expect(toSolarTime(Date.UTC(2020, 0, 1, 20), 10)).toBe(Date.UTC(2020, 0, 2, 6));
    expect(toSolarTime(Date.UTC(2020, 0, 1, 2), -5)).toBe(Date.UTC(2019, 11, 31, 21));
  });

  it('names the solar day, which may differ from the UTC day', () => {
    expect(solarDay(Date.UTC(2020, 11, 31, 20), 10)).toBe('2021-01-01');
    expect(solarDay(Date.UTC(2020, 2, 1, 3), -5)).toBe('2020-02-29');
    expect(solarDay(Date.UTC(2020, 5, 15, 12), 0)).toBe('2020-06-15');
  });
});
