/**
 * The processing record beside an EO3 document (`.proc-info.yaml`), as odc-stats writes it
 * with eodatasets3: the input products, the product's settings (`odc-stats-config`) and the
 * software that made the outputs.
 */
import { createRequire } from 'node:module';
import type { Eo3Product } from './dataset-document.js';

const require = createRequire(import.meta.url);
const PROGRAM = require('../../../package.json') as { name: string; version: string };

export interface ProcInfoRequest {
  product: Eo3Product;
  /** The product's output location. */
  location: string;
  /** The plugin's name, as the run config gives it. */
  plugin: string;
  /** The output bands, in the plugin's order. */
  measurements: readonly string[];
  /** The input datasets' products (STAC collections). */
  inputProducts: readonly string[];
}

export function renderProcInfo(request: ProcInfoRequest): Record<string, unknown> {
  const { product } = request;
  return {
    'input-products': [...new Set(request.inputProducts)].sort(),
    // odc-stats writes its OutputProduct's fields: the config's product section completed.
    'odc-stats-config': {
      ...product.eo3.productConfig,
      name: product.name,
      version: product.version,
      short_name: product.shortName,
      location: request.location,
      properties: product.properties,
      measurements: [...request.measurements],
      href: product.href,
      region_code_format: product.regionCodeFormat,
      naming_conventions_values: 'dea_c3',
      explorer_path: product.eo3.explorerPath,
      classifier: product.eo3.classifier,
      ...(product.maturity !== undefined && { maturity: product.maturity }),
      collection_number: product.eo3.collectionNumber,
    },
    software_versions: [
      { name: PROGRAM.name, version: PROGRAM.version },
      { name: request.plugin, version: PROGRAM.version },
    ],
  };
}
