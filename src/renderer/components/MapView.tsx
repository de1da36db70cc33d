/**
 * The map: offline basemap, grid overlay for the view, planned tasks coloured by datasets,
 * picked tiles, regions (drawn or loaded), preview layers, and the map tools (rectangle,
 * polygon, box pick, inspect). State lives in the stores; this component mirrors it onto maplibre.
 */
import maplibregl, { type GeoJSONSource, type ImageSource, type MapMouseEvent } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import { useEffect, useRef, useState } from 'react';
import { gridOverlay } from '../map/grid-overlay.js';
import { offlineStyle } from '../map/basemap.js';
import { moveVertex, rectanglePolygon, regionFeature, regionVertices, type LonLat, type VertexPath } from '../map/geometry-draw.js';
import { featuresBBox, taskFeatures, tasksBetween } from '../map/task-features.js';
import { taskColourExpression, taskLegend } from '../map/task-colours.js';
import { usePlan } from '../stores/plan-store.js';
import { usePreviews } from '../stores/preview-store.js';
import { useUi, type MapTool } from '../stores/ui-store.js';
import { newRegionId, useWorkspace, type RegionFeature } from '../stores/workspace-store.js';

declare global {
  interface Window {
    /** The map, for end-to-end tests that need to turn lon/lat into screen points. */
    odcStatsMap?: maplibregl.Map;
  }
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

const TOOL_KEYS: Record<string, MapTool> = { v: 'pan', r: 'rectangle', p: 'polygon', e: 'edit', b: 'box', i: 'inspect' };

export function MapView() {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  /** 0 until the style has loaded; counts style loads, so overlays are synced again after a restyle. */
  const [ready, setReady] = useState(0);
  const labelsRef = useRef<maplibregl.Marker[]>([]);
  const tool = useUi((s) => s.tool);
  const hover = useUi((s) => s.hover);
  const viewBounds = useUi((s) => s.viewBounds);
  const grid = useWorkspace((s) => s.grid);
  const regions = useWorkspace((s) => s.regions);
  const picked = useWorkspace((s) => s.pickedTiles);
  const basemapUrl = useWorkspace((s) => s.settings.basemapStyleUrl);
  const tasks = usePlan((s) => s.tasks);
  const period = usePlan((s) => s.period);
  const planned = usePlan((s) => s.planned);
  const layers = usePreviews((s) => s.layers);
  const inspection = usePreviews((s) => s.inspection);
  const [gridNote, setGridNote] = useState<string | null>(null);
  const [hoverPoint, setHoverPoint] = useState<{ x: number; y: number } | null>(null);
  const draft = useRef<{ kind: 'rectangle' | 'box'; start: LonLat } | { kind: 'polygon'; points: LonLat[] } | null>(null);
  const anchor = useRef<{ x: number; y: number } | null>(null);

  // Create the map once.
  useEffect(() => {
    const view = useWorkspace.getState().view;
    const map = new maplibregl.Map({
      container: container.current!,
      style: useWorkspace.getState().settings.basemapStyleUrl || offlineStyle(),
      center: view?.center ?? [20, 0],
      zoom: view?.zoom ?? 2,
      boxZoom: false,
      doubleClickZoom: false,
      attributionControl: { compact: true, customAttribution: 'Natural Earth' },
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({}), 'bottom-right');
    mapRef.current = map;
    window.odcStatsMap = map;
    const publishView = () => {
      const b = map.getBounds();
      useUi.getState().setViewBounds([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
      const c = map.getCenter();
      useWorkspace.getState().update({ view: { center: [c.lng, c.lat], zoom: map.getZoom() } });
    };
    map.on('load', () => {
      addOverlayLayers(map);
      publishView();
      setReady(1);
    });
    map.on('moveend', publishView);
    map.on('movestart', () => {
      useUi.getState().setHover(null);
      setHoverPoint(null);
    });
    return () => {
      window.odcStatsMap = undefined;
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // A changed basemap URL restyles the map (overlays are added again on the new style).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    map.setStyle(basemapUrl || offlineStyle(), { diff: false });
    map.once('style.load', () => {
      addOverlayLayers(map);
      setReady((n) => n + 1);
    });
  }, [basemapUrl]); // eslint-disable-line react-hooks/exhaustive-deps

  // Grid overlay for the view.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready || !viewBounds) return;
    const overlay = gridOverlay(grid, viewBounds);
    (map.getSource('grid') as GeoJSONSource).setData(overlay.outlines);
    for (const marker of labelsRef.current) marker.remove();
    labelsRef.current = overlay.labels.map(({ label, lon, lat }) => {
      const el = document.createElement('div');
      el.className = 'grid-label';
      el.textContent = label;
      return new maplibregl.Marker({ element: el }).setLngLat([lon, lat]).addTo(map);
    });
    setGridNote(overlay.tooMany ? `Grid ${overlay.grid}: zoom in to see its tiles (${overlay.count.toLocaleString()} in view)` : null);
  }, [ready, grid, viewBounds]);

  // Tasks and picks.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const data = tasks ? taskFeatures(tasks.grid, tasks.tasks, period, new Set(picked)) : EMPTY;
    (map.getSource('tasks') as GeoJSONSource).setData(data);
    const counts = data.features.map((f) => Number(f.properties?.datasets ?? 0));
    map.setPaintProperty('tasks-fill', 'fill-color', taskColourExpression(taskLegend(counts)) as string);
  }, [ready, tasks, period, picked]);

  // Fit the view to newly planned tasks (not to tasks restored after a reload: the view is restored too).
  useEffect(() => {
    const map = mapRef.current;
    const current = usePlan.getState().tasks;
    if (!map || !ready || !current || planned === 0) return;
    const bbox = featuresBBox(taskFeatures(current.grid, current.tasks, null, new Set()));
    if (bbox) map.fitBounds(bbox, { padding: 60, duration: 0, maxZoom: 9 });
  }, [ready, planned]); // eslint-disable-line react-hooks/exhaustive-deps

  // Regions.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource('regions') as GeoJSONSource).setData({ type: 'FeatureCollection', features: regions as FeatureCollection['features'] });
    (map.getSource('region-vertices') as GeoJSONSource).setData({ type: 'FeatureCollection', features: regionVertices(regions as RegionFeature[]) });
  }, [ready, regions]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    map.setLayoutProperty('region-vertices', 'visibility', tool === 'edit' ? 'visible' : 'none');
  }, [ready, tool]);

  // Preview layers: an image source and raster layer each, under the task outlines.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const wanted = new Set<string>();
    for (const layer of layers) {
      if (!layer.image) continue;
      const id = `preview:${layer.id}`;
      wanted.add(id);
      const source = map.getSource(id) as ImageSource | undefined;
      if (!source) {
        map.addSource(id, { type: 'image', url: layer.image.url, coordinates: layer.image.coordinates });
        map.addLayer({ id, type: 'raster', source: id, paint: { 'raster-opacity': layer.opacity, 'raster-resampling': 'nearest', 'raster-fade-duration': 0 } }, 'grid-line');
      } else if (source.url !== layer.image.url) {
        source.updateImage({ url: layer.image.url, coordinates: layer.image.coordinates });
      }
      map.setPaintProperty(id, 'raster-opacity', layer.opacity);
      map.setLayoutProperty(id, 'visibility', layer.visible ? 'visible' : 'none');
    }
    for (const styleLayer of map.getStyle().layers) {
      if (styleLayer.id.startsWith('preview:') && !wanted.has(styleLayer.id)) {
        map.removeLayer(styleLayer.id);
        map.removeSource(styleLayer.id);
      }
    }
  }, [ready, layers]);

  // Inspector marker.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource('inspect') as GeoJSONSource).setData(
      inspection ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [inspection.lon, inspection.lat] } }] } : EMPTY,
    );
  }, [ready, inspection]);

  // Pointer and keyboard tools.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const canvas = map.getCanvas();
    canvas.style.cursor = tool === 'pan' ? '' : 'crosshair';
    const draftSource = () => map.getSource('draft') as GeoJSONSource;
    const showDraft = (coordinates: number[][][] | null, line?: LonLat[]) =>
      draftSource().setData(
        coordinates
          ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates } }] }
          : line && line.length > 0
            ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: line } }] }
            : EMPTY,
      );
    const lngLat = (e: MapMouseEvent): LonLat => [e.lngLat.lng, e.lngLat.lat];
    const dragTool = tool === 'rectangle' || tool === 'box';
    if (dragTool || tool === 'edit') map.dragPan.disable();
    else map.dragPan.enable();
    let editing: (VertexPath & { id: string }) | null = null;

    const onDown = (e: MapMouseEvent) => {
      if (tool === 'edit') {
        const handle = map.queryRenderedFeatures(e.point, { layers: ['region-vertices'] })[0];
        if (handle) editing = handle.properties as VertexPath & { id: string };
        return;
      }
      if (!dragTool) return;
      e.preventDefault();
      draft.current = { kind: tool, start: lngLat(e) };
    };
    const onMove = (e: MapMouseEvent) => {
      if (editing) {
        const ws = useWorkspace.getState();
        const region = (ws.regions as RegionFeature[]).find((r) => r.properties.id === editing!.id);
        if (region) ws.reshapeRegion(region.properties.id, moveVertex(region.geometry, editing, lngLat(e)));
        return;
      }
      const d = draft.current;
      if (d && d.kind !== 'polygon') showDraft(rectanglePolygon(d.start, lngLat(e)));
      else if (d && d.kind === 'polygon') showDraft(null, [...d.points, lngLat(e)]);
      const hit = map.queryRenderedFeatures(e.point, { layers: ['tasks-fill'] })[0];
      if (hit) {
        const p = hit.properties as { id: string; period: string; datasets: number; days: number; x: number; y: number };
        useUi.getState().setHover({ tile: `${p.x},${p.y}`, period: p.period, datasets: p.datasets, days: p.days, x: p.x, y: p.y });
        setHoverPoint({ x: e.point.x, y: e.point.y });
      } else if (useUi.getState().hover) {
        useUi.getState().setHover(null);
        setHoverPoint(null);
      }
    };
    const onUp = (e: MapMouseEvent) => {
      editing = null;
      const d = draft.current;
      if (!d || d.kind === 'polygon') return;
      draft.current = null;
      showDraft(null);
      const end = lngLat(e);
      if (Math.abs(end[0] - d.start[0]) < 1e-9 || Math.abs(end[1] - d.start[1]) < 1e-9) return;
      if (d.kind === 'rectangle') {
        const ws = useWorkspace.getState();
        ws.addRegion(regionFeature(newRegionId(), `Region ${ws.regions.length + 1}`, rectanglePolygon(d.start, end)));
      } else {
        const box = rectanglePolygon(d.start, end)[0]!;
        const sw = map.project(box[0] as LonLat);
        const ne = map.project(box[2] as LonLat);
        const hits = map.queryRenderedFeatures([sw, ne], { layers: ['tasks-fill'] });
        useWorkspace.getState().addPicks(hits.map((h) => String(h.properties.id)));
      }
    };
    const onClick = (e: MapMouseEvent) => {
      if (tool === 'inspect') {
        void usePreviews.getState().inspectAt(e.lngLat.lng, e.lngLat.lat);
        return;
      }
      if (tool === 'polygon') {
        const d = draft.current;
        const points = d && d.kind === 'polygon' ? [...d.points, lngLat(e)] : [lngLat(e)];
        draft.current = { kind: 'polygon', points };
        showDraft(null, points);
        return;
      }
      if (tool !== 'pan') return;
      const hit = map.queryRenderedFeatures(e.point, { layers: ['tasks-fill'] })[0];
      if (!hit) return;
      const p = hit.properties as { id: string; x: number; y: number };
      const ws = useWorkspace.getState();
      if (e.originalEvent.shiftKey && anchor.current) {
        const plan = usePlan.getState();
        ws.addPicks(tasksBetween(plan.tasks?.tasks ?? [], plan.period, anchor.current, p));
      } else ws.togglePick(p.id);
      anchor.current = { x: p.x, y: p.y };
    };
    const finishPolygon = () => {
      const d = draft.current;
      if (!d || d.kind !== 'polygon') return;
      draft.current = null;
      showDraft(null);
      if (d.points.length < 3) return;
      const ws = useWorkspace.getState();
      ws.addRegion(regionFeature(newRegionId(), `Region ${ws.regions.length + 1}`, [[...d.points, d.points[0]!]]));
    };
    const onDblClick = (e: MapMouseEvent) => {
      if (tool !== 'polygon') return;
      e.preventDefault();
      finishPolygon();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        draft.current = null;
        showDraft(null);
        useUi.getState().setTool('pan');
      } else if (e.key === 'Enter') finishPolygon();
      else if (!e.ctrlKey && !e.metaKey && !e.altKey && TOOL_KEYS[e.key.toLowerCase()]) useUi.getState().setTool(TOOL_KEYS[e.key.toLowerCase()]!);
    };
    const keyTarget = map.getContainer();
    map.on('mousedown', onDown);
    map.on('mousemove', onMove);
    map.on('mouseup', onUp);
    map.on('click', onClick);
    map.on('dblclick', onDblClick);
    keyTarget.addEventListener('keydown', onKey);
    return () => {
      map.off('mousedown', onDown);
      map.off('mousemove', onMove);
      map.off('mouseup', onUp);
      map.off('click', onClick);
      map.off('dblclick', onDblClick);
      keyTarget.removeEventListener('keydown', onKey);
      if (draft.current?.kind !== 'polygon' || tool !== 'polygon') draft.current = null;
    };
  }, [ready, tool]);

  return (
    <div className="map-wrap">
      <div ref={container} className="map" data-testid="map" tabIndex={0} aria-label="Map. Keys: V pan, R rectangle, P polygon, E edit region vertices, B box pick, I inspect, Escape cancels, Enter ends a polygon" />
      {gridNote && <div className="map-note" role="status">{gridNote}</div>}
      {hover && hoverPoint && (
        <div className="hover-card" data-testid="hover-card" style={{ left: hoverPoint.x + 14, top: hoverPoint.y + 14 }}>
          <strong>Tile {hover.tile}</strong>
          <div>Period {hover.period}</div>
          <div>
            {hover.datasets} datasets · {hover.days} days
          </div>
        </div>
      )}
    </div>
  );
}

