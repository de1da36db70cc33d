/** Where the pointer is on the map: lon/lat, and the coordinates and tile of the plan's grid. */
import type maplibregl from 'maplibre-gl';
import { useEffect, useMemo, useState } from 'react';
import { listenTo } from '../hooks/map-events.js';
import { formatLatLon, gridOrNull, gridPosition } from '../map/coordinates.js';
import { useWorkspace } from '../stores/workspace-store.js';

export function CursorReadout({ map }: { map: maplibregl.Map | null }) {
  const gridName = useWorkspace((s) => s.grid);
  const grid = useMemo(() => gridOrNull(gridName), [gridName]);
  const [at, setAt] = useState<[number, number] | null>(null);

  useEffect(() => {
    if (!map) return;
    return listenTo(map, {
      mousemove: (e) => {
        const { lng, lat } = e.lngLat.wrap();
        setAt([lng, lat]);
      },
      mouseout: () => setAt(null),
    });
  }, [map]);

  if (!at) return null;
  const position = grid && gridPosition(grid, at[0], at[1]);
  const metres = (v: number) => `${Math.round(v).toLocaleString('en')} m`;
  return (
    <div className="cursor-readout" data-testid="cursor-readout">
      <span data-testid="cursor-lonlat">{formatLatLon(at[0], at[1])}</span>
      {grid && position && (
        <span data-testid="cursor-grid">
          {grid.crs} x {metres(position.x)}, y {metres(position.y)} · tile {position.tile.x},{position.tile.y}
        </span>
      )}
    </div>
  );
}
