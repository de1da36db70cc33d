import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import type { StacItem } from '../../shared/stac.js';
import { s3Client } from '../../io/s3-client.js';
import { motoForTests } from '../test-support/moto-for-tests.js';
import { startStacApiServer } from '../test-support/stac-api-server.js';
import { worldCollection } from '../test-support/stac-items.js';
import { serveDirectory } from '../test-support/static-server.js';
import type { Catalog, CatalogQuery } from './catalog.js';
import { openCatalog, openPrefix } from './open-catalog.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function stacItem(
  id: string,
  collection: string | undefined,
  { bbox = [149, -36, 150, -35], datetime = '2020-06-15T00:00:00Z' }: { bbox?: number[]; datetime?: string } = {},
): StacItem {
  const [west, south, east, north] = bbox;
  return {
    type: 'Feature',
    stac_version: '1.0.0',
    id,
    ...(collection === undefined ? {} : { collection }),
    bbox,
    geometry: {
      type: 'Polygon',
      coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    },
    properties: { datetime },
    assets: { red: { href: `./${id}_B04.tif`, type: 'image/tiff; application=geotiff' } },
    links: [],
  };
}

async function writeJson(file: string, value: unknown): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(value, null, 2));
  return file;
}

async function ids(catalog: Catalog, query: CatalogQuery): Promise<string[]> {
  const found: string[] = [];
  for await (const item of catalog.items(query)) found.push(item.id);
  return found.sort();
}

async function items(catalog: Catalog, query: CatalogQuery): Promise<StacItem[]> {
  const found: StacItem[] = [];
  for await (const item of catalog.items(query)) found.push(item);
  return found;
}

/** The first item with this id that the query finds; an Error if none. */
async function itemById(catalog: Catalog, query: CatalogQuery, id: string): Promise<StacItem> {
  const found = (await items(catalog, query)).find((item) => item.id === id);
  if (!found) throw new Error(`no item ${id} among those found`);
  return found;
}

/**
 * catalog.json → collections s2 (items a, b; a lacks its collection field) and ls (through a
 * sub-catalog: items c, d), every href relative.
 */
async function writeCatalogTree(root: string): Promise<void> {
  const link = (rel: string, href: string) => ({ rel, href, type: 'application/json' });
  const collection = (id: string, links: unknown[]) =>
    worldCollection(id, [link('root', '../catalog.json'), link('parent', '../catalog.json'), ...links]);
  await writeJson(path.join(root, 'catalog.json'), {
    type: 'Catalog',
    stac_version: '1.0.0',
    id: 'root',
    description: 'test catalogue',
    links: [link('root', './catalog.json'), link('child', './s2/collection.json'), link('child', 'ls/collection.json')],
  });
  await writeJson(
    path.join(root, 's2/collection.json'),
    collection('s2', [link('item', './items/a.json'), link('item', 'items/b.json'), link('item', './items/a.json')]),
  );
  await writeJson(path.join(root, 's2/items/a.json'), stacItem('a', undefined));
  await writeJson(path.join(root, 's2/items/b.json'), stacItem('b', 's2', { datetime: '2021-01-01T00:00:00Z' }));
  await writeJson(path.join(root, 'ls/collection.json'), collection('ls', [link('child', './2020/catalog.json')]));
  await writeJson(path.join(root, 'ls/2020/catalog.json'), {
    type: 'Catalog',
    stac_version: '1.0.0',
    id: 'ls-2020',
    description: '2020',
    links: [link('parent', '../collection.json'), link('item', './c/c.json'), link('item', './d/d.json')],
  });
  await writeJson(path.join(root, 'ls/2020/c/c.json'), stacItem('c', 'ls'));
  await writeJson(path.join(root, 'ls/2020/d/d.json'), stacItem('d', 'ls', { bbox: [10, 40, 11, 41] }));
}