function addOverlayLayers(map: maplibregl.Map): void {
  for (const id of ['grid', 'tasks', 'regions', 'region-vertices', 'draft', 'inspect']) {
    if (!map.getSource(id)) map.addSource(id, { type: 'geojson', data: EMPTY });
  }
  map.addLayer({ id: 'tasks-fill', type: 'fill', source: 'tasks', paint: { 'fill-color': '#41b6c4', 'fill-opacity': 0.45 } });
  map.addLayer({ id: 'grid-line', type: 'line', source: 'grid', paint: { 'line-color': '#55606e', 'line-width': 0.6, 'line-opacity': 0.7 } });
  map.addLayer({ id: 'tasks-line', type: 'line', source: 'tasks', paint: { 'line-color': '#253494', 'line-width': 1 } });
  map.addLayer({
    id: 'tasks-picked',
    type: 'line',
    source: 'tasks',
    filter: ['==', ['get', 'picked'], true],
    paint: { 'line-color': '#c51b8a', 'line-width': 3.5 },
  });
  map.addLayer({ id: 'regions-fill', type: 'fill', source: 'regions', paint: { 'fill-color': '#d95f0e', 'fill-opacity': 0.08 } });
  map.addLayer({ id: 'regions-line', type: 'line', source: 'regions', paint: { 'line-color': '#d95f0e', 'line-width': 2, 'line-dasharray': [3, 1.5] } });
  map.addLayer({
    id: 'region-vertices',
    type: 'circle',
    source: 'region-vertices',
    layout: { visibility: 'none' },
    paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': '#d95f0e', 'circle-stroke-width': 2 },
  });
  map.addLayer({ id: 'draft-fill', type: 'fill', source: 'draft', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#3182bd', 'fill-opacity': 0.15 } });
  map.addLayer({ id: 'draft-line', type: 'line', source: 'draft', paint: { 'line-color': '#3182bd', 'line-width': 2, 'line-dasharray': [2, 1] } });
  map.addLayer({
    id: 'inspect-point',
    type: 'circle',
    source: 'inspect',
    paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-color': '#d7301f', 'circle-stroke-width': 3 },
  });
}
