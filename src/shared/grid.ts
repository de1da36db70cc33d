/**
 * Named and custom tiling grids (odc-stats "grid" option): square tiles of `tileShape` pixels laid
 * out from an origin in a projected CRS, with tile y growing northwards.
 */
import { normaliseCrs, transformer } from './crs.js';
import type { BBox, GeoBox } from './geobox.js';
import { UserError } from './errors.js';

export interface TileIndex {
  readonly x: number;
  readonly y: number;
}

export interface GridSpec {
  name: string;
  crs: string;
  resolution: number;
  /** Pixels per tile side. */
  tileShape: number;
  /** Metres per tile side: resolution * tileShape. */
  tileSize: number;
  origin: { x: number; y: number };
}

interface GridFamily {
  prefix: string;
  crs: string;
  resolutions: readonly number[];
  tileSize: number;
  origin: { x: number; y: number };
}

const GRID_FAMILIES: readonly GridFamily[] = [
  { prefix: 'au', crs: 'EPSG:3577', resolutions: [10, 20, 30, 60], tileSize: 96_000, origin: { x: -2_688_000, y: -5_472_000 } },
  {
    prefix: 'au-extended',
    crs: 'EPSG:3577',
    resolutions: [10, 20, 30, 60],
    tileSize: 96_000,
    origin: { x: -4_416_000, y: -6_912_000 },
  },
  { prefix: 'africa', crs: 'EPSG:6933', resolutions: [10, 20, 30, 60], tileSize: 96_000, origin: { x: -17_376_000, y: -7_392_000 } },
  { prefix: 'global', crs: 'EPSG:6933', resolutions: [10, 20, 30, 60], tileSize: 96_000, origin: { x: -17_376_000, y: -7_392_000 } },
  { prefix: 'albers-au', crs: 'EPSG:3577', resolutions: [25], tileSize: 100_000, origin: { x: 0, y: 0 } },
];

const NAMED_GRIDS: ReadonlyMap<string, GridSpec> = new Map(
  GRID_FAMILIES.flatMap((family) =>
    family.resolutions.map((resolution): [string, GridSpec] => {
      const name = `${family.prefix}-${resolution}`;
      return [
        name,
        {
          name,
          crs: family.crs,
          resolution,
          tileShape: family.tileSize / resolution,
          tileSize: family.tileSize,
          origin: { ...family.origin },
        },
      ];
    }),
  ),
);

/** Canonical names of the built-in grids, for help texts. */
export const GRID_NAMES: readonly string[] = [...NAMED_GRIDS.keys()];

const CUSTOM_GRID_FORM = "'CRS;RESOLUTION;TILE_PIXELS' (e.g. 'epsg:3857;30;5000')";

function unknownGrid(spec: string): UserError {
  return new UserError(`unknown grid '${spec}': use one of ${GRID_NAMES.join(', ')} or a custom grid ${CUSTOM_GRID_FORM}`);
}

function parseCustomGrid(spec: string): GridSpec {
  const parts = spec.split(';').map((part) => part.trim());
  if (parts.length !== 3) throw unknownGrid(spec);
  const [crsText, resolutionText, shapeText] = parts as [string, string, string];
  const crs = normaliseCrs(crsText);
  const resolution = Number(resolutionText);
  const tileShape = Number(shapeText);
  if (resolutionText === '' || !Number.isFinite(resolution) || resolution <= 0) {
    throw new UserError(`grid '${spec}': resolution '${resolutionText}' must be a positive number of CRS units`);
  }
  if (shapeText === '' || !Number.isInteger(tileShape) || tileShape <= 0) {
    throw new UserError(`grid '${spec}': tile size '${shapeText}' must be a positive whole number of pixels`);
  }
  return {
    name: `${crs};${resolution};${tileShape}`,
    crs,
    resolution,
    tileShape,
    tileSize: resolution * tileShape,
    origin: { x: 0, y: 0 },
  };
}

/** A built-in grid name ('au-30', 'AU_30', 'africa-10', ...) or a custom 'CRS;RESOLUTION;TILE_PIXELS'. */
export function parseGrid(spec: string): GridSpec {
  const trimmed = spec.trim();
  if (trimmed.includes(';')) return parseCustomGrid(trimmed);
  const named = NAMED_GRIDS.get(trimmed.toLowerCase().replaceAll('_', '-'));
  if (named === undefined) throw unknownGrid(spec);
  return { ...named, origin: { ...named.origin } };
}

/** The tile containing a point of the grid's CRS; points on a tile edge belong to the tile east/north of it. */
export function tileIndexOf(grid: GridSpec, x: number, y: number): TileIndex {
  return {
    x: Math.floor((x - grid.origin.x) / grid.tileSize),
    y: Math.floor((y - grid.origin.y) / grid.tileSize),
  };
}

export function tileBounds(grid: GridSpec, tile: TileIndex): BBox {
  const minX = grid.origin.x + tile.x * grid.tileSize;
  const minY = grid.origin.y + tile.y * grid.tileSize;
  return { minX, minY, maxX: minX + grid.tileSize, maxY: minY + grid.tileSize };
}

/** The pixel grid of a tile, north-up, its first row at the tile's northern edge. */
export function tileGeobox(grid: GridSpec, tile: TileIndex): GeoBox {
  const bounds = tileBounds(grid, tile);
  return {
    crs: grid.crs,
    affine: [grid.resolution, 0, bounds.minX, 0, -grid.resolution, bounds.maxY],
    width: grid.tileShape,
    height: grid.tileShape,
  };
}