describe('static catalogues on disk', () => {
  let tree: string;

  beforeAll(async () => {
    tree = path.join(dir, 'tree');
    await writeCatalogTree(tree);
  });

  it('follows child and item links to the items of the collections asked for', async () => {
    const catalog = await openCatalog(path.join(tree, 'catalog.json'));
    expect(catalog.kind).toBe('static');
    expect(await ids(catalog, { collections: ['s2'] })).toEqual(['a', 'b']);
    expect(await ids(catalog, { collections: ['ls'] })).toEqual(['c', 'd']);
    expect(await ids(catalog, { collections: ['s2', 'ls'] })).toEqual(['a', 'b', 'c', 'd']);
  });

  it('makes hrefs absolute and fills in the collection', async () => {
    const catalog = await openCatalog(path.join(tree, 'catalog.json'));
    const a = await itemById(catalog, { collections: ['s2'] }, 'a');
    expect(a.collection).toBe('s2');
    expect(a.assets.red?.href).toBe(path.join(tree, 's2/items/a_B04.tif'));
    expect(a.links).toContainEqual({ rel: 'self', href: path.join(tree, 's2/items/a.json') });
  });

  it('opens a folder by its catalog.json, and a collection.json alone', async () => {
    expect(await ids(await openCatalog(tree), { collections: ['ls'] })).toEqual(['c', 'd']);
    const collection = await openCatalog(`file://${tree}/s2/collection.json`);
    expect(await ids(collection, { collections: ['s2'] })).toEqual(['a', 'b']);
  });

  it('reports a collection the catalogue does not list', async () => {
    const catalog = await openCatalog(path.join(tree, 'catalog.json'));
    await expect(ids(catalog, { collections: ['s2', 'landsat'] })).rejects.toThrow(
      `collection 'landsat' not found in catalogue ${path.join(tree, 'catalog.json')} (available: ls, s2)`,
    );
  });

  it('filters by bbox and datetime, end exclusive', async () => {
    const catalog = await openCatalog(path.join(tree, 'catalog.json'));
    const all = ['s2', 'ls'];
    expect(await ids(catalog, { collections: all, bbox: [9, 39, 12, 42] })).toEqual(['d']);
    const june2020 = { start: Date.parse('2020-06-01T00:00:00Z'), end: Date.parse('2020-06-15T00:00:00Z') };
    expect(await ids(catalog, { collections: all, datetime: june2020 })).toEqual([]);
    expect(await ids(catalog, { collections: all, datetime: { ...june2020, end: june2020.end + 1 } })).toEqual([
      'a',
      'c',
      'd',
    ]);
  });

  it('matches bboxes across the antimeridian', async () => {
    const file = path.join(dir, 'antimeridian.json');
    await writeJson(file, {
      type: 'FeatureCollection',
      features: [
        stacItem('east', 'x', { bbox: [179.2, -1, 179.8, 1] }),
        stacItem('west', 'x', { bbox: [-179.8, -1, -179.2, 1] }),
        stacItem('crossing', 'x', { bbox: [178, 5, -178, 6] }),
        stacItem('greenwich', 'x', { bbox: [-1, -1, 1, 1] }),
      ],
    });
    const catalog = await openCatalog(file);
    expect(await ids(catalog, { collections: ['x'], bbox: [179, -2, -179, 2] })).toEqual(['east', 'west']);
    expect(await ids(catalog, { collections: ['x'], bbox: [-179.5, 4, -179, 7] })).toEqual(['crossing']);
    expect(await ids(catalog, { collections: ['x'], bbox: [-10, -10, 10, 10] })).toEqual(['greenwich']);
  });

  it('reads every item file of a folder without a catalog.json, skipping other JSON', async () => {
    const folder = path.join(dir, 'loose');
    await writeJson(path.join(folder, 'one.json'), stacItem('one', 's2'));
    await writeJson(path.join(folder, '2020/two.json'), stacItem('two', 's2'));
    await writeJson(path.join(folder, '2020/06/three.json'), stacItem('three', 'ls'));
    await writeJson(path.join(folder, 'settings.json'), { theme: 'dark' });
    await writeFile(path.join(folder, 'readme.txt'), 'not an item');
    const catalog = await openCatalog(folder);
    expect(await ids(catalog, { collections: ['s2'] })).toEqual(['one', 'two']);
    const one = await itemById(catalog, { collections: ['s2'] }, 'one');
    expect(one.assets.red?.href).toBe(path.join(folder, 'one_B04.tif'));
  });

  it('takes the collection of an item that names none from its odc:product, as odc-stac does', async () => {
    // odc-stats' own outputs name their product in odc:product and have no collection.
    const folder = path.join(dir, 'outputs');
    const output = stacItem('summary', undefined);
    output.properties['odc:product'] = 'ga_ls_wo_summary';
    await writeJson(path.join(folder, 'x01/y02/2021--P1Y/summary.stac-item.json'), output);
    await writeJson(path.join(folder, 'x01/y02/2021--P1Y/bare.stac-item.json'), stacItem('bare', undefined));
    const [read] = await items(await openCatalog(folder), { collections: ['ga_ls_wo_summary'] });
    expect(read).toMatchObject({ id: 'summary', collection: 'ga_ls_wo_summary' });
    expect(read?.assets.red?.href).toBe(path.join(folder, 'x01/y02/2021--P1Y/summary_B04.tif'));
  });

  it('reads every *.stac-item.json under a prefix product, whatever its collection', async () => {
    const folder = path.join(dir, 'prefix');
    await writeJson(path.join(folder, 'x01/y02/2021--P1Y/a.stac-item.json'), stacItem('a', 'gm'));
    await writeJson(path.join(folder, 'x01/y03/2021--P1Y/b.stac-item.json'), stacItem('b', undefined));
    await writeJson(path.join(folder, 'x01/y03/2021--P1Y/other.json'), stacItem('other', 'gm'));
    const prefix = await openPrefix(`${folder}/`);
    expect(await ids(prefix, { collections: ['anything'] })).toEqual(['a', 'b']);
    expect(await ids(await openPrefix(`file://${folder}`), { collections: [], bbox: [9, 39, 12, 42] })).toEqual([]);
  });

  it('refuses in one line a prefix product that is no folder, holds no items, or lies behind HTTP', async () => {
    const empty = path.join(dir, 'empty-prefix');
    await mkdir(empty, { recursive: true });
    await expect(openPrefix(empty)).rejects.toThrow(`no STAC items (*.stac-item.json) under input product ${empty}`);
    await expect(openPrefix(path.join(dir, 'nowhere/'))).rejects.toThrow(`input product ${path.join(dir, 'nowhere/')} is not a folder`);
    await expect(openPrefix('https://example.org/out/')).rejects.toThrow(
      'input product https://example.org/out/: the items under an HTTP location cannot be listed',
    );
  });

  it('reads the item files matching a glob', async () => {
    // Item a names no collection, and no collection links to it here.
    const catalog = await openCatalog(`${tree}/*/items/*.json`);
    expect(await ids(catalog, { collections: ['s2'] })).toEqual(['b']);
    expect(await ids(await openCatalog(`${tree}/**/[cd].json`), { collections: ['ls'] })).toEqual(['c', 'd']);
  });

  it('streams a file of one item a line, named so or not', async () => {
    const lines = ['p', 'q', 'r'].map((id, i) => JSON.stringify(stacItem(id, i < 2 ? 's2' : 'ls')));
    const named = path.join(dir, 'lines/items.ndjson');
    await mkdir(path.dirname(named), { recursive: true });
    await writeFile(named, `${lines.join('\n')}\n\n`);
    const unnamed = path.join(dir, 'lines/items.json');
    await writeFile(unnamed, lines.join('\r\n'));
    for (const file of [named, unnamed]) {
      const catalog = await openCatalog(file);
      expect(await ids(catalog, { collections: ['s2'] })).toEqual(['p', 'q']);
      const [p] = await items(catalog, { collections: ['s2'] });
      expect(p?.assets.red?.href).toBe(path.join(dir, 'lines/p_B04.tif'));
    }
  });

  it('names the line of a file of items that is not an item', async () => {
    const file = path.join(dir, 'bad.jsonl');
    await writeFile(file, `${JSON.stringify(stacItem('ok', 's2'))}\n{"type":"Feature"\n`);
    await expect(ids(await openCatalog(file), { collections: ['s2'] })).rejects.toThrow(
      `invalid JSON on line 2 of ${file}`,
    );
  });

  it('reads an item collection and a single item', async () => {
    const featureCollection = await writeJson(path.join(dir, 'ic/items.json'), {
      type: 'FeatureCollection',
      features: [stacItem('m', 's2'), stacItem('n', 'ls'), stacItem('o', 's2')],
    });
    expect(await ids(await openCatalog(featureCollection), { collections: ['s2'] })).toEqual(['m', 'o']);
    const single = await openCatalog(path.join(tree, 'ls/2020/c/c.json'));
    expect(await ids(single, { collections: ['ls'] })).toEqual(['c']);
  });
});

