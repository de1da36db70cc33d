/**
 * Which catalogue items a plan keeps: those whose properties equal `dataset_filter`'s values,
 * and odc-stats' two dataset predicates for Landsat (odc/stats/_cli_save_tasks.py): `--gqa`
 * keeps DEA datasets whose geometric accuracy `gqa:iterative_mean_xy` is at most the given
 * number of pixels, `--usgs-collection-category` keeps the datasets of the USGS Collection 2
 * products ls5_sr … ls9_sr whose `landsat:collection_category` (T1, T2, RT) is the given one and
 * every dataset of other products. odc-stats tests fused datasets; here each source is tested.
 */
import { UserError } from '../../shared/errors.js';
import type { ProductGroup } from '../../shared/input-products.js';
import type { StacItem } from '../../shared/stac.js';
import { matchesFilter } from './plan-item.js';

export type ItemTest = (item: StacItem) => boolean;

interface ItemTestOptions {
  datasetFilter?: Record<string, string | number | boolean>;
  gqa?: number;
  usgsCollectionCategory?: string;
}

/** The products odc-stats' collection-category predicate applies to. */
const USGS_PRODUCTS: ReadonlySet<string> = new Set(['ls5_sr', 'ls7_sr', 'ls8_sr', 'ls9_sr']);

/** The test that keeps the items the options ask for; undefined when every item is kept. */
export function itemTest(options: ItemTestOptions, products: readonly ProductGroup[]): ItemTest | undefined {
  const { datasetFilter, gqa, usgsCollectionCategory: category } = options;
  if (gqa !== undefined && category !== undefined) {
    throw new UserError('give --gqa or --usgs-collection-category, not both: the first tests DEA datasets, the second USGS ones');
  }
  if (gqa !== undefined && !Number.isFinite(gqa)) throw new UserError(`invalid --gqa '${gqa}': expected a number of pixels such as 1`);
  if (category !== undefined && !products.flat().some((p) => USGS_PRODUCTS.has(p.name))) {
    throw new UserError(
      `--usgs-collection-category tests only the products ${[...USGS_PRODUCTS].join(', ')}, and none is an input product; to test another's property use --dataset-filter '{"landsat:collection_category": "${category}"}'`,
    );
  }
  const tests: ItemTest[] = [];
  if (datasetFilter) tests.push((item) => matchesFilter(item, datasetFilter));
  if (gqa !== undefined) {
    tests.push((item) => {
      const accuracy = item.properties['gqa:iterative_mean_xy'];
      return typeof accuracy === 'number' && accuracy <= gqa;
    });
  }
  if (category !== undefined) {
    tests.push((item) => !USGS_PRODUCTS.has(productOf(item)) || item.properties['landsat:collection_category'] === category);
  }
  if (tests.length === 0) return undefined;
  return (item) => tests.every((test) => test(item));
}

function productOf(item: StacItem): string {
  const product = item.collection ?? item.properties['odc:product'];
  return typeof product === 'string' ? product : '';
}
