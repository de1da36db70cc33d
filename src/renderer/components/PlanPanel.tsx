/** Planning: catalogue, collections, grid, frequency, range, regions; then progress and the summary. */
import { useMemo, useRef, useState } from 'react';
import { isApiError } from '../../shared/api.js';
import { FREQUENCIES } from '../../shared/frequency.js';
import { GRID_NAMES } from '../../shared/grid.js';
import { api } from '../api/api.js';
import { regionsFromGeoJSONText } from '../map/geometry-draw.js';
import { formatArea, regionAreaKm2, regionBounds } from '../map/region-measure.js';
import { usePlan, type PlanField } from '../stores/plan-store.js';
import { switchToSamplePresets } from '../stores/presets.js';
import { useUi } from '../stores/ui-store.js';
import { newRegionId, useWorkspace, type RegionFeature } from '../stores/workspace-store.js';
import { describeWorkBytes } from '../../shared/work-estimate.js';
import { formatCount } from '../util/format.js';
import { FieldError } from './FieldError.js';

export function PlanPanel() {
  const ws = useWorkspace();
  const plan = usePlan();
  const [sampleBusy, setSampleBusy] = useState(false);
  const [regionError, setRegionError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const errorFor = (field: PlanField) => (plan.error?.field === field ? plan.error.message : null);
  const describedBy = (field: PlanField) => (plan.error?.field === field ? `plan-error-${field}` : undefined);
  /** A changed control no longer shows the error that was about its old value. */
  const edit = (field: PlanField, patch: Parameters<typeof ws.update>[0]) => {
    ws.update(patch);
    usePlan.getState().dismissError(field);
  };
  const periods = plan.tasks ? [...new Set(plan.tasks.tasks.map((t) => t.period))] : [];
  const measures = useMemo(
    () => new Map((ws.regions as RegionFeature[]).map((r) => [r.properties.id, { area: regionAreaKm2(r.geometry), bounds: regionBounds(r.geometry) }])),
    [ws.regions],
  );

  const applySample = async () => {
    setSampleBusy(true);
    const sample = await api().sampleCatalog();
    setSampleBusy(false);
    if (isApiError(sample)) {
      usePlan.setState({ error: { field: 'catalog', message: sample.error } });
      return;
    }
    ws.update({ catalog: sample.catalog, collections: [sample.collection], grid: 'africa-10', frequency: 'annual', temporalRange: '2021--P1Y' });
    switchToSamplePresets(sample.catalog);
    usePlan.getState().dismissError('catalog');
    const [w, s, e, n] = sample.bbox;
    window.odcStatsMap?.fitBounds([w, s, e, n], { padding: 40, duration: 0 });
  };

  const loadGeoJSON = async (file: File) => {
    try {
      const regions = regionsFromGeoJSONText(await file.text(), file.name.replace(/\.(geo)?json$/i, ''), newRegionId);
      for (const r of regions) ws.addRegion(r);
      setRegionError(null);
      const bounds = unionOfBounds(regions.map((r) => regionBounds(r.geometry)));
      if (bounds) useUi.getState().showOnMap({ bounds, maxZoom: 12 });
    } catch (e) {
      setRegionError((e as Error).message);
    }
  };

  return (
    <section className="panel" aria-labelledby="plan-heading">
      <h2 id="plan-heading">1 · Plan tasks</h2>
      <label htmlFor="catalog">Catalogue (STAC path or URL)</label>
      <div className="row">
        <input
          id="catalog"
          value={ws.catalog}
          placeholder="catalog.json, s3://…, https://…/stac"
          aria-invalid={!!errorFor('catalog')}
          aria-describedby={describedBy('catalog')}
          onChange={(e) => edit('catalog', { catalog: e.target.value })}
        />
        <button type="button" onClick={() => void applySample()} disabled={sampleBusy} title="Write the embedded synthetic Sentinel-2 catalogue into the workspace and use it">
          {sampleBusy ? 'Writing…' : 'Use sample'}
        </button>
      </div>
      <FieldError id="plan-error-catalog" message={errorFor('catalog')} />

      <label htmlFor="collections">Collections (comma-separated)</label>
      <input
        id="collections"
        value={ws.collections.join(', ')}
        aria-invalid={!!errorFor('collections')}
        aria-describedby={describedBy('collections')}
        onChange={(e) => edit('collections', { collections: e.target.value.split(',').map((c) => c.trim()) })}
      />
      <FieldError id="plan-error-collections" message={errorFor('collections')} />

      <div className="grid-2">
        <div>
          <label htmlFor="grid">Grid</label>
          <input id="grid" list="grid-names" value={ws.grid} aria-invalid={!!errorFor('grid')} aria-describedby={describedBy('grid')} onChange={(e) => edit('grid', { grid: e.target.value })} />
          <datalist id="grid-names">
            {GRID_NAMES.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="frequency">Frequency</label>
          <select id="frequency" value={ws.frequency} aria-invalid={!!errorFor('frequency')} aria-describedby={describedBy('frequency')} onChange={(e) => edit('frequency', { frequency: e.target.value })}>
            {FREQUENCIES.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </div>
      </div>
      <FieldError id="plan-error-grid" message={errorFor('grid')} />
      <FieldError id="plan-error-frequency" message={errorFor('frequency')} />

      <label htmlFor="range">Temporal range (e.g. 2021--P1Y, or a year)</label>
      <input id="range" value={ws.temporalRange} aria-invalid={!!errorFor('temporalRange')} aria-describedby={describedBy('temporalRange')} onChange={(e) => edit('temporalRange', { temporalRange: e.target.value })} />
      <FieldError id="plan-error-temporalRange" message={errorFor('temporalRange')} />

      <h3>Regions</h3>
      <div className="row wrap">
        <button type="button" onClick={() => useUi.getState().setTool('rectangle')} title="Drag a rectangle on the map (key R)">
          Draw rectangle
        </button>
        <button type="button" onClick={() => useUi.getState().setTool('polygon')} title="Click the corners, double-click or Enter to finish (key P)">
          Draw polygon
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Load GeoJSON…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,.geojson,application/geo+json"
          hidden
          data-testid="geojson-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void loadGeoJSON(file);
            e.target.value = '';
          }}
        />
      </div>
      <FieldError id="region-error" message={regionError ?? errorFor('region')} />
      {ws.regions.length === 0 ? (
        <p className="hint">No region: the whole catalogue is planned.</p>
      ) : (
        <ul className="list" aria-label="Regions">
          {(ws.regions as RegionFeature[]).map((r) => {
            const { area, bounds } = measures.get(r.properties.id)!;
            return (
              <li key={r.properties.id}>
                <input
                  aria-label="Region name"
                  value={r.properties.name}
                  onChange={(e) =>
                    ws.update({
                      regions: ws.regions.map((x) =>
                        (x as RegionFeature).properties.id === r.properties.id ? { ...r, properties: { ...r.properties, name: e.target.value } } : x,
                      ),
                    })
                  }
                />
                <span className="hint" data-testid="region-area">
                  {area === null ? 'crosses itself' : formatArea(area)}
                </span>
                <button
                  type="button"
                  aria-label={`Zoom to ${r.properties.name}`}
                  disabled={!bounds}
                  onClick={() => bounds && useUi.getState().showOnMap({ bounds, maxZoom: 12 })}
                >
                  Zoom
                </button>
                <button type="button" aria-label={`Delete ${r.properties.name}`} onClick={() => ws.removeRegion(r.properties.id)}>
                  Delete
                </button>
              </li>
            );
          })}
        </ul>
      )}

      <div className="row">
        <button type="button" className="primary" onClick={() => void plan.plan()} disabled={plan.status === 'planning'} aria-describedby={describedBy('plan')}>
          {plan.status === 'planning' ? 'Planning…' : 'Plan tasks'}
        </button>
        {plan.status === 'planning' && (
          <button type="button" onClick={() => void plan.cancel()}>
            Cancel
          </button>
        )}
      </div>
      <FieldError id="plan-error-plan" message={errorFor('plan')} />
      {plan.status === 'planning' && plan.progress && (
        <p role="status" className="progress-text">
          Read {formatCount(plan.progress.itemsRead)} items · {formatCount(plan.progress.datasets)} datasets · {formatCount(plan.progress.tasks)} tasks
        </p>
      )}
      {plan.summary && (
        <div className="summary" data-testid="plan-summary">
          <p>
            <strong>{plan.summary.counts.tasks} tasks</strong> on {plan.summary.counts.tiles} tiles from {plan.summary.counts.datasets} datasets ({plan.summary.grid},{' '}
            {plan.summary.frequency}, {plan.summary.temporalRange ?? 'all time'})
          </p>
          <p>
            Work: {formatCount(plan.summary.estimate.pixelObservations)} pixel-observations, {describeWorkBytes(plan.summary.estimate)}.
          </p>
          {plan.summary.warnings.map((warning) => (
            <p key={warning} className="field-error" role="alert">
              Warning: {warning}
            </p>
          ))}
          <p className="hint">Task cache: {plan.summary.db}</p>
        </div>
      )}
      {periods.length > 1 && (
        <>
          <label htmlFor="period">Period on the map</label>
          <select id="period" value={plan.period ?? ''} onChange={(e) => plan.setPeriod(e.target.value)}>
            {periods.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </>
      )}
    </section>
  );
}

function unionOfBounds(boxes: Array<[number, number, number, number] | null>): [number, number, number, number] | null {
  let union: [number, number, number, number] | null = null;
  for (const b of boxes) {
    if (!b) continue;
    union = union ? [Math.min(union[0], b[0]), Math.min(union[1], b[1]), Math.max(union[2], b[2]), Math.max(union[3], b[3])] : [...b];
  }
  return union;
}