describe('static catalogues over http', () => {
  let server: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    const root = path.join(dir, 'served');
    await writeCatalogTree(root);
    await writeFile(path.join(root, 'page.html'), '<!DOCTYPE html>\n<html><body>Not a catalogue</body></html>\n');
    server = await serveDirectory(root);
  });

  afterAll(() => server.stop());

  it('follows relative links against the URL of each document', async () => {
    const catalog = await openCatalog(`${server.url}catalog.json`);
    expect(await ids(catalog, { collections: ['s2', 'ls'] })).toEqual(['a', 'b', 'c', 'd']);
    const a = await itemById(catalog, { collections: ['s2'] }, 'a');
    expect(a.assets.red?.href).toBe(`${server.url}s2/items/a_B04.tif`);
  });

  it('rejects an HTML page', async () => {
    await expect(openCatalog(`${server.url}page.html`)).rejects.toThrow(
      `${server.url}page.html is not a STAC catalogue, collection, item, item collection or STAC API`,
    );
  });
});

describe('static catalogues on S3', () => {
  motoForTests();

  beforeAll(async () => {
    const root = path.join(dir, 'uploaded');
    await writeCatalogTree(root);
    await writeFile(
      path.join(root, 'all.ndjson'),
      ['x', 'y', 'z'].map((id) => JSON.stringify(stacItem(id, 's2'))).join('\n'),
    );
    const s3 = s3Client();
    await s3.send(new CreateBucketCommand({ Bucket: 'stac' }));
    for (const file of await filesUnder(root)) {
      const key = `cat/${path.relative(root, file)}`;
      await s3.send(new PutObjectCommand({ Bucket: 'stac', Key: key, Body: await readFile(file) }));
    }
  });

  it('follows links between objects', async () => {
    const catalog = await openCatalog('s3://stac/cat/catalog.json');
    expect(await ids(catalog, { collections: ['s2', 'ls'] })).toEqual(['a', 'b', 'c', 'd']);
    const c = await itemById(catalog, { collections: ['ls'] }, 'c');
    expect(c.assets.red?.href).toBe('s3://stac/cat/ls/2020/c/c_B04.tif');
    expect(await ids(await openCatalog('s3://stac/cat/'), { collections: ['ls'] })).toEqual(['c', 'd']);
  });

  it('streams a file of one item a line', async () => {
    expect(await ids(await openCatalog('s3://stac/cat/all.ndjson'), { collections: ['s2'] })).toEqual(['x', 'y', 'z']);
  });

  it('reads the item files matching a glob', async () => {
    // Item a names no collection, and no collection links to it here.
    const catalog = await openCatalog('s3://stac/cat/**/[a-c].json');
    expect(await ids(catalog, { collections: ['s2', 'ls'] })).toEqual(['b', 'c']);
  });

  it('reads the items under a prefix product', async () => {
    const s3 = s3Client();
    for (const [key, id] of [['out/x01/y02/2021--P1Y/p.stac-item.json', 'p'], ['out/x01/y03/2021--P1Y/q.stac-item.json', 'q'], ['outside/r.stac-item.json', 'r']]) {
      await s3.send(new PutObjectCommand({ Bucket: 'stac', Key: key, Body: JSON.stringify(stacItem(id!, 'gm')) }));
    }
    const prefix = await openPrefix('s3://stac/out/');
    expect(await ids(prefix, { collections: [] })).toEqual(['p', 'q']);
    expect((await itemById(prefix, { collections: [] }, 'q')).assets.red?.href).toBe('s3://stac/out/x01/y03/2021--P1Y/q_B04.tif');
  });
});

