/**
 * odc-stats' eodatasets3 packaging of a task (`apply_eodatasets3`): the processing record and
 * the EO3 dataset document, written after the checksums and before the STAC item, in
 * odc-stats' order, and the links from the STAC item to them.
 */
import { stringify } from 'yaml';
import type { GeoBox } from '../../shared/geobox.js';
import type { StacItem, StacLink } from '../../shared/stac.js';
import type { WorkerTask } from '../../shared/task-messages.js';
import { odcMetadataFileName, procInfoFileName, renderDatasetDocument, type Eo3Product } from './dataset-document.js';
import { renderProcInfo } from './proc-info.js';

export interface Eo3TaskRequest {
  task: WorkerTask;
  /** The task's product, with its eodatasets3 settings. */
  product: Eo3Product;
  /** The output bands, in the plugin's order. */
  bands: readonly string[];
  tile: GeoBox;
  /** The task's STAC item: its id and processing time are the document's. */
  item: StacItem;
  /** File names of what was written beside the document. */
  files: { band: (name: string) => string; checksum: string; thumbnail?: string };
}

export interface Eo3TaskMetadata {
  /** The processing record, then the dataset document: file name and YAML text. */
  files: Array<{ name: string; text: string }>;
  /** Links for the STAC item: to the document, and to the dataset's page in Explorer. */
  links: StacLink[];
}

export function eo3TaskMetadata(request: Eo3TaskRequest): Eo3TaskMetadata {
  const { task, product, item, files } = request;
  const procInfo = procInfoFileName(product, task.id);
  const documentName = odcMetadataFileName(product, task.id);
  const document = renderDatasetDocument({
    id: item.id,
    product,
    task: task.id,
    period: task.period,
    tile: request.tile,
    measurements: request.bands.map((band) => [band, files.band(band)] as const),
    inputs: task.datasets,
    accessories: { checksum: files.checksum, processor: procInfo, ...(files.thumbnail !== undefined && { thumbnail: files.thumbnail }) },
    processed: String(item.properties['odc:processing_datetime']),
  });
  const record = renderProcInfo({
    product,
    location: task.location,
    plugin: task.plugin,
    measurements: request.bands,
    inputProducts: task.datasets.map((d) => d.collection),
  });
  return {
    files: [
      { name: procInfo, text: yamlDocument(record) },
      { name: documentName, text: yamlDocument(document) },
    ],
    links: [
      { rel: 'odc_yaml', href: documentName, type: 'text/yaml', title: 'ODC Dataset YAML' },
      { rel: 'alternate', href: `${product.eo3.explorerPath.replace(/\/+$/, '')}/dataset/${item.id}`, type: 'text/html', title: 'Open Data Cube Explorer' },
    ],
  };
}

function yamlDocument(value: unknown): string {
  return `---\n${stringify(value, { lineWidth: 0 })}`;
}
