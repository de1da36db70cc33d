import { describe, expect, it } from 'vitest';
import type { StacItem } from '../../shared/stac.js';
import { fusedSources, ItemFuser } from './fuse-items.js';

const FC = 'ga_ls_fc_3';
const WO = 'ga_ls_wo_3';

function item(collection: string, day: string, { time = '07:41:00Z', region = '168060' as string | null, bands = collection === FC ? ['pv', 'bs', 'npv'] : ['water'] } = {}): StacItem {
  const id = `${collection}_${region ?? 'x'}_${day}_final`;
  return {
    type: 'Feature',
    stac_version: '1.0.0',
    id,
    collection,
    geometry: { type: 'Polygon', coordinates: [[[36, -1], [37, -1], [37, 0], [36, 0], [36, -1]]] },
    bbox: [36, -1, 37, 0],
    properties: { datetime: `${day}T${time}`, platform: 'landsat-8', 'odc:product': collection, ...(region !== null && { 'odc:region_code': region }) },
    assets: {
      ...Object.fromEntries(bands.map((b) => [b, { href: `/data/${id}/${b}.tif`, type: 'image/tiff; application=geotiff', roles: ['data'] }])),
      thumbnail: { href: `/data/${id}/thumb.jpg`, type: 'image/jpeg', roles: ['thumbnail'] },
    },
    links: [{ rel: 'self', href: `/data/${id}/${id}.json` }],
  };
}

const add = (fuser: ItemFuser, i: StacItem) => fuser.add(i, i.collection!, Date.parse(i.properties.datetime!));

describe('fusing products observation by observation', () => {
  it('makes one dataset of a region and day’s datasets of every product, as odc-stats’ fuse_ds does', () => {
    const fuser = new ItemFuser([FC, WO]);
    expect(add(fuser, item(WO, '2021-01-10'))).toBeUndefined();
    const fused = add(fuser, item(FC, '2021-01-10', { time: '07:41:00.000123Z' }));
    expect(fused).toMatchObject({
      // Python: uuid5(ODC_NS, '\n'.join(['fused__ga_ls_fc_3__ga_ls_wo_3', '0.0.0', ''] + sorted(sources)).lower())
      id: '58b97b80-f555-56e1-bd13-b084a2703664',
      collection: 'fused__ga_ls_fc_3__ga_ls_wo_3',
      bbox: [36, -1, 37, 0],
    });
    // The first product's time; the properties both share; the bands of both, the first's thumbnail.
    expect(fused!.properties).toEqual({
      datetime: '2021-01-10T07:41:00.000123Z',
      platform: 'landsat-8',
      'odc:region_code': '168060',
      'odc-stats:fused_from': [
        { id: 'ga_ls_fc_3_168060_2021-01-10_final', collection: FC },
        { id: 'ga_ls_wo_3_168060_2021-01-10_final', collection: WO },
      ],
    });
    expect(fusedSources(fused!)).toEqual([
      { id: 'ga_ls_fc_3_168060_2021-01-10_final', collection: FC },
      { id: 'ga_ls_wo_3_168060_2021-01-10_final', collection: WO },
    ]);
    expect(fusedSources(item(WO, '2021-01-10'))).toBeUndefined();
    expect(Object.fromEntries(Object.entries(fused!.assets).map(([k, a]) => [k, a.href]))).toEqual({
      pv: '/data/ga_ls_fc_3_168060_2021-01-10_final/pv.tif',
      bs: '/data/ga_ls_fc_3_168060_2021-01-10_final/bs.tif',
      npv: '/data/ga_ls_fc_3_168060_2021-01-10_final/npv.tif',
      thumbnail: '/data/ga_ls_fc_3_168060_2021-01-10_final/thumb.jpg',
      water: '/data/ga_ls_wo_3_168060_2021-01-10_final/water.tif',
    });
    expect(fused!.links!.map((l) => [l.rel, l.title])).toEqual([
      ['derived_from', 'ga_ls_fc_3_168060_2021-01-10_final'],
      ['derived_from', 'ga_ls_wo_3_168060_2021-01-10_final'],
    ]);
    expect(fuser.leftOver).toBe(0);
  });

  it('leaves out what has no partner: another region, another solar day, a second dataset of a product', () => {
    const fuser = new ItemFuser([FC, WO]);
    expect(add(fuser, item(FC, '2021-01-10'))).toBeUndefined();
    expect(add(fuser, item(WO, '2021-01-10', { region: '168061' }))).toBeUndefined();
    // 22:00 UTC at 36.5° E is the next solar day (UTC + 2 h).
    expect(add(fuser, item(WO, '2021-01-10', { time: '22:30:00Z' }))).toBeUndefined();
    expect(add(fuser, item(FC, '2021-01-10', { time: '07:42:00Z' }))).toBeUndefined();
    expect(fuser.leftOver).toBe(4);
    expect(add(fuser, item(WO, '2021-01-10', { time: '07:41:30Z' }))).toBeDefined();
    expect(fuser.leftOver).toBe(3);
  });

  it('matches datasets without a region code on their exact time', () => {
    const fuser = new ItemFuser([FC, WO]);
    expect(add(fuser, item(FC, '2021-01-10', { region: null }))).toBeUndefined();
    expect(add(fuser, item(WO, '2021-01-10', { region: null, time: '07:41:24Z' }))).toBeUndefined();
    expect(add(fuser, item(WO, '2021-01-10', { region: null }))).toBeDefined();
  });

  it('refuses products whose bands overlap, in one line', () => {
    const fuser = new ItemFuser([FC, WO]);
    add(fuser, item(FC, '2021-01-10'));
    expect(() => add(fuser, item(WO, '2021-01-10', { bands: ['water', 'pv'] }))).toThrow(
      "cannot fuse dataset ga_ls_fc_3_168060_2021-01-10_final with ga_ls_wo_3_168060_2021-01-10_final: both have the band 'pv'",
    );
  });
});