/**
 * The tiles overlapping a bbox, as half-open index ranges [x0, x1) × [y0, y1). A tile that only
 * touches the bbox's east or north edge is left out; a bbox of zero width or height still gets
 * the tile it lies in.
 */
export function tileRangeOfBBox(grid: GridSpec, bbox: BBox): TileRange {
  const x0 = Math.floor((bbox.minX - grid.origin.x) / grid.tileSize);
  const y0 = Math.floor((bbox.minY - grid.origin.y) / grid.tileSize);
  const x1 = Math.max(Math.ceil((bbox.maxX - grid.origin.x) / grid.tileSize), x0 + 1);
  const y1 = Math.max(Math.ceil((bbox.maxY - grid.origin.y) / grid.tileSize), y0 + 1);
  return { x0, x1, y0, y1 };
}

/** Half-open ranges of tile indices [x0, x1) × [y0, y1). */
export interface TileRange {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * Where each CRS gives meaningful coordinates, as a lon/lat box [west, south, east, north]:
 * the whole world where the projection covers it, else the CRS's area of use with a margin.
 * Tiles outside these boxes are never planned, so that no selection or region enumerates
 * billions of tiles.
 */
function validLonLatBox(crs: string): [number, number, number, number] {
  const code = normaliseCrs(crs);
  // EPSG:3857 is undefined at the poles: the square of web maps stops at ±85.0511°.
  if (code === 'EPSG:3857') return [-180, -85.0511, 180, 85.0511];
  // Australia with its external territories (Heard Island at 73°E to Norfolk Island), with
  // margin: the au and au-extended grids.
  if (code === 'EPSG:3577' || code === 'EPSG:9473') return [70, -65, 180, 0];
  const utm = /^EPSG:32[67](\d\d)$/.exec(code);
  if (utm) {
    // A UTM zone is 6° wide; data a few zones either side is still projected usefully.
    const centre = -183 + 6 * Number(utm[1]);
    return [centre - 9, -80, centre + 9, 84];
  }
  return [-180, -90, 180, 90];
}

const extentCache = new Map<string, BBox>();

/** The part of a grid's CRS where tiles may be planned (see validLonLatBox), in that CRS. */
export function crsExtent(crs: string): BBox {
  let extent = extentCache.get(crs);
  if (extent === undefined) {
    const [west, south, east, north] = validLonLatBox(crs);
    const project = transformer('EPSG:4326', crs);
    extent = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    // The box's edges, finely divided: parallels curve in conic and transverse projections.
    const steps = 360;
    for (let i = 0; i <= steps; i++) {
      const lon = west + ((east - west) * i) / steps;
      const lat = south + ((north - south) * i) / steps;
      for (const [x, y] of [project(lon, south), project(lon, north), project(west, lat), project(east, lat)]) {
        extent.minX = Math.min(extent.minX, x);
        extent.minY = Math.min(extent.minY, y);
        extent.maxX = Math.max(extent.maxX, x);
        extent.maxY = Math.max(extent.maxY, y);
      }
    }
    extentCache.set(crs, extent);
  }
  return extent;
}

/** The tiles of a grid that lie (at least partly) within its CRS's valid extent. */
export function validTileRange(grid: GridSpec): TileRange {
  return tileRangeOfBBox(grid, crsExtent(grid.crs));
}

/** The tiles two ranges have in common; empty (x0 >= x1 or y0 >= y1) when none. */
export function intersectTileRanges(a: TileRange, b: TileRange): TileRange {
  return { x0: Math.max(a.x0, b.x0), x1: Math.min(a.x1, b.x1), y0: Math.max(a.y0, b.y0), y1: Math.min(a.y1, b.y1) };
}

export function tileRangeIsEmpty(r: TileRange): boolean {
  return r.x0 >= r.x1 || r.y0 >= r.y1;
}

function formatInteger(value: number, spec: string, format: string): string {
  // The Python format specs odc-stats configurations use: '', 'd', 'Nd', '0Nd'.
  const match = /^(0?)(\d*)d?$/.exec(spec);
  if (match === null) {
    throw new UserError(`region code format '${format}': unsupported format spec ':${spec}' (use e.g. {x:02d})`);
  }
  const zeroPad = match[1] === '0';
  const width = match[2] === '' ? 0 : Number(match[2]);
  const digits = String(Math.abs(value));
  const sign = value < 0 ? '-' : '';
  if (zeroPad) return sign + digits.padStart(width - sign.length, '0');
  return (sign + digits).padStart(width, ' ');
}

/**
 * A tile's region code from a Python-format-like template: '{x}', '{y:03d}', '{{' and '}}' work as
 * in Python, so 'x{x:02d}y{y:02d}' gives 'x05y-3' for tile (5, -3).
 */
export function regionCode(tile: TileIndex, format = 'x{x:02d}y{y:02d}'): string {
  return format.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (token, field: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    if (field === undefined) throw new UserError(`region code format '${format}' has an unmatched '${token}'`);
    const colon = field.indexOf(':');
    const name = colon < 0 ? field : field.slice(0, colon);
    const spec = colon < 0 ? '' : field.slice(colon + 1);
    if (name !== 'x' && name !== 'y') {
      throw new UserError(`region code format '${format}' uses unknown field '{${name}}': only {x} and {y} exist`);
    }
    return formatInteger(tile[name], spec, format);
  });
}
