// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lonLatBBoxOfTiles } from '../../shared/geometry.js';
import { parseGrid } from '../../shared/grid.js';
import { setApi } from '../api/api.js';
import { parseGazetteer } from '../map/gazetteer.js';
import { useUi } from '../stores/ui-store.js';
import { useWorkspace } from '../stores/workspace-store.js';
import { fakeApi } from '../test-support/fake-api.js';
import { resetStores } from '../test-support/reset-stores.js';
import { MapSearch } from './MapSearch.js';
import { PlanPanel } from './PlanPanel.js';
import { TilesPanel } from './TilesPanel.js';

vi.mock('../map/gazetteer-data.js', () => ({
  loadGazetteer: async () => parseGazetteer('Nairobi\tKE\t36817\t-1283\t2750547\nNakuru\tKE\t36067\t-303\t570674'),
}));

const RING = [
  [36.95, -1.9],
  [37.6, -1.9],
  [37.6, -1.2],
  [36.95, -1.2],
  [36.95, -1.9],
];

beforeEach(() => {
  resetStores();
  useUi.setState({ viewRequest: null, mapMessage: null });
  setApi(fakeApi());
});
afterEach(cleanup);

const request = () => {
  const { seq: _seq, ...target } = useUi.getState().viewRequest ?? { seq: 0 };
  return target;
};

describe('regions in the plan panel', () => {
  it('show their area and zoom the map to them', () => {
    useWorkspace.getState().addRegion({ type: 'Feature', properties: { id: 'r1', name: 'Rift' }, geometry: { type: 'Polygon', coordinates: [RING] } });
    render(<PlanPanel />);
    expect(screen.getByTestId('region-area').textContent).toBe('5,599 km²');
    fireEvent.click(screen.getByRole('button', { name: 'Zoom to Rift' }));
    expect(request()).toEqual({ bounds: [36.95, -1.9, 37.6, -1.2], maxZoom: 12 });
  });

  it('come into view when loaded from a file', async () => {
    render(<PlanPanel />);
    const file = new File([JSON.stringify({ type: 'Polygon', coordinates: [RING] })], 'rift.geojson');
    fireEvent.change(screen.getByTestId('geojson-file'), { target: { files: [file] } });
    await waitFor(() => expect(request()).toEqual({ bounds: [36.95, -1.9, 37.6, -1.2], maxZoom: 12 }));
    expect((useWorkspace.getState().regions[0] as { properties: { name: string } }).properties.name).toBe('rift');
  });
});

describe('the map search', () => {
  const search = (text: string) => {
    fireEvent.change(screen.getByLabelText('Search the map'), { target: { value: text } });
    fireEvent.submit(screen.getByRole('search'));
  };

  it('flies to coordinates, a tile of the grid and a place', async () => {
    render(<MapSearch />);
    search('-1.28, 36.82');
    expect(request()).toEqual({ centre: [36.82, -1.28], zoom: 11, marker: true });
    expect(screen.getByRole('status').textContent).toBe('1.28000° S, 36.82000° E (read as lat, lon)');
    search('218,75');
    expect(request()).toMatchObject({ maxZoom: 12 });
    expect(screen.getByRole('status').textContent).toBe('Tile 218,75 of africa-10');
    search('nakuru');
    await waitFor(() => expect(request()).toEqual({ centre: [36.067, -0.303], zoom: 11, marker: true }));
    expect(screen.getByRole('status').textContent).toBe('Nakuru, KE');
  });

  it('says in one line what it cannot find', async () => {
    render(<MapSearch />);
    search('Qqqzville');
    expect((await screen.findByRole('alert')).textContent).toBe('No place called "Qqqzville" in the offline gazetteer (towns of 2,000 people or more).');
    expect(useUi.getState().viewRequest).toBeNull();
  });
});

describe('picked tiles', () => {
  it('zoom the map to their tile', () => {
    useWorkspace.getState().setPicks(['2021--P1Y/218/74']);
    render(<TilesPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Zoom to 2021--P1Y/218/74' }));
    expect(request()).toEqual({ bounds: lonLatBBoxOfTiles(parseGrid('africa-10'), [{ x: 218, y: 74 }]), maxZoom: 12 });
  });
});
