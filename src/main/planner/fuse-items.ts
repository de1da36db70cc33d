/**
 * Products fused observation by observation (`a+b` in `input_products`), as odc-stats'
 * `SaveTasks.ds_align` and `fuse_ds` (odc/stats/tasks.py, utils.py) fuse them: the datasets of
 * the products that share a region (`odc:region_code`) and a time become one dataset with the
 * bands of all; a region and time that lacks one of the products is left out. odc-stats
 * matches times exactly; here datasets match on the solar day (at the footprint's centre), so
 * that products whose times are written to different precision still meet. Datasets without a
 * region code match on their exact time instead.
 *
 * The fused dataset is a STAC item of its own: odc-stats' id for it (`odc_uuid` of the fused
 * product `fused__A__B`, version 0.0.0, over the sources), the first product's geometry, the
 * properties all sources share, the assets of all, and a `derived_from` link to each source.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../../shared/errors.js';
import { solarDay, solarOffsetHours } from '../../shared/solar.js';
import type { StacItem, StacLink } from '../../shared/stac.js';
import { isRasterAsset } from './plan-item.js';

/** odc-stats' namespace for the UUIDs of derived datasets (`ODC_NS`). */
const ODC_NAMESPACE = '6f34c6f4-13d6-43c0-8e4e-42b6c13203af';

/**
 * The items of one fused group of products, gathered by region and day until each product has
 * one. Items wait in memory for their partners: a catalogue that lists one product after the
 * other holds the first one's items of the plan's tiles and range until the other's come.
 */
export class ItemFuser {
  private readonly pending = new Map<string, Map<string, StacItem>>();
  private extra = 0;

  /** `products`: the group's products, in the order `input_products` gives them. */
  constructor(readonly products: readonly string[]) {}

  /** Adds an item of `product` taken at `time`; gives the fused item once its region and day have every product. */
  add(item: StacItem, product: string, time: number): StacItem | undefined {
    const key = matchKey(item, time);
    let members = this.pending.get(key);
    if (!members) {
      members = new Map();
      this.pending.set(key, members);
    }
    if (members.has(product)) {
      // A second dataset of the product on the same region and day: it has nothing to fuse with.
      this.extra++;
      return undefined;
    }
    members.set(product, item);
    if (members.size < this.products.length) return undefined;
    this.pending.delete(key);
    return fusedItem(this.products.map((p) => members.get(p)!));
  }

  /** How many items found no dataset of every other product on their region and day. */
  get leftOver(): number {
    let waiting = 0;
    for (const members of this.pending.values()) waiting += members.size;
    return waiting + this.extra;
  }
}

function matchKey(item: StacItem, time: number): string {
  const region = item.properties['odc:region_code'];
  if (typeof region !== 'string' && typeof region !== 'number') return `time ${time}`;
  const lon = centreLongitude(item);
  return `${region}\u0000${solarDay(time, lon === undefined ? 0 : solarOffsetHours(lon))}`;
}

function centreLongitude(item: StacItem): number | undefined {
  const box = item.bbox;
  if (box && (box.length === 4 || box.length === 6)) {
    const west = box[0]!;
    const east = box[box.length / 2]!;
    const centre = west <= east ? (west + east) / 2 : (west + east + 360) / 2;
    return centre > 180 ? centre - 360 : centre;
  }
  const lons: number[] = [];
  const visit = (coordinates: unknown): void => {
    if (!Array.isArray(coordinates)) return;
    if (typeof coordinates[0] === 'number') lons.push(coordinates[0]);
    else for (const nested of coordinates) visit(nested);
  };
  visit(item.geometry?.coordinates);
  return lons.length === 0 ? undefined : (Math.min(...lons) + Math.max(...lons)) / 2;
}

/** The dataset the sources (one per product, in the group's order) make together. */
function fusedItem(sources: StacItem[]): StacItem {
  const first = sources[0]!;
  const product = `fused__${sources.map((s) => s.collection ?? '').join('__')}`;
  const assets: StacItem['assets'] = {};
  const owner = new Map<string, string>();
  for (const source of sources) {
    for (const [key, asset] of Object.entries(source.assets)) {
      const taken = owner.get(key);
      if (taken === undefined) {
        assets[key] = asset;
        owner.set(key, source.id);
      } else if (isRasterAsset(asset) && isRasterAsset(assets[key]!)) {
        // odc-stats' fuse_products refuses products whose measurements overlap.
        throw new UserError(`cannot fuse dataset ${taken} with ${source.id}: both have the band '${key}'`);
      }
    }
  }
  const links: StacLink[] = [];
  for (const source of sources) {
    const self = source.links?.find((link) => link.rel === 'self')?.href;
    if (self !== undefined) links.push({ rel: 'derived_from', href: self, type: 'application/geo+json', title: source.id });
  }
  return {
    type: 'Feature',
    stac_version: first.stac_version ?? '1.0.0',
    id: odcUuid(product, '0.0.0', sources.map((s) => s.id)),
    collection: product,
    geometry: first.geometry,
    ...(first.bbox && { bbox: first.bbox }),
    properties: sharedProperties(sources),
    assets,
    links,
  };
}

/** The first source's time, and every other property all sources give the same value. */
function sharedProperties(sources: StacItem[]): StacItem['properties'] {
  const [first, ...rest] = sources.map((s) => s.properties);
  const shared: StacItem['properties'] = { datetime: first!.datetime ?? null };
  for (const [key, value] of Object.entries(first!)) {
    if (key === 'datetime') continue;
    const text = JSON.stringify(value);
    if (rest.every((p) => key in p && JSON.stringify(p[key]) === text)) shared[key] = value;
  }
  return shared;
}

/** odc-stats' `odc_uuid(algorithm, version, sources)`: a UUID 5 of the lines, sources sorted, all in lower case. */
function odcUuid(algorithm: string, version: string, sources: readonly string[]): string {
  const text = [algorithm, version, '', ...[...sources].sort()].join('\n').toLowerCase();
  const digest = createHash('sha1').update(Buffer.from(ODC_NAMESPACE.replaceAll('-', ''), 'hex')).update(text, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