describe('optional products and products without time', () => {
  const bandsOf = (fused: StacItem | undefined) => Object.keys(fused?.assets ?? {}).filter((band) => band !== 'thumbnail');

  it('fuses a region and day that lacks only an optional product once every item is in', () => {
    const fuser = new ItemFuser([FC, WO], { optional: new Set([WO]) });
    expect(add(fuser, item(FC, '2021-01-10'))).toBeUndefined();
    expect(add(fuser, item(FC, '2021-01-26'))).toBeUndefined();
    expect(bandsOf(add(fuser, item(WO, '2021-01-26')))).toEqual(['pv', 'bs', 'npv', 'water']);
    // A day with the optional product alone lacks a required one.
    expect(add(fuser, item(WO, '2021-02-11'))).toBeUndefined();
    const finished = fuser.finish();
    expect(finished.map((fused) => [fused.properties.datetime, bandsOf(fused)])).toEqual([['2021-01-10T07:41:00Z', ['pv', 'bs', 'npv']]]);
    expect(fuser.leftOver).toBe(1);
  });

  it('joins the item without time of a region to each fused dataset there, at their time, and leaves out a region without one', () => {
    const elevation = { ...item(WO, '2000-02-11', { bands: ['dem_h'] }), id: 'dem_168060', collection: 'dem' };
    const fuser = new ItemFuser([FC, 'dem'], { timeless: new Map([['dem', new Map([['168060', elevation]])]]) });
    const fused = add(fuser, item(FC, '2021-01-10'));
    expect([fused?.properties.datetime, bandsOf(fused), fused?.collection]).toEqual(['2021-01-10T07:41:00Z', ['pv', 'bs', 'npv', 'dem_h'], 'fused__ga_ls_fc_3__dem']);
    expect(add(fuser, item(FC, '2021-01-10', { region: '168061' }))).toBeUndefined();
    expect(fuser.leftOver).toBe(1);
  });
});
