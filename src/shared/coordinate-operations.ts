/**
 * The datum transformations a run config may choose with odc-stats' `transform_code` (DEA's
 * Landsat configs: `EPSG:9688`). odc-algo hands GDAL the candidate operation between a
 * dataset's CRS and the tile's whose transformation step has that EPSG code, and fails where
 * there is none. The transformations here are those between WGS 84 and GDA94 that need no grid
 * file; their parameters are EPSG's (`projinfo -k operation EPSG:NNNN`).
 */
export type Datum = 'WGS84' | 'GDA94' | 'GDA2020';

export interface CoordinateOperation {
  code: string;
  name: string;
  /** The datum on which the GDA94 side of the pair is defined, and the other side. */
  from: Datum;
  to: Datum;
  /**
   * PROJ's `+towgs84` for `from`: translations (m), rotations (arc-seconds) in the position
   * vector convention, scale (ppm). EPSG states 9688 in the coordinate frame convention: the
   * same numbers with the rotations' signs turned.
   */
  towgs84: readonly [number, number, number, number, number, number, number];
  /** EPSG's area of use: west, south, east, north (degrees). */
  area: readonly [number, number, number, number];
}

/** Australia, with its islands, onshore and offshore. */
const AUSTRALIA: CoordinateOperation['area'] = [93.41, -60.55, 173.34, -8.47];

const OPERATIONS: readonly CoordinateOperation[] = [
  { code: 'EPSG:1150', name: 'GDA94 to WGS 84 (1)', from: 'GDA94', to: 'WGS84', towgs84: [0, 0, 0, 0, 0, 0, 0], area: AUSTRALIA },
  {
    code: 'EPSG:9688',
    name: 'GDA94 to WGS 84 (2)',
    from: 'GDA94',
    to: 'WGS84',
    towgs84: [0.06155, -0.01087, -0.04019, 0.0394924, 0.0327221, 0.0328979, -0.009994],
    area: AUSTRALIA,
  },
];

/** The operation `transform_code` names ('EPSG:9688', 'epsg:9688'); undefined for a code of another. */
export function coordinateOperation(code: string): CoordinateOperation | undefined {
  const normal = code.trim().toUpperCase();
  return OPERATIONS.find((op) => op.code === normal);
}

/** The operations `transform_code` may name, for messages. */
export const KNOWN_OPERATIONS = OPERATIONS.map((op) => `${op.code} (${op.name})`).join(', ');

/**
 * Whether `area_of_interest` ([west, south, east, north] in degrees, as pyproj's AreaOfInterest)
 * meets the operation's area of use; odc-algo finds no candidate operation where it does not.
 */
export function operationMeetsArea(operation: CoordinateOperation, [west, south, east, north]: readonly number[]): boolean {
  const [w, s, e, n] = operation.area;
  return west! <= e && east! >= w && south! <= n && north! >= s;
}
