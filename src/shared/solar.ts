import { formatUtcDate } from './daterange.js';

const HOUR_MS = 3_600_000;

/**
 * Whole hours between UTC and mean solar time at a longitude: lon / 15 rounded.
 * odc-stats uses Python's round(), which sends halves to the even neighbour, and plans must
 * agree with it: ±7.5° → 0 h, ±22.5° → ±2 h, ±37.5° → ±2 h. Never returns -0.
 */
export function solarOffsetHours(lon: number): number {
  if (!Number.isFinite(lon)) throw new Error(`solarOffsetHours: longitude ${lon} is not a number`);
  const hours = lon / 15;
  const isHalf = Math.abs(hours % 1) === 0.5;
  const rounded = isHalf ? 2 * Math.round(hours / 2) : Math.round(hours);
  return rounded + 0;
}

export function solarOffsetMs(lon: number): number {
  return solarOffsetHours(lon) * HOUR_MS;
}

/** UTC time shifted by the offset, so that its UTC calendar fields read as local solar time. */
export function toSolarTime(utcMs: number, offsetHours: number): number {
  return utcMs + offsetHours * HOUR_MS;
}

/** The solar-time calendar day of a UTC time, as YYYY-MM-DD. */
export function solarDay(utcMs: number, offsetHours: number): string {
  return formatUtcDate(toSolarTime(utcMs, offsetHours));
}
