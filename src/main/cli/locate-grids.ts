/**
 * odc-stats `locate-grids` (odc/stats/_cli_locate_grids.py): the tiles of a grid that an extent
 * covers, as a CSV of `x,y` lines without a header, which odc-stats' operators turn into the
 * `--tiles` of their runs. odc-stats reads the grid as a shape file of its tiles (each with a
 * `region_code`) and keeps those an extent's features touch; here the grid is named, as
 * `save-tasks --grid` names it, and a tile is kept when it shares area with the extent, the
 * planner's test for `--region`. The extent is GeoJSON (a STAC item's footprint too; a `crs`
 * member reprojects it) or an ESRI shapefile in longitude/latitude; `--attr-filter` keeps the
 * features an OGR SQL WHERE clause selects, as odc-stats' `SetAttributeFilter`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import { ringSignedArea, scanTilesIntersecting, type Polygonal, type Ring } from '../../shared/geometry.js';
import { parseGrid, type GridSpec, type TileIndex } from '../../shared/grid.js';
import { attributesOfProperties, parseWhere } from '../../shared/ogr-where.js';
import { regionFromGeoJSON } from '../../shared/region.js';
import { readExtentFeatures } from '../../worker/plugins/mangroves-extent.js';
import { MAX_REGION_TILE_SQUARES } from '../planner/chosen-tiles.js';

export interface LocateRequest {
  grid: string;
  extent: string;
  attrFilter?: string;
}

/** The grid's tiles sharing area with the extent's (selected) features, ordered by x then y. */
export function locateTiles(request: LocateRequest): { grid: GridSpec; tiles: TileIndex[] } {
  if (existsSync(request.grid)) {
    throw new UserError(
      `grid '${request.grid}' is a file: odc-stats' grid shapes are not read here; name the grid they were drawn from (au-30, africa-10, or CRS;RES;SHAPE such as 'epsg:6933;10;9600')`,
    );
  }
  const grid = parseGrid(request.grid);
  const extent = readExtent(request.extent, request.attrFilter);
  const scan = scanTilesIntersecting(grid, extent);
  if (scan.squares > MAX_REGION_TILE_SQUARES) {
    throw new UserError(`extent ${request.extent} spans ${scan.squares} tiles of grid ${grid.name}, more than the ${MAX_REGION_TILE_SQUARES} searched: give a grid with larger tiles`);
  }
  const unique = new Map<string, TileIndex>();
  for (const column of scan.columns()) for (const tile of column) unique.set(`${tile.x},${tile.y}`, tile);
  const tiles = [...unique.values()].sort((a, b) => a.x - b.x || a.y - b.y);
  if (tiles.length === 0) throw new UserError(`extent ${request.extent} shares no area with any tile of grid ${grid.name}`);
  return { grid, tiles };
}

/** The tiles as odc-stats writes them: `x,y` a line, no header. */
export function tilesCsv(tiles: readonly TileIndex[]): string {
  return tiles.map((t) => `${t.x},${t.y}\n`).join('');
}

function readExtent(file: string, attrFilter: string | undefined): Polygonal {
  const filter = attrFilter === undefined ? undefined : parseWhere(attrFilter);
  const geojson = /\.shp$/i.test(file) ? shapefileGeoJSON(file) : geojsonOf(file);
  const features = geojson.type === 'FeatureCollection' && Array.isArray(geojson.features) ? (geojson.features as GeoJSONFeature[]) : [geojson as GeoJSONFeature];
  const kept = filter ? features.filter((f) => filter.matches(attributesOfProperties(f.properties))) : features;
  if (kept.length === 0) throw new UserError(`no feature of extent ${file} passes --attr-filter "${attrFilter ?? ''}"`);
  try {
    return regionFromGeoJSON({ ...geojson, type: 'FeatureCollection', features: kept });
  } catch (e) {
    throw e instanceof UserError ? new UserError(`extent ${file}: ${e.message.replace(/^region: /, '')}`) : e;
  }
}

interface GeoJSONFeature {
  type?: unknown;
  properties?: Record<string, unknown> | null;
  geometry?: unknown;
  features?: unknown;
}

function geojsonOf(file: string): GeoJSONFeature {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`extent not found: ${file}`);
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (json !== null && typeof json === 'object') return json as GeoJSONFeature;
  } catch {
    // reported below
  }
  throw new UserError(`extent ${file} is neither a shapefile (.shp) nor GeoJSON`);
}

/**
 * A shapefile's features as GeoJSON, their attributes as properties. A shapefile polygon's outer
 * rings run clockwise and its holes anticlockwise, each hole after its outer ring.
 */
function shapefileGeoJSON(file: string): GeoJSONFeature {
  if (!existsSync(file)) throw new UserError(`extent not found: ${file}`);
  const { features, lonLat } = readExtentFeatures(file, 'extent');
  if (!lonLat) {
    throw new UserError(`extent ${file} has no .prj of a geographic CRS: give the shapefile in longitude/latitude, or the extent as GeoJSON with a crs member`);
  }
  return {
    type: 'FeatureCollection',
    features: features.map(({ rings, attributes }) => ({
      type: 'Feature',
      properties: Object.fromEntries(attributes),
      geometry: { type: 'MultiPolygon', coordinates: polygonsOfRings(rings) },
    })),
  };
}

function polygonsOfRings(rings: readonly Ring[]): Ring[][] {
  const polygons: Ring[][] = [];
  for (const ring of rings) {
    const last = polygons[polygons.length - 1];
    if (last === undefined || ringSignedArea(ring) < 0) polygons.push([ring]);
    else last.push(ring);
  }
  return polygons;
}
