/**
 * What the map's search box was given: a tile index of the grid ("218,75", "x218y075", a task
 * id), coordinates ("-1.28, 36.82", "36.82 -1.28", "1.28° S, 36.82° E") or a place name.
 */
import { validTileRange, type GridSpec } from '../../shared/grid.js';
import { parseTaskId } from '../../shared/task-id.js';

export type SearchTarget =
  | { kind: 'point'; lon: number; lat: number; /** How two bare numbers were read, for the user to check. */ readAs: 'lat, lon' | 'lon, lat' | 'hemispheres' }
  | { kind: 'tile'; x: number; y: number }
  | { kind: 'place'; name: string }
  | { kind: 'error'; message: string };

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)`;
const HEMISPHERE = '[NSEWnsew]';
const COORDINATES = new RegExp(
  String.raw`^(${HEMISPHERE})?\s*(${NUMBER})\s*°?\s*(${HEMISPHERE})?\s*?(,|;|\s)\s*(${HEMISPHERE})?\s*(${NUMBER})\s*°?\s*(${HEMISPHERE})?$`,
);
const TILE_WORD = /^tile\s+([+-]?\d+)\s*[,\s]\s*([+-]?\d+)$/i;
const REGION_CODE = /^x\s*([+-]?\d+)\s*[/_,\s]?\s*y\s*([+-]?\d+)$/i;

/**
 * Reads the search box. Two whole numbers are a tile index of `grid` when the grid has that
 * tile, else coordinates. Two numbers with a decimal point are coordinates: latitude first
 * when a comma separates them (as GPS apps and web maps write them), longitude first when a
 * space does (as GeoJSON and WKT do); a number beyond ±90 can only be a longitude, and N/S/E/W
 * settle the order whatever it is.
 */
export function parseSearch(input: string, grid: GridSpec | null): SearchTarget | null {
  const text = input.trim().replace(/[−–]/g, '-');
  if (!text) return null;

  const named = TILE_WORD.exec(text) ?? REGION_CODE.exec(text);
  if (named) return tileTarget(Number(named[1]), Number(named[2]), grid, true)!;
  if (text.includes('--')) {
    try {
      const id = parseTaskId(text);
      return tileTarget(id.x, id.y, grid, true)!;
    } catch {
      // Not a task id: a place may have two dashes in its name.
    }
  }

  const numbers = COORDINATES.exec(text);
  if (numbers) {
    const [, h1, a = '', h1b, separator, h2, b = '', h2b] = numbers;
    // Letters written before the numbers ("S 1.28 E 36.82") or after them ("1.28 S 36.82 E").
    const [first, second, extra] = h1 ? [h1, h1b ?? h2, h1b && h2 ? h2 : h2b] : [h1b, h2b ?? h2, h2b && h2 ? h2 : undefined];
    if (extra) return { kind: 'error', message: `Cannot read "${input.trim()}": give each number one hemisphere letter.` };
    if (!first && !second && /^[+-]?\d+$/.test(a) && /^[+-]?\d+$/.test(b)) {
      const tile = tileTarget(Number(a), Number(b), grid, false);
      if (tile) return tile;
    }
    return pointTarget(Number(a), first, Number(b), second, separator === ',' || separator === ';');
  }

  if (/\p{L}/u.test(text)) return { kind: 'place', name: text };
  return { kind: 'error', message: `Cannot read "${input.trim()}": give a place name, coordinates (-1.28, 36.82) or a tile index (218,75).` };
}

/** The tile, or the reason it is not one; null when `strict` is false and the grid has no such tile. */
function tileTarget(x: number, y: number, grid: GridSpec | null, strict: boolean): SearchTarget | null {
  if (!grid) return strict ? { kind: 'error', message: 'No tile can be found: the grid of the plan is not a grid the app knows.' } : null;
  const range = validTileRange(grid);
  if (x >= range.x0 && x < range.x1 && y >= range.y0 && y < range.y1) return { kind: 'tile', x, y };
  if (!strict) return null;
  return { kind: 'error', message: `Grid ${grid.name} has no tile ${x},${y}: its tiles run x ${range.x0}…${range.x1 - 1}, y ${range.y0}…${range.y1 - 1}.` };
}

function pointTarget(a: number, ha: string | undefined, b: number, hb: string | undefined, commaSeparated: boolean): SearchTarget {
  const axis = (h: string | undefined) => (h === undefined ? undefined : /[ns]/i.test(h) ? 'lat' : 'lon');
  const signed = (value: number, h: string | undefined) => (h !== undefined && /[sw]/i.test(h) ? -value : value);
  if ((ha !== undefined && a < 0) || (hb !== undefined && b < 0)) {
    return { kind: 'error', message: 'Give a coordinate a minus sign or a hemisphere letter, not both.' };
  }
  let latFirst: boolean;
  let readAs: 'lat, lon' | 'lon, lat' | 'hemispheres';
  const axisA = axis(ha);
  const axisB = axis(hb);
  if (axisA !== undefined || axisB !== undefined) {
    if (axisA !== undefined && axisA === axisB) return { kind: 'error', message: `Both numbers are ${axisA === 'lat' ? 'latitudes (N/S)' : 'longitudes (E/W)'}: give one of each.` };
    latFirst = axisA === 'lat' || axisB === 'lon';
    readAs = 'hemispheres';
  } else if (Math.abs(a) > 90 && Math.abs(b) <= 90) {
    latFirst = false;
    readAs = 'lon, lat';
  } else if (Math.abs(b) > 90 && Math.abs(a) <= 90) {
    latFirst = true;
    readAs = 'lat, lon';
  } else {
    latFirst = commaSeparated;
    readAs = commaSeparated ? 'lat, lon' : 'lon, lat';
  }
  const lat = latFirst ? signed(a, ha) : signed(b, hb);
  const lon = latFirst ? signed(b, hb) : signed(a, ha);
  if (Math.abs(lat) > 90) return { kind: 'error', message: `Latitude ${lat} is outside -90…90.` };
  if (Math.abs(lon) > 180) return { kind: 'error', message: `Longitude ${lon} is outside -180…180.` };
  return { kind: 'point', lon, lat, readAs };
}
