/**
 * Where each destination pixel falls in the source image.
 *
 * Transforming every pixel centre of a 9600² tile with proj4 would take tens of seconds, so the
 * exact transform is evaluated on a coarse grid of control points over the destination (every
 * CONTROL_STEP pixels, edges included) and interpolated bilinearly in between. Over a few
 * hundred metres map projections are smooth enough that the error is far below a hundredth of
 * a pixel (see reproject.test.ts); interpolated points are convex combinations of control
 * points, so the grid's extent bounds every point asked of it.
 */
import type { CoordinateOperation } from '../../shared/coordinate-operations.js';
import { transformer } from '../../shared/crs.js';
import type { Affine, GeoBox } from '../../shared/geobox.js';

const CONTROL_STEP = 32;

export function invertAffine([a, b, c, d, e, f]: Affine): Affine {
  const determinant = a * e - b * d;
  if (determinant === 0) throw new Error('the affine transform is not invertible');
  const ia = e / determinant;
  const ib = -b / determinant;
  const id = -d / determinant;
  const ie = a / determinant;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/**
 * Values (x, y) at control points over a destination pixel grid, at pixel positions
 * (min(i·step, width), min(j·step, height)), interpolated bilinearly in between. NaN marks a
 * point the transform could not map.
 */
export class ControlGrid {
  private constructor(
    /** Destination size, in pixels. */
    readonly width: number,
    readonly height: number,
    readonly step: number,
    private readonly columns: number,
    private readonly rows: number,
    private readonly xs: Float64Array,
    private readonly ys: Float64Array,
  ) {}

  /** Source-CRS world coordinates of the destination's pixel positions. */
  static forDestination(dst: GeoBox, sourceCrs: string, operation?: CoordinateOperation, step = CONTROL_STEP): ControlGrid {
    const columns = Math.ceil(dst.width / step) + 1;
    const rows = Math.ceil(dst.height / step) + 1;
    const xs = new Float64Array(columns * rows);
    const ys = new Float64Array(columns * rows);
    const toSource = transformer(dst.crs, sourceCrs, operation);
    const [a, b, c, d, e, f] = dst.affine;
    for (let j = 0; j < rows; j++) {
      const row = Math.min(j * step, dst.height);
      for (let i = 0; i < columns; i++) {
        const col = Math.min(i * step, dst.width);
        let point: [number, number];
        try {
          point = toSource(a * col + b * row + c, d * col + e * row + f);
        } catch {
          point = [Number.NaN, Number.NaN];
        }
        const finite = Number.isFinite(point[0]) && Number.isFinite(point[1]);
        xs[j * columns + i] = finite ? point[0] : Number.NaN;
        ys[j * columns + i] = finite ? point[1] : Number.NaN;
      }
    }
    return new ControlGrid(dst.width, dst.height, step, columns, rows, xs, ys);
  }

  /** This grid with an affine map applied to every control point: world → source pixel. */
  mapped([a, b, c, d, e, f]: Affine): ControlGrid {
    const xs = new Float64Array(this.xs.length);
    const ys = new Float64Array(this.ys.length);
    for (let k = 0; k < xs.length; k++) {
      const x = this.xs[k]!;
      const y = this.ys[k]!;
      xs[k] = a * x + b * y + c;
      ys[k] = d * x + e * y + f;
    }
    return new ControlGrid(this.width, this.height, this.step, this.columns, this.rows, xs, ys);
  }

  /** The extent of the mapped values, NaNs left out; null when no control point mapped. */
  extent(): { minX: number; minY: number; maxX: number; maxY: number } | null {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let k = 0; k < this.xs.length; k++) {
      const x = this.xs[k]!;
      const y = this.ys[k]!;
      if (Number.isNaN(x) || Number.isNaN(y)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    return minX <= maxX ? { minX, minY, maxX, maxY } : null;
  }

  /**
   * The values at destination positions (x0 + k, y) for k = 0 … count − 1, into outX / outY:
   * x0 = 0.5 gives pixel centres of a row (y = row + 0.5), x0 = 0 its pixel edges.
   */
  fillRow(y: number, x0: number, count: number, outX: Float64Array, outY: Float64Array): void {
    const { step, columns } = this;
    const band = Math.max(0, Math.min(Math.floor(y / step), this.rows - 2));
    const top = band * step;
    const bottom = Math.min((band + 1) * step, this.height);
    const t = bottom > top ? (y - top) / (bottom - top) : 0;
    // The control row at height y, then linear pieces along it.
    const above = band * columns;
    const below = Math.min(band + 1, this.rows - 1) * columns;
    let segment = -1;
    let left = 0;
    let span = 1;
    let xAtLeft = 0;
    let yAtLeft = 0;
    let xSlope = 0;
    let ySlope = 0;
    for (let k = 0; k < count; k++) {
      const x = x0 + k;
      const wanted = Math.max(0, Math.min(Math.floor(x / step), columns - 2));
      if (wanted !== segment) {
        segment = wanted;
        left = segment * step;
        const right = Math.min((segment + 1) * step, this.width);
        span = right > left ? right - left : 1;
        const i0 = segment;
        const i1 = Math.min(segment + 1, columns - 1);
        xAtLeft = this.xs[above + i0]! + t * (this.xs[below + i0]! - this.xs[above + i0]!);
        yAtLeft = this.ys[above + i0]! + t * (this.ys[below + i0]! - this.ys[above + i0]!);
        const xAtRight = this.xs[above + i1]! + t * (this.xs[below + i1]! - this.xs[above + i1]!);
        const yAtRight = this.ys[above + i1]! + t * (this.ys[below + i1]! - this.ys[above + i1]!);
        xSlope = (xAtRight - xAtLeft) / span;
        ySlope = (yAtRight - yAtLeft) / span;
      }
      outX[k] = xAtLeft + (x - left) * xSlope;
      outY[k] = yAtLeft + (x - left) * ySlope;
    }
  }

  /**
   * How far, in mapped units, one destination pixel step across and one down move at the
   * destination's centre: the scale that decides which overview to read.
   */
  scaleAtCentre(): { across: number; down: number } {
    const { across, down } = this.stepsAtCentre();
    return { across: Math.hypot(across[0], across[1]), down: Math.hypot(down[0], down[1]) };
  }

  /**
   * The mapped displacement of one destination pixel step across (+x) and one down (+y) at the
   * destination's centre.
   */
  stepsAtCentre(): { across: [number, number]; down: [number, number] } {
    const cx = this.width / 2;
    const cy = this.height / 2;
    const h = Math.max(1, Math.min(this.step, Math.floor(Math.min(this.width, this.height) / 2)));
    const sample = (x: number, y: number): [number, number] => {
      const outX = new Float64Array(1);
      const outY = new Float64Array(1);
      this.fillRow(y, x, 1, outX, outY);
      return [outX[0]!, outY[0]!];
    };
    const [x0, y0] = sample(cx - h / 2, cy);
    const [x1, y1] = sample(cx + h / 2, cy);
    const [x2, y2] = sample(cx, cy - h / 2);
    const [x3, y3] = sample(cx, cy + h / 2);
    return { across: [(x1 - x0) / h, (y1 - y0) / h], down: [(x3 - x2) / h, (y3 - y2) / h] };
  }
}
