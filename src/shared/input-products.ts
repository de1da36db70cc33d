/**
 * `input_products` / `--input-products` in odc-stats' syntax (odc/stats/tasks.py
 * `sanitize_products_str`, `SaveTasks._find_dss`): products joined by `-` are a union (every
 * dataset of each), products joined by `+` are fused (datasets observed together, one dataset
 * of each product, become one with the bands of all). A product is a collection name or a
 * location: `s3://bucket/prefix/`, a `file://` URI or a local folder, meaning the STAC items
 * under it (odc-stats: the `*.stac-item.json` under an `s3://` prefix, outputs of its own runs).
 *
 * Besides odc-stats' form, a list (YAML) or commas join the parts of a union. odc-stats takes
 * a run of separators by its first character and ignores separators at either end; so does this.
 * Where a string holds a location, a separator must follow a `/` or come before another location,
 * as in odc-stats, so that `2-0-0` and `dea-public-data` stay whole.
 */
import { UserError } from './errors.js';

export interface InputProduct {
  kind: 'collection' | 'location';
  /** The collection id, or the location ending with `/`. */
  name: string;
}

/** A product of a union: one product, or several fused observation by observation. */
export type ProductGroup = InputProduct[];

type Separator = '+' | '-';

const LOCATION_START = /^(?:[a-z][a-z0-9+.-]*:\/\/|\.{0,2}\/)/i;
/** A location where a name starts: a URI, an absolute or dotted path, or a relative path (a `/` before any separator). */
const LOCATION_NAME = /^(?:[a-z][a-z0-9+.-]*:\/\/|\.{0,2}\/|[^-+\s]*\/)/i;
const SEPARATOR_RUN = /^[-+]+/;

/** The union of groups the value names, each group one product or products to fuse. */
export function parseInputProducts(value: string | readonly string[]): ProductGroup[] {
  const pieces = (typeof value === 'string' ? [value] : value).flatMap((text) => text.split(','));
  const groups: ProductGroup[] = [];
  for (const piece of pieces) {
    const text = piece.trim();
    if (text === '') continue;
    const { names, separators } = tokenize(text);
    if (names.length === 0) continue;
    const kinds = new Set(separators);
    if (kinds.size > 1) {
      throw new UserError(
        `input products '${text}' mix '+' (fuse) and '-' (union): odc-stats pools such a list and keeps the times where enough datasets meet; write a union of fused groups instead, e.g. 'a+c,b+c'`,
      );
    }
    const products = names.map(inputProduct);
    if (kinds.has('+')) groups.push(checkedFusion(products, text));
    else groups.push(...products.map((product) => [product]));
  }
  return groups;
}

/** A group as `input_products` writes it: its products joined by `+`. */
export function productGroupText(group: ProductGroup): string {
  return group.map((product) => product.name).join('+');
}

function inputProduct(name: string): InputProduct {
  if (!LOCATION_START.test(name) && !name.includes('/') && !name.includes('\\')) return { kind: 'collection', name };
  return { kind: 'location', name: name.endsWith('/') ? name : `${name}/` };
}

function checkedFusion(products: InputProduct[], text: string): ProductGroup {
  const seen = new Set<string>();
  for (const { name } of products) {
    if (seen.has(name)) throw new UserError(`input products '${text}' fuse '${name}' with itself`);
    seen.add(name);
  }
  return products;
}

/** The names of a string and the separators between them (each run's first character). */
function tokenize(text: string): { names: string[]; separators: Separator[] } {
  const names: string[] = [];
  const separators: Separator[] = [];
  let pending: Separator | undefined;
  const push = (name: string) => {
    const trimmed = name.trim();
    if (trimmed === '') return;
    // Every name but the first follows a separator run.
    if (names.length > 0) separators.push(pending!);
    names.push(trimmed);
    pending = undefined;
  };
  let rest = text.trimStart();
  while (rest !== '') {
    const run = SEPARATOR_RUN.exec(rest);
    if (run) {
      // Separators before the first name, or after the last, are ignored.
      if (names.length > 0) pending ??= run[0][0] as Separator;
      rest = rest.slice(run[0].length).trimStart();
      continue;
    }
    const end = LOCATION_NAME.test(rest) ? locationEnd(rest) : plainEnd(rest);
    push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return { names, separators };
}

/** Where a location ends: at a separator run after a `/` or before another location. */
function locationEnd(text: string): number {
  for (let i = 1; i < text.length; i++) {
    const run = SEPARATOR_RUN.exec(text.slice(i));
    if (!run) continue;
    const after = text.slice(i + run[0].length);
    if (text[i - 1] === '/' || after === '' || LOCATION_START.test(after)) return i;
    i += run[0].length - 1;
  }
  return text.length;
}

/**
 * Where a collection name ends: at a separator run. A run of `-` alone separates only where the
 * names on both sides hold a `_`, as datacube product names do (they cannot hold a `-`), so
 * that STAC collection ids such as `sentinel-2-l2a` stay whole.
 */
function plainEnd(text: string): number {
  for (let i = 1; i < text.length; i++) {
    const run = SEPARATOR_RUN.exec(text.slice(i));
    if (!run) continue;
    const after = text.slice(i + run[0].length);
    if (run[0].includes('+') || after === '' || LOCATION_NAME.test(after)) return i;
    const before = text.slice(0, i);
    const next = /^[^-+]*/.exec(after)![0];
    if (lastWord(before).includes('_') && next.includes('_')) return i;
    i += run[0].length - 1;
  }
  return text.length;
}

/** The part of a name after its last `-` (the word a hyphen run follows). */
function lastWord(text: string): string {
  return text.slice(text.lastIndexOf('-') + 1);
}
