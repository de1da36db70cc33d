/**
 * odc-stats' `ignore_time` and `optional_products` (odc/stats/tasks.py `SaveTasks._find_dss`,
 * `ds_align`), checked against the fused groups of `input_products`. An `ignore_time` entry is
 * a product of a fused group, named as `input_products` names it; odc-stats reads such a product
 * over all time and only into fused groups. An `optional_products` entry names a fused product
 * as odc-stats matches it: the product itself, or a location with the product's name as one of
 * its folders (`s3://bucket/ga_ls_mangrove_cover_cyear_3/4-0-0/` names `ga_ls_mangrove_cover_cyear_3`).
 */
import { UserError } from '../../shared/errors.js';
import { parseInputProducts, productGroupText, type ProductGroup } from '../../shared/input-products.js';

export interface FusionRoles {
  /** Products whose datasets join every fused dataset of their region, whatever their time. */
  timeless: ReadonlySet<string>;
  /** Products a fused dataset may lack. */
  optional: ReadonlySet<string>;
}

export function fusionRoles(groups: readonly ProductGroup[], ignoreTime: readonly string[] = [], optionalProducts: readonly string[] = []): FusionRoles {
  const fused = groups.filter((group) => group.length > 1);
  const fusedNames = new Set(fused.flat().map((p) => p.name));
  const timeless = new Set<string>();
  for (const entry of ignoreTime) {
    const name = productName(entry, 'ignore_time');
    if (!fusedNames.has(name)) {
      throw new UserError(`ignore_time '${entry}' is not a product of a fused group of the input products (a+b): odc-stats reads such a product only into fused datasets`);
    }
    timeless.add(name);
  }
  for (const group of groups) {
    const name = group.length === 1 ? group[0]!.name : undefined;
    if (name !== undefined && timeless.has(name)) {
      throw new UserError(`ignore_time '${name}' is also an input product of its own: odc-stats reads a product without time only into fused datasets`);
    }
  }
  const optional = new Set<string>();
  for (const entry of optionalProducts) {
    const named = [...fusedNames].filter((name) => namesProduct(entry, name));
    if (named.length === 0) throw new UserError(`optional_products '${entry}' names no product of a fused group of the input products (a+b)`);
    for (const name of named) optional.add(name);
  }
  for (const group of fused) {
    if (group.every((p) => timeless.has(p.name))) {
      throw new UserError(`every product of the fused group '${productGroupText(group)}' is in ignore_time: at least one must have a time`);
    }
    if (group.every((p) => optional.has(p.name))) {
      throw new UserError(`every product of the fused group '${productGroupText(group)}' is optional: at least one must be required`);
    }
  }
  return { timeless, optional };
}

/** The one product an entry names, as `input_products` would name it. */
function productName(entry: string, key: string): string {
  const groups = parseInputProducts(entry);
  const only = groups.length === 1 && groups[0]!.length === 1 ? groups[0]![0] : undefined;
  if (!only) throw new UserError(`${key} '${entry}' must name one product`);
  return only.name;
}

function namesProduct(entry: string, name: string): boolean {
  const trimmed = entry.trim();
  if (trimmed === name || `${trimmed}/` === name) return true;
  return !name.includes('/') && trimmed.split('/').includes(name);
}
