// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutputInfo, PreviewImage } from '../../shared/api.js';
import { setApi } from '../api/api.js';
import { histogramKey, usePreviews, type PreviewLayer } from '../stores/preview-store.js';
import { fakeApi } from '../test-support/fake-api.js';
import { LayersPanel } from './LayersPanel.js';
import { stretchError } from './StretchFields.js';
import { SwipeDivider } from './SwipeControl.js';

const IMAGE: PreviewImage = { url: 'data:', coordinates: [[0, 1], [1, 1], [1, 0], [0, 0]], range: { min: 2, max: 18 }, bands: [] };

function output(stacItem: string, product: string): OutputInfo {
  return { stacItem, task: 'T', product, version: '1', location: `/o/${product}/1`, bands: ['COUNT'], bbox: [0, 0, 1, 1] };
}

function layer(stacItem: string, band: string, visible = true): PreviewLayer {
  return { id: `${stacItem}#${band}`, stacItem, task: 'T', bands: [band], ramp: 'viridis', visible, opacity: 0.9, image: IMAGE };
}

const GM = '/o/gm/1/x/y/p/gm.stac-item.json';
const PQ = '/o/pq/1/x/y/p/pq.stac-item.json';

beforeEach(() => {
  setApi(fakeApi());
  usePreviews.setState({
    outputs: { [GM]: output(GM, 'gm'), [PQ]: output(PQ, 'pq') },
    layers: [layer(PQ, 'clear'), layer(GM, 'COUNT', false), layer(GM, 'SMAD')],
    hiddenGroups: [],
    swipe: null,
    histograms: { [histogramKey(PQ, 'clear')]: { band: 'clear', counts: [3, 1], from: 0, to: 20, min: 0, max: 20, p2: 0.4, p98: 19.6 } },
  });
});
afterEach(cleanup);

const groupNames = () => screen.getAllByTestId('layer-group').map((g) => g.getAttribute('data-group-name'));

describe('the layer list', () => {
  it('shows a group per product and moves groups and layers with buttons', () => {
    render(<LayersPanel />);
    expect(groupNames()).toEqual(['pq 1', 'gm 1']);
    expect(screen.getByRole('button', { name: 'Move group pq 1 up' })).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: 'Move group pq 1 down' }));
    expect(groupNames()).toEqual(['gm 1', 'pq 1']);
    fireEvent.click(screen.getByRole('button', { name: 'Move T SMAD up' }));
    expect(usePreviews.getState().layers.map((l) => l.bands[0])).toEqual(['SMAD', 'COUNT', 'clear']);
    fireEvent.click(screen.getByRole('checkbox', { name: 'gm 1' }));
    expect(usePreviews.getState().hiddenGroups).toHaveLength(1);
  });

  it('applies the 2–98 % and min–max stretches of the histogram, and refuses a minimum above the maximum', () => {
    render(<LayersPanel />);
    // The top single-band layer drawn: pq's clear.
    expect(screen.getByRole('img', { name: 'Histogram of T clear, 0 to 20' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Min–max' }));
    expect(usePreviews.getState().layers[0]!.range).toEqual({ min: 0, max: 20 });
    fireEvent.click(screen.getByRole('button', { name: '2–98 %' }));
    expect(usePreviews.getState().layers[0]!.range).toEqual({ min: 0.4, max: 19.6 });
    expect(screen.getByTestId('stretch-range').textContent).toBe('0.4 – 19.6');
    fireEvent.change(screen.getByLabelText('T clear minimum'), { target: { value: '15' } });
    fireEvent.change(screen.getByLabelText('T clear maximum'), { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByRole('alert').textContent).toBe('The stretch minimum (15) is above its maximum (5).');
    expect(usePreviews.getState().layers[0]!.range).toEqual({ min: 0.4, max: 19.6 });
    fireEvent.change(screen.getByLabelText('T clear maximum'), { target: { value: '16' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(usePreviews.getState().layers[0]!.range).toEqual({ min: 15, max: 16 });
  });

  it('says what a typed stretch lacks', () => {
    expect(stretchError('', '3')).toBe('The stretch needs a number for its minimum and for its maximum.');
    expect(stretchError('3', '3')).toBeNull();
  });
});

describe('swipe', () => {
  it('starts a swipe between the chosen layers, and moves its divider with the arrow keys', () => {
    render(
      <>
        <LayersPanel />
        <SwipeDivider />
      </>,
    );
    // First offered: the top layer shown, and the top one shown of another group.
    expect((screen.getByLabelText('Left') as HTMLSelectElement).value).toBe(`${PQ}#clear`);
    expect((screen.getByLabelText('Right') as HTMLSelectElement).value).toBe(`${GM}#SMAD`);
    fireEvent.change(screen.getByLabelText('Right'), { target: { value: `${GM}#COUNT` } });
    fireEvent.click(screen.getByRole('button', { name: 'Swipe' }));
    expect(usePreviews.getState().swipe).toEqual({ left: `${PQ}#clear`, right: `${GM}#COUNT`, position: 0.5 });
    const divider = screen.getByRole('separator', { name: 'Swipe divider: T clear on the left, T COUNT on the right' });
    act(() => fireEvent.keyDown(divider, { key: 'ArrowLeft' }));
    expect(usePreviews.getState().swipe?.position).toBeCloseTo(0.49, 12);
    act(() => fireEvent.keyDown(divider, { key: 'ArrowRight', shiftKey: true }));
    expect(usePreviews.getState().swipe?.position).toBeCloseTo(0.59, 12);
    act(() => fireEvent.keyDown(divider, { key: 'End' }));
    expect(divider.getAttribute('aria-valuenow')).toBe('100');
    fireEvent.click(screen.getByRole('button', { name: 'Stop swipe' }));
    expect(screen.queryByRole('separator')).toBeNull();
  });
});
