import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StacItem } from '../../shared/stac.js';
import { startStacApiServer, type StacApiServer } from './stac-api-server.js';

function stacItem(id: string, collection: string, datetime: string, bbox: number[]): StacItem {
  return { type: 'Feature', id, collection, bbox, geometry: null, properties: { datetime }, assets: {} };
}

const items = [
  stacItem('jan', 'a', '2020-01-01T00:00:00Z', [0, 0, 1, 1]),
  stacItem('feb', 'a', '2020-02-01T00:00:00Z', [0, 0, 1, 1]),
  stacItem('mar', 'b', '2020-03-01T00:00:00Z', [179, 0, 179.5, 1]),
];

let api: StacApiServer;

beforeAll(async () => {
  api = await startStacApiServer(items, { pageSize: 2 });
});

afterAll(() => api.stop());

async function search(query: string): Promise<{ ids: string[]; next?: { href: string } }> {
  const page = await (await fetch(`${api.url}/search?${query}`)).json();
  return { ids: page.features.map((item: StacItem) => item.id), next: page.links.find((link: { rel: string }) => link.rel === 'next') };
}

describe('startStacApiServer', () => {
  it('describes itself on its landing page and lists its collections', async () => {
    const landing = await (await fetch(api.url)).json();
    expect(landing.conformsTo).toContain('https://api.stacspec.org/v1.0.0/item-search');
    const collections = await (await fetch(`${api.url}/collections`)).json();
    expect(collections.collections.map((collection: { id: string }) => collection.id)).toEqual(['a', 'b']);
  });

  it.each([
    ['2020-02-01T00:00:00Z', ['feb']],
    ['2020-01-15T00:00:00Z/2020-03-01T00:00:00Z', ['feb', 'mar']],
    ['../2020-02-01T00:00:00Z', ['jan', 'feb']],
    ['2020-02-01T00:00:00Z/..', ['feb', 'mar']],
  ])('filters by the datetime %s', async (datetime, expected) => {
    expect((await search(`datetime=${encodeURIComponent(datetime)}`)).ids).toEqual(expected);
  });

  it('filters by collections and by bboxes across the antimeridian', async () => {
    expect((await search('collections=b')).ids).toEqual(['mar']);
    expect((await search('bbox=178,-1,-179,2')).ids).toEqual(['mar']);
  });

  it('pages GET searches with a token in the next link', async () => {
    const first = await search('collections=a,b&limit=100');
    expect(first.ids).toEqual(['jan', 'feb']);
    const next = await (await fetch(first.next!.href)).json();
    expect(next.features.map((item: StacItem) => item.id)).toEqual(['mar']);
    expect(new URL(first.next!.href).searchParams.get('collections')).toBe('a,b');
  });

  it('pages POST searches with a body to merge', async () => {
    const response = await fetch(`${api.url}/search`, { method: 'POST', body: JSON.stringify({ collections: ['a', 'b'] }) });
    const page = await response.json();
    expect(page.links).toEqual([{ rel: 'next', href: `${api.url}/search`, method: 'POST', body: { token: 2 }, merge: true }]);
    expect(api.requests.at(-1)).toEqual({ method: 'POST', url: '/search', body: { collections: ['a', 'b'] } });
  });

  it('answers a bad datetime with 400 and POST with 405 where it is not allowed', async () => {
    expect((await fetch(`${api.url}/search?datetime=yesterday`)).status).toBe(400);
    const getOnly = await startStacApiServer(items, { allowPost: false });
    try {
      expect((await fetch(`${getOnly.url}/search`, { method: 'POST', body: '{}' })).status).toBe(405);
    } finally {
      await getOnly.stop();
    }
  });
});
