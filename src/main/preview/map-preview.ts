/**
 * Previews of a finished task for the app's map: bands of its COGs read onto a Web Mercator
 * box (maplibre's image sources are drawn in it), rendered as RGB or through a colour ramp; and
 * every band's value at one lon/lat, read from the COG's own pixel grid.
 */
import { pixelAtLonLat, type GeoBox } from '../../shared/geobox.js';
import { transformer } from '../../shared/crs.js';
import { loadBand } from '../../worker/load/load-band.js';
import { encodePng } from '../../worker/quicklook/png.js';
import { percentile, renderRamp, renderRgb, type ColourRamp, type ValueRange } from '../../worker/quicklook/render.js';
import type { Raster } from '../../worker/raster.js';

/** The parts of a task's STAC item the previews read. */
export interface OutputItem {
  bbox?: number[];
  properties: Record<string, unknown>;
  assets: Record<string, { href: string; roles?: string[] }>;
}

const RGB_TRIPLES: ReadonlyArray<[string, string, string]> = [
  ['B04', 'B03', 'B02'],
  ['nbart_red', 'nbart_green', 'nbart_blue'],
  ['red', 'green', 'blue'],
];

/** The data bands of an output, in the item's order. */
export function dataBands(item: OutputItem): string[] {
  return Object.entries(item.assets)
    .filter(([, asset]) => asset.roles?.includes('data') ?? true)
    .filter(([, asset]) => /\.tif{1,2}$/i.test(asset.href))
    .map(([name]) => name);
}

export function rgbBands(item: OutputItem): [string, string, string] | undefined {
  const bands = new Set(dataBands(item));
  return RGB_TRIPLES.find((triple) => triple.every((b) => bands.has(b)));
}

export function itemBBox(item: OutputItem): [number, number, number, number] {
  const b = item.bbox;
  if (!b || b.length < 4) throw new Error('the output STAC item has no bbox');
  return [b[0]!, b[1]!, b[2]!, b[3]!];
}

/** The URL of a band's COG; `itemHref` is the item's own URL, against which relative hrefs resolve. */
export function bandHref(item: OutputItem, itemHref: string, band: string): string {
  const asset = item.assets[band];
  if (!asset) throw new Error(`the output has no band '${band}' (bands: ${dataBands(item).join(', ')})`);
  return new URL(asset.href, itemHref).href;
}

export interface MapPreview {
  png: Uint8Array;
  /** Corners in lon/lat: top-left, top-right, bottom-right, bottom-left. */
  coordinates: [[number, number], [number, number], [number, number], [number, number]];
  range: ValueRange;
}

/**
 * One band through a ramp or three as RGB, on a Web Mercator box over the item's bbox whose
 * long side is `size` pixels. `itemHref` is a URL (file:// for local outputs).
 */
export async function renderMapPreview(
  item: OutputItem,
  itemHref: string,
  bands: string[],
  options: { range?: ValueRange; ramp?: ColourRamp; size?: number } = {},
): Promise<MapPreview> {
  if (bands.length !== 1 && bands.length !== 3) throw new Error('a preview shows one band or three (red, green, blue)');
  const [west, south, east, north] = itemBBox(item);
  const toMercator = transformer('EPSG:4326', 'EPSG:3857');
  const [x0, y0] = toMercator(west, south);
  const [x1, y1] = toMercator(east, north);
  const size = options.size ?? 512;
  const scale = Math.max(x1 - x0, y1 - y0) / size;
  const geobox: GeoBox = {
    crs: 'EPSG:3857',
    affine: [scale, 0, x0, 0, -scale, y1],
    width: Math.max(1, Math.round((x1 - x0) / scale)),
    height: Math.max(1, Math.round((y1 - y0) / scale)),
  };
  const rasters = await Promise.all(bands.map((band) => loadBand(bandHref(item, itemHref, band), geobox, { resampling: 'nearest' })));
  let rgba: Uint8Array;
  let range: ValueRange;
  if (rasters.length === 3) {
    range = options.range ?? commonStretch(rasters);
    rgba = renderRgb(rasters as [Raster, Raster, Raster], range);
  } else {
    range = options.range ?? { min: percentile(rasters[0]!, 2) ?? 0, max: percentile(rasters[0]!, 98) ?? 0 };
    rgba = renderRamp(rasters[0]!, range, options.ramp ?? 'viridis');
  }
  // The box's corners back in lon/lat: its edges are exactly the bbox's (Mercator keeps meridians and parallels straight).
  const toLonLat = transformer('EPSG:3857', 'EPSG:4326');
  const right = x0 + geobox.width * scale;
  const bottom = y1 - geobox.height * scale;
  const [l, t] = toLonLat(x0, y1);
  const [r, b] = toLonLat(right, bottom);
  return {
    png: encodePng(rgba, geobox.width, geobox.height),
    coordinates: [
      [l, t],
      [r, t],
      [r, b],
      [l, b],
    ],
    range,
  };
}

/** One stretch for the three bands (keeps colours balanced): the lowest 2nd and highest 98th percentile. */
function commonStretch(rasters: Raster[]): ValueRange {
  const lows = rasters.map((r) => percentile(r, 2)).filter((v): v is number => v !== null);
  const highs = rasters.map((r) => percentile(r, 98)).filter((v): v is number => v !== null);
  return { min: lows.length ? Math.min(...lows) : 0, max: highs.length ? Math.max(...highs) : 1 };
}

/** The item's pixel grid, from `proj:epsg`, `proj:transform` and `proj:shape`. */
export function itemGeoBox(item: OutputItem): GeoBox {
  const epsg = item.properties['proj:epsg'];
  const transform = item.properties['proj:transform'] as number[] | undefined;
  const shape = item.properties['proj:shape'] as number[] | undefined;
  if (typeof epsg !== 'number' || !transform || !shape) throw new Error('the output STAC item has no proj:epsg, proj:transform and proj:shape');
  const [a, b, c, d, e, f] = transform as [number, number, number, number, number, number];
  return { crs: `EPSG:${epsg}`, affine: [a, b, c, d, e, f], width: shape[1]!, height: shape[0]! };
}

/**
 * Every data band's value at a lon/lat: the pixel of the item's grid (`proj:epsg`,
 * `proj:transform`) that holds the point, read as stored. Undefined when the point is outside.
 */
export async function inspectOutput(item: OutputItem, itemHref: string, lon: number, lat: number): Promise<Record<string, number | null> | undefined> {
  const grid = itemGeoBox(item);
  const at = pixelAtLonLat(grid, lon, lat);
  if (!at) return undefined;
  const { crs } = grid;
  const { col, row } = at;
  const [a, , c, , e, f] = grid.affine;
  const pixel: GeoBox = { crs, affine: [a, 0, c + col * a, 0, e, f + row * e], width: 1, height: 1 };
  const values: Record<string, number | null> = {};
  for (const band of dataBands(item)) {
    const raster = await loadBand(bandHref(item, itemHref, band), pixel);
    const value = raster.data[0]!;
    values[band] = Number.isNaN(value) || (raster.nodata !== null && value === raster.nodata) ? null : value;
  }
  return values;
}
