/**
 * Products fused observation by observation (`a+b` in `input_products`), as odc-stats'
 * `SaveTasks.ds_align` and `fuse_ds` (odc/stats/tasks.py, utils.py) fuse them: the datasets of
 * the products that share a region (`odc:region_code`) and a time become one dataset with the
 * bands of all; a region and time that lacks one of the products is left out. odc-stats
 * matches times exactly; here datasets match on the solar day (at the footprint's centre), so
 * that products whose times are written to different precision still meet. Datasets without a
 * region code match on their exact time instead. Products may be optional, and products
 * without time (an elevation model) join the fused datasets of their region (FusionOptions).
 *
 * The fused dataset is a STAC item of its own: odc-stats' id for it (`odc_uuid` of the fused
 * product `fused__A__B`, version 0.0.0, over the sources), the first product's geometry, the
 * properties all sources share and `odc-stats:fused_from` (each source's id and product, for the
 * EO3 lineage), the assets of all, and a `derived_from` link to each source.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../../shared/errors.js';
import { solarDay, solarOffsetHours } from '../../shared/solar.js';
import type { StacItem, StacLink } from '../../shared/stac.js';
import { isRasterAsset } from './plan-item.js';

/** odc-stats' namespace for the UUIDs of derived datasets (`ODC_NS`). */
const ODC_NAMESPACE = '6f34c6f4-13d6-43c0-8e4e-42b6c13203af';

/** What a fused group may lack, and what joins it whatever its time. */
export interface FusionOptions {
  /** Products of the group a fused dataset may lack (odc-stats `optional_products`). */
  optional?: ReadonlySet<string>;
  /**
   * Products of the group without time (odc-stats `ignore_time`, e.g. an elevation model): their
   * items by region code, each joining every fused dataset of its region, whatever its time.
   */
  timeless?: ReadonlyMap<string, ReadonlyMap<string, StacItem>>;
}

/** The items of one region and day met so far, by product. */
interface PendingGroup {
  region: string | undefined;
  members: Map<string, StacItem>;
}

/**
 * The items of one fused group of products, gathered by region and day until each product has
 * one. Items wait in memory for their partners: a catalogue that lists one product after the
 * other holds the first one's items of the plan's tiles and range until the other's come. A
 * region and day that lacks only optional products is fused when the catalogue has been read
 * (`finish`), since until then its missing products may still come.
 */
export class ItemFuser {
  private readonly pending = new Map<string, PendingGroup>();
  /** The products whose items come with a time, in the group's order. */
  private readonly timed: readonly string[];
  private extra = 0;
  private unmatched = 0;

  /** `products`: the group's products, in the order `input_products` gives them. */
  constructor(
    readonly products: readonly string[],
    private readonly options: FusionOptions = {},
  ) {
    this.timed = products.filter((p) => !options.timeless?.has(p));
  }

  /** Adds an item of `product` taken at `time`; gives the fused item once its region and day have every product. */
  add(item: StacItem, product: string, time: number): StacItem | undefined {
    const { key, region } = matchKey(item, time);
    let group = this.pending.get(key);
    if (!group) {
      group = { region, members: new Map() };
      this.pending.set(key, group);
    }
    if (group.members.has(product)) {
      // A second dataset of the product on the same region and day: it has nothing to fuse with.
      this.extra++;
      return undefined;
    }
    group.members.set(product, item);
    if (group.members.size < this.timed.length) return undefined;
    this.pending.delete(key);
    return this.fuse(group);
  }

  /** Once every item has been added: the fused items of the regions and days that lack only optional products. */
  finish(): StacItem[] {
    const fused: StacItem[] = [];
    for (const [key, group] of this.pending) {
      if (this.timed.some((p) => !group.members.has(p) && !this.options.optional?.has(p))) continue;
      this.pending.delete(key);
      const item = this.fuse(group);
      if (item) fused.push(item);
    }
    return fused;
  }

  /** How many items found no dataset of every other product on their region and day. */
  get leftOver(): number {
    let waiting = 0;
    for (const group of this.pending.values()) waiting += group.members.size;
    return waiting + this.extra + this.unmatched;
  }

  /** The group's items, then those of the timeless products on its region, as one item; undefined when a timeless product that is not optional has none there. */
  private fuse(group: PendingGroup): StacItem | undefined {
    const sources = this.timed.flatMap((p) => group.members.get(p) ?? []);
    for (const product of this.products) {
      const byRegion = this.options.timeless?.get(product);
      if (!byRegion) continue;
      const source = group.region === undefined ? undefined : byRegion.get(group.region);
      if (source) sources.push(source);
      else if (!this.options.optional?.has(product)) {
        this.unmatched += group.members.size;
        return undefined;
      }
    }
    return fusedItem(sources);
  }
}

/** The property of a fused item that names the datasets it was fused from (as odc-stats keeps them for the lineage). */
const FUSED_FROM = 'odc-stats:fused_from';

/** The datasets a fused item was fused from; undefined for an item that is not a fusion. */
export function fusedSources(item: StacItem): Array<{ id: string; collection: string }> | undefined {
  const sources = item.properties[FUSED_FROM];
  if (!Array.isArray(sources)) return undefined;
  return sources.flatMap((s: unknown) => {
    const { id, collection } = (s ?? {}) as { id?: unknown; collection?: unknown };
    return typeof id === 'string' ? [{ id, collection: typeof collection === 'string' ? collection : '' }] : [];
  });
}

/** The region code of an item, when it has one. */
export function regionCode(item: StacItem): string | undefined {
  const region = item.properties['odc:region_code'];
  return typeof region === 'string' || typeof region === 'number' ? String(region) : undefined;
}

function matchKey(item: StacItem, time: number): { key: string; region: string | undefined } {
  const region = regionCode(item);
  if (region === undefined) return { key: `time ${time}`, region };
  const lon = centreLongitude(item);
  return { key: `${region}\u0000${solarDay(time, lon === undefined ? 0 : solarOffsetHours(lon))}`, region };
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
    properties: { ...sharedProperties(sources), [FUSED_FROM]: sources.map((s) => ({ id: s.id, collection: s.collection ?? '' })) },
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