describe('STAC APIs', () => {
  const apiItems = [
    ...Array.from({ length: 7 }, (_, i) => stacItem(`s2-${i}`, 's2', { datetime: `2020-0${i + 1}-01T00:00:00Z` })),
    stacItem('ls-0', 'ls'),
    stacItem('s2-far', 's2', { bbox: [10, 40, 11, 41] }),
    stacItem('s2-dateline', 's2', { bbox: [179.5, -36, 179.9, -35] }),
  ];

  it('pages through POST searches, each item once', async () => {
    const api = await startStacApiServer(apiItems, { pageSize: 3 });
    try {
      const catalog = await openCatalog(api.url);
      expect(catalog.kind).toBe('api');
      const found = await ids(catalog, { collections: ['s2'], bbox: [140, -40, 155, -30] });
      expect(found).toEqual(Array.from({ length: 7 }, (_, i) => `s2-${i}`));
      const searches = api.requests.filter((request) => request.url.startsWith('/search'));
      expect(searches.map((request) => request.method)).toEqual(['POST', 'POST', 'POST']);
      expect(searches[0]?.body).toEqual({ collections: ['s2'], bbox: [140, -40, 155, -30], limit: 500 });
      expect(searches[2]?.body).toMatchObject({ collections: ['s2'], token: 6 });
    } finally {
      await api.stop();
    }
  });

  it('sends bbox, datetime and collections, and the server honours them', async () => {
    const api = await startStacApiServer(apiItems);
    try {
      const catalog = await openCatalog(api.url);
      // March to May 2020, end exclusive: s2-4 (May 1st) is out.
      const datetime = { start: Date.parse('2020-03-01T00:00:00Z'), end: Date.parse('2020-05-01T00:00:00Z') };
      expect(await ids(catalog, { collections: ['s2'], datetime })).toEqual(['s2-2', 's2-3']);
      const search = api.requests.find((request) => request.url === '/search');
      expect(search?.body).toMatchObject({ datetime: '2020-03-01T00:00:00.000Z/2020-04-30T23:59:59.999Z' });
      expect(await ids(catalog, { collections: ['s2', 'ls'], bbox: [179, -40, -179, -30] })).toEqual(['s2-dateline']);
      expect(await ids(catalog, { collections: ['ls'] })).toEqual(['ls-0']);
    } finally {
      await api.stop();
    }
  });

  it('searches by GET where POST is not allowed', async () => {
    const api = await startStacApiServer(apiItems, { allowPost: false, pageSize: 5 });
    try {
      const catalog = await openCatalog(api.url);
      expect(await ids(catalog, { collections: ['s2', 'ls'], bbox: [140, -40, 155, -30] })).toHaveLength(8);
      const searches = api.requests.filter((request) => request.url.startsWith('/search'));
      expect(searches.map((request) => request.method)).toEqual(['POST', 'GET', 'GET']);
      const [, firstGet] = searches;
      assert(firstGet, 'no GET search');
      const first = new URL(firstGet.url, api.url).searchParams;
      expect(Object.fromEntries(first)).toEqual({ collections: 's2,ls', bbox: '140,-40,155,-30', limit: '500' });
    } finally {
      await api.stop();
    }
  });

  it('reports a collection the API does not have', async () => {
    const api = await startStacApiServer(apiItems);
    try {
      const catalog = await openCatalog(api.url);
      await expect(ids(catalog, { collections: ['s2', 'modis'] })).rejects.toThrow(
        `collection 'modis' not found in catalogue ${api.url} (available: ls, s2)`,
      );
    } finally {
      await api.stop();
    }
  });
});

