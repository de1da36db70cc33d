/**
 * The map's search box: a place of the offline gazetteer, coordinates or a tile index of the
 * plan's grid (map/search.ts reads which); the map flies there, or one line says what was not found.
 */
import { useState, type FormEvent } from 'react';
import { lonLatBBoxOfTiles } from '../../shared/geometry.js';
import { loadGazetteer } from '../map/gazetteer-data.js';
import { findPlaces, type Place } from '../map/gazetteer.js';
import { formatLatLon, gridOrNull } from '../map/coordinates.js';
import { parseSearch } from '../map/search.js';
import { useUi } from '../stores/ui-store.js';
import { useWorkspace } from '../stores/workspace-store.js';

/** How close to fly to a place: nearer for smaller places. */
function placeZoom(population: number): number {
  return population >= 1_000_000 ? 10 : population >= 100_000 ? 11 : 12;
}

export function MapSearch() {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [found, setFound] = useState<string | null>(null);
  const [suggestions, setSuggestions] = useState<Place[]>([]);

  const type = (value: string) => {
    setText(value);
    setError(null);
    setFound(null);
    const target = parseSearch(value, null);
    if (target?.kind !== 'place' || value.trim().length < 2) {
      setSuggestions([]);
      return;
    }
    loadGazetteer().then(
      (places) => setSuggestions(findPlaces(places, value)),
      () => setSuggestions([]),
    );
  };

  const search = async (e: FormEvent) => {
    e.preventDefault();
    const grid = gridOrNull(useWorkspace.getState().grid);
    const target = parseSearch(text, grid);
    if (!target) return;
    const ui = useUi.getState();
    const currentZoom = useWorkspace.getState().view?.zoom ?? 2;
    switch (target.kind) {
      case 'error':
        setError(target.message);
        return;
      case 'tile': {
        const bbox = lonLatBBoxOfTiles(grid!, [target])!;
        if (bbox[0] > bbox[2]) bbox[2] += 360;
        ui.showOnMap({ bounds: bbox, maxZoom: 12 });
        setFound(`Tile ${target.x},${target.y} of ${grid!.name}`);
        return;
      }
      case 'point':
        ui.showOnMap({ centre: [target.lon, target.lat], zoom: Math.max(currentZoom, 11), marker: true });
        setFound(`${formatLatLon(target.lon, target.lat)}${target.readAs === 'hemispheres' ? '' : ` (read as ${target.readAs})`}`);
        return;
      case 'place': {
        let places: Place[];
        try {
          places = await loadGazetteer();
        } catch (err) {
          setError(`Place names could not be read: ${(err as Error).message}`);
          return;
        }
        const place = findPlaces(places, target.name, 1)[0];
        if (!place) {
          setError(`No place called "${target.name}" in the offline gazetteer (towns of 2,000 people or more).`);
          return;
        }
        ui.showOnMap({ centre: [place.lon, place.lat], zoom: placeZoom(place.population), marker: true });
        setFound(`${place.name}, ${place.country}`);
      }
    }
  };

  return (
    <form className="map-search" role="search" onSubmit={(e) => void search(e)}>
      <input
        type="search"
        aria-label="Search the map"
        placeholder="Place, -1.28, 36.82 or tile 218,75"
        title="A place name; coordinates as lat, lon (-1.28, 36.82), lon lat (36.82 -1.28) or with N/S/E/W; or a tile index of the grid (218,75)"
        list="map-search-places"
        value={text}
        aria-invalid={error !== null}
        aria-describedby={error ? 'map-search-error' : undefined}
        onChange={(e) => type(e.target.value)}
      />
      <datalist id="map-search-places">
        {suggestions.map((p, i) => (
          <option key={i} value={`${p.name}, ${p.country}`} />
        ))}
      </datalist>
      {error && (
        <div id="map-search-error" className="map-search-line field-error" role="alert">
          {error}
        </div>
      )}
      {found && !error && (
        <div className="map-search-line" role="status" data-testid="map-search-found">
          {found}
        </div>
      )}
    </form>
  );
}
