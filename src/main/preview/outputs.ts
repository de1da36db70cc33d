/** Finished outputs for the map: what a task's STAC item holds, its previews and pixel values. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InspectedOutput, OutputInfo, PreviewImage, PreviewRequest } from '../../shared/api.js';
import { UserError } from '../../shared/errors.js';
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

export async function describeOutput(stacItem: string): Promise<OutputInfo> {
  const { item } = await readItem(stacItem);
  const rgb = rgbBands(item);
  return { stacItem, task: taskOf(item), bands: dataBands(item), ...(rgb && { rgb }), bbox: itemBBox(item) };
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