describe('STAC documents checked as they are read', () => {
  /** An item with one field changed, as JSON from outside may have it. */
  function itemWith(id: string, change: (item: Record<string, unknown>) => void): Record<string, unknown> {
    const item = structuredClone(stacItem(id, 's2')) as unknown as Record<string, unknown>;
    change(item);
    return item;
  }

  it('names the item, the line and the field of a malformed item', async () => {
    const file = path.join(dir, 'malformed.ndjson');
    const bad = itemWith('bad', (item) => ((item.assets as { red: { href: unknown } }).red.href = 42));
    await writeFile(file, [stacItem('ok-1', 's2'), stacItem('ok-2', 's2'), bad].map((item) => JSON.stringify(item)).join('\n'));
    await expect(ids(await openCatalog(file), { collections: ['s2'] })).rejects.toThrow(
      new UserError(`item bad in ${file} line 3: 'assets.red.href' must be a string`),
    );
  });

  it('requires a time: datetime, or a range in its place', async () => {
    const file = path.join(dir, 'timeless.ndjson');
    const ranged = itemWith('ranged', (item) => {
      item.properties = { datetime: null, start_datetime: '2020-01-01T00:00:00Z', end_datetime: '2020-12-31T23:59:59Z' };
    });
    const timeless = itemWith('timeless', (item) => (item.properties = { platform: 'sentinel-2a' }));
    await writeFile(file, `${JSON.stringify(ranged)}\n${JSON.stringify(timeless)}\n`);
    await expect(ids(await openCatalog(file), { collections: ['s2'] })).rejects.toThrow(
      `item timeless in ${file} line 2: 'properties.datetime' must be a date and time, or null with 'start_datetime' and 'end_datetime' given`,
    );
    await writeFile(file, `${JSON.stringify(ranged)}\n${JSON.stringify(stacItem('dated', 's2'))}\n`);
    expect(await ids(await openCatalog(file), { collections: ['s2'] })).toEqual(['dated', 'ranged']);
  });

  it('keeps what STAC leaves open: null geometry, extensions, extra fields', async () => {
    const file = path.join(dir, 'open.ndjson');
    const extended = itemWith('extended', (item) => {
      item.geometry = null;
      item.stac_extensions = ['https://stac-extensions.github.io/raster/v1.1.0/schema.json'];
      (item.properties as Record<string, unknown>)['eo:cloud_cover'] = 12.5;
      (item.assets as { red: Record<string, unknown> }).red['raster:bands'] = [{ scale: 0.0001, offset: -0.1, nodata: 0 }];
    });
    await writeFile(file, `${JSON.stringify(extended)}\n${JSON.stringify(stacItem('plain', 's2'))}\n`);
    const [read] = (await items(await openCatalog(file), { collections: ['s2'] })).filter((item) => item.id === 'extended');
    expect(read).toMatchObject({
      geometry: null,
      stac_extensions: ['https://stac-extensions.github.io/raster/v1.1.0/schema.json'],
      properties: { 'eo:cloud_cover': 12.5 },
      assets: { red: { href: path.join(dir, 'extended_B04.tif'), 'raster:bands': [{ scale: 0.0001, offset: -0.1, nodata: 0 }] } },
    });
  });

  it('names the feature of an item collection, and the link of a collection, at fault', async () => {
    const features = await writeJson(path.join(dir, 'bad-ic/items.json'), {
      type: 'FeatureCollection',
      features: [stacItem('m', 's2'), itemWith('n', (item) => delete item.id)],
    });
    await expect(ids(await openCatalog(features), { collections: ['s2'] })).rejects.toThrow(`item in ${features} feature 2: 'id' is required`);

    const root = path.join(dir, 'bad-tree');
    await writeCatalogTree(root);
    const collectionFile = path.join(root, 's2/collection.json');
    const collection = JSON.parse(await readFile(collectionFile, 'utf8')) as { links: Array<Record<string, unknown>> };
    collection.links.push({ rel: 'item', title: 'no href' });
    await writeJson(collectionFile, collection);
    await expect(ids(await openCatalog(path.join(root, 'catalog.json')), { collections: ['s2'] })).rejects.toThrow(
      `collection s2 in ${collectionFile}: 'links[${collection.links.length - 1}].href' is required`,
    );
  });

  it('names the search page of an API item at fault', async () => {
    const bad = itemWith('s2-bad', (item) => (item.bbox = 'everywhere')) as unknown as StacItem;
    const api = await startStacApiServer([stacItem('s2-ok', 's2'), bad]);
    try {
      const catalog = await openCatalog(api.url);
      await expect(ids(catalog, { collections: ['s2'] })).rejects.toThrow(
        `item s2-bad from POST ${new URL('search', `${api.url}/`).href} feature 2: 'bbox' must be a list`,
      );
    } finally {
      await api.stop();
    }
  });
});

describe('catalogues that cannot be opened', () => {
  it('names a path that does not exist', async () => {
    const missing = path.join(dir, 'nowhere/catalog.json');
    await expect(openCatalog(missing)).rejects.toThrow(`catalogue not found: ${missing}`);
    await expect(openCatalog(path.join(dir, 'nowhere/*.json'))).rejects.toThrow('catalogue not found');
  });

  it('rejects JSON that is not STAC', async () => {
    const file = await writeJson(path.join(dir, 'config.json'), { name: 'not stac', links: [] });
    await expect(openCatalog(file)).rejects.toThrow(
      `${file} is not a STAC catalogue, collection, item, item collection or STAC API`,
    );
  });

  it('says when nothing listens at the URL', async () => {
    const closed = await serveDirectory(dir);
    await closed.stop();
    await expect(openCatalog(`${closed.url}catalog.json`)).rejects.toThrow(
      `cannot reach ${closed.url}catalog.json (connection refused)`,
    );
  });
});

async function filesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of await readdir(folder)) {
    const entry = path.join(folder, name);
    if ((await stat(entry)).isDirectory()) files.push(...(await filesUnder(entry)));
    else files.push(entry);
  }
  return files;
}
