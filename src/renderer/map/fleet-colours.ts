/** The colours of a watched run's tiles, on the map and in the Publish panel's counts. */
import type { ExpressionSpecification } from 'maplibre-gl';
import type { FleetTileView } from '../stores/fleet-store.js';

export const FLEET_COLOURS: Record<FleetTileView, string> = {
  waiting: '#9e9ac8',
  queued: '#6baed6',
  'in-flight': '#fd8d3c',
  finished: '#31a354',
  'dead-lettered': '#de2d26',
};

/** A feature's colour from its `state` property. */
export const fleetColourExpression: ExpressionSpecification = [
  'match',
  ['get', 'state'],
  'waiting',
  FLEET_COLOURS.waiting,
  'queued',
  FLEET_COLOURS.queued,
  'in-flight',
  FLEET_COLOURS['in-flight'],
  'finished',
  FLEET_COLOURS.finished,
  'dead-lettered',
  FLEET_COLOURS['dead-lettered'],
  '#888888',
];
