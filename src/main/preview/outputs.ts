/** Finished outputs for the map: what a task's STAC item holds, its previews and pixel values. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BandHistogram, HistogramRequest, InspectedOutput, OutputInfo, PreviewImage, PreviewRequest } from '../../shared/api.js';
import { UserError } from '../../shared/errors.js';
import { bandHistogram } from './band-histogram.js';
import { dataBands, inspectOutput, itemBBox, renderMapPreview, rgbBands, type OutputItem } from './map-preview.js';

async function readItem(stacItem: string): Promise<{ item: OutputItem; href: string }> {
  if (!stacItem.endsWith('.stac-item.json')) throw new UserError(`not a task's STAC item: ${stacItem}`);
  const file = stacItem.startsWith('file://') ? new URL(stacItem) : path.resolve(stacItem);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new UserError(`output not found: ${stacItem} (has the task finished?)`);
  }
  const href = typeof file === 'string' ? pathToFileURL(file).href : file.href;
  return { item: JSON.parse(text) as OutputItem, href };
}

function taskOf(item: OutputItem): string {
  const props = item.properties;
  return String(props['odc:region_code'] ?? props['title'] ?? '');
}

/**
 * The location a run wrote the item under: its folder less the task's own folders (the region
 * code cut in two, then the period), or the item's folder when it is not laid out so.
 */
function outputLocation(stacItem: string, item: OutputItem): string {
  const folders = path.dirname(stacItem).split('/');
  const [first, second] = folders.slice(-3, -1);
  const regionCode = item.properties['odc:region_code'];
  const laidOut = folders.length > 3 && regionCode !== undefined && `${first}${second}` === String(regionCode);
  return (laidOut ? folders.slice(0, -3) : folders).join('/');
}

export async function describeOutput(stacItem: string): Promise<OutputInfo> {
  const { item } = await readItem(stacItem);
  const rgb = rgbBands(item);
  return {
    stacItem,
    task: taskOf(item),
    product: String(item.properties['odc:product'] ?? ''),
    version: String(item.properties['odc:dataset_version'] ?? ''),
    location: outputLocation(stacItem, item),
    bands: dataBands(item),
    ...(rgb && { rgb }),
    bbox: itemBBox(item),
  };
}

export async function previewOutput(request: PreviewRequest): Promise<PreviewImage> {
  const { item, href } = await readItem(request.stacItem);
  const preview = await renderMapPreview(item, href, request.bands, {
    ...(request.range && { range: request.range }),
    ...(request.ramp && { ramp: request.ramp }),
    size: Math.min(1024, Math.max(16, request.size ?? 512)),
  });
  return {
    url: `data:image/png;base64,${Buffer.from(preview.png).toString('base64')}`,
    coordinates: preview.coordinates,
    range: preview.range,
    bands: request.bands,
  };
}

export async function inspectOutputs(stacItems: string[], lon: number, lat: number): Promise<InspectedOutput[]> {
  const found: InspectedOutput[] = [];
  for (const stacItem of stacItems) {
    const { item, href } = await readItem(stacItem);
    const values = await inspectOutput(item, href, lon, lat);
    if (values) found.push({ stacItem, task: taskOf(item), values });
  }
  return found;
}

export async function outputHistogram(request: HistogramRequest): Promise<BandHistogram> {
  if (!(Number.isInteger(request.bins) && request.bins >= 1 && request.bins <= 1024)) throw new UserError(`a histogram has 1 to 1024 bins, not ${request.bins}`);
  const { item, href } = await readItem(request.stacItem);
  if (!dataBands(item).includes(request.band)) throw new UserError(`the output has no band '${request.band}' (bands: ${dataBands(item).join(', ')})`);
  const histogram = await bandHistogram(item, href, request.band, request.bins);
  if (!histogram) throw new UserError(`the band '${request.band}' has no valid pixel (all nodata)`);
  return histogram;
}
