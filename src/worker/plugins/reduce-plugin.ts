/**
 * `reduce`: Earth Engine's per-pixel reducers over a time series, for prototyping a product
 * before it becomes a plugin — `mean`, `median`, `min`, `max`, `stddev`, `count` and any
 * percentiles, of input bands or of band expressions (`src/shared/expressions`), after the
 * geomedian plugins' masking. See docs/plugins.md for the settings and the output names.
 */
import { z } from 'zod';
import { ConfigError } from '../../shared/config-issue.js';
import { UserError } from '../../shared/errors.js';
import { nearestKey } from '../../shared/nearest-key.js';
import { parseExpression, type CompiledExpression } from '../../shared/expressions/expression.js';
import { ExpressionError } from '../../shared/expressions/parser.js';
import { percentilesOverTime } from '../kernels/percentile.js';
import { fmaskClasses, fmaskClassName, sclClasses, sclClassName } from '../masking/flags.js';
import type { MaskFilter } from '../masking/morphology.js';
import { DEA_LS_FMASK_MASKING, S2_SCL_MASKING } from './geomedian-plugin.js';
import { reflectanceFromDn } from '../masking/scaling.js';
import { newSampleArray, type SampleArray, type SampleType } from '../raster.js';
import { enumCloudParts, explainObservation, observationMaskReach, usableObservations, type ObservationMask } from './observation-mask.js';
import type { ObservationChunk, OutputBand, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, missingPluginKey, parsePluginConfig, refusedKey } from './plugin-config.js';

const NAME = 'reduce';
const REDUCERS = ['mean', 'median', 'min', 'max', 'stddev', 'count'] as const;
type Reducer = (typeof REDUCERS)[number];
const DTYPES = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'] as const;

/** Integer types' ranges, and the nodata of each when the config names none: the end of the range data rarely reach. */
const INTEGER_RANGE: Readonly<Partial<Record<SampleType, { min: number; max: number; nodata: number }>>> = {
  uint8: { min: 0, max: 255, nodata: 255 },
  int8: { min: -128, max: 127, nodata: -128 },
  uint16: { min: 0, max: 65_535, nodata: 65_535 },
  int16: { min: -32_768, max: 32_767, nodata: -32_768 },
  uint32: { min: 0, max: 4_294_967_295, nodata: 4_294_967_295 },
  int32: { min: -2_147_483_648, max: 2_147_483_647, nodata: -2_147_483_648 },
};

const classList = z.array(z.union([z.string(), z.number().int()]));
const perBandNumber = z.union([z.number(), z.record(z.string(), z.number())], { error: 'must be a number, or a mapping of band to number' });
const nan = z.string().regex(/^\.?nan$/i);

const schema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    inputs: z.array(z.string()).min(1),
    expressions: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a name of letters, digits and _, not starting with a digit'), z.string(), {
      error: 'must be a mapping of name to expression, such as {ndvi: "(B08 - B04) / (B08 + B04)"}',
    }),
    bands: z.array(z.string()).min(1),
    reducers: z.array(z.enum(REDUCERS)),
    percentiles: z.array(z.number().min(0).max(100)),
    min_valid: z.number().int().min(1),
    scale: perBandNumber,
    offset: perBandNumber,
    mask_band: z.string(),
    nodata_classes: classList,
    cloud_classes: classList,
    cloud_filters: z.unknown(),
    contiguity_band: z.string(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
    output_dtype: z.enum(DTYPES),
    output_nodata: z.union([z.number(), z.nan(), nan], { error: 'must be a number or nan' }),
    output_scale: z.number().positive(),
    output_names: z.record(z.string(), z.string()),
  })
  .partial();
type ReduceConfig = z.infer<typeof schema>;

/** What is reduced: an expression, or an input band as it is (after scaling). */
interface Source {
  name: string;
  expression?: CompiledExpression;
}

interface Output {
  band: OutputBand;
  source: string;
  statistic: Reducer | { percentile: number };
}

/** The `reduce` plugin of a `plugin_config`. */
export function reducePlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, schema, config);
  checkBasePluginKeys(NAME, c);
  const mask = observationMask(c);
  const expressions = compileExpressions(c, mask);
  const sources = reducedSources(c, expressions);
  const inputs = inputBands(c, sources, mask);
  const dataInputs = inputs.filter((band) => band !== mask?.maskBand && band !== mask?.contiguityBand);
  const scale = perBand(c, 'scale', dataInputs, 1);
  const offset = perBand(c, 'offset', dataInputs, 0);
  const outputs = outputBands(c, sources);
  const minValid = c.min_valid ?? 1;
  const outputScale = c.output_scale ?? 1;
  const resampling = c.resampling ?? 'bilinear';
  const shown = outputs.find((o) => o.statistic !== 'count') ?? outputs[0]!;
  return {
    name: NAME,
    halo: mask ? observationMaskReach(mask) : 0,
    inputs: inputs.map((name) => ({ name, resampling: name === mask?.maskBand || name === mask?.contiguityBand ? 'nearest' : resampling })),
    measurements: outputs.map((o) => o.band),
    quicklook: { kind: 'ramp', band: shown.band.name, ramp: 'viridis' },
    ...(mask && {
      observationMask: mask,
      explain: (chunk: ObservationChunk, pixel: number) => chunk.days.map((_, t) => explainObservation(chunk, t, mask, pixel)),
    }),
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const series = new Map(sources.map((s): [string, Float32Array[]] => [s.name, []]));
      for (let t = 0; t < chunk.days.length; t++) {
        const usable = mask ? usableObservations(chunk, t, mask) : undefined;
        const values: Record<string, Float32Array> = {};
        for (const band of inputs) {
          values[band] = reflectanceFromDn(chunk.bands[band]![t]!, chunk.nodata[band] ?? null, scale[band] ?? 1, offset[band] ?? 0);
        }
        for (const source of sources) {
          const v = source.expression ? source.expression.evaluate(values, pixels) : Float32Array.from(values[source.name]!);
          if (usable) for (let p = 0; p < pixels; p++) if (!usable[p]) v[p] = Number.NaN;
          series.get(source.name)!.push(v);
        }
      }
      const out: Record<string, SampleArray> = {};
      for (const source of sources) {
        const mine = outputs.filter((o) => o.source === source.name);
        const stats = statistics(series.get(source.name)!, pixels, mine, minValid);
        mine.forEach((o, k) => {
          out[o.band.name] = o.statistic === 'count' ? stats[k]! : toOutputType(stats[k]!, o.band, outputScale);
        });
      }
      return out;
    },
  };
}

/** The mask of the config's `mask_band`, read by its class scheme; none without `mask_band`. */
function observationMask(c: ReduceConfig): ObservationMask | undefined {
  if (c.mask_band === undefined) {
    for (const key of ['nodata_classes', 'cloud_classes', 'cloud_filters', 'contiguity_band'] as const) {
      if (c[key] !== undefined) throw refusedKey(NAME, key, 'needs mask_band (the band whose classes it names)');
    }
    return undefined;
  }
  const scheme = classScheme(c.mask_band);
  return {
    maskBand: c.mask_band,
    maskKind: 'enum',
    nodataClasses: scheme.classNames(c.nodata_classes ?? scheme.nodataClasses),
    className: scheme.className,
    cloudParts: enumCloudParts(NAME, c, scheme.classNames, scheme),
    nodataBits: [],
    cloudBits: [],
    cloudFilters: [],
    ...(c.contiguity_band !== undefined && { contiguityBand: c.contiguity_band }),
  };
}

interface ClassScheme {
  classNames: (names: ReadonlyArray<string | number>) => number[];
  className: (code: number) => string | undefined;
  nodataClasses: Array<string | number>;
  cloudClasses: Array<string | number>;
  cloudFilters: MaskFilter[];
}

/** How class names of a mask band are read, with the defaults of the geomedian plugin of that band (gm-s2, gm-ls). */
function classScheme(maskBand: string): ClassScheme {
  if (/^scl$/i.test(maskBand)) {
    return { classNames: sclClasses, className: sclClassName, ...S2_SCL_MASKING };
  }
  if (/fmask/i.test(maskBand)) return { classNames: fmaskClasses, className: fmaskClassName, ...DEA_LS_FMASK_MASKING };
  const codes = (names: ReadonlyArray<string | number>) =>
    names.map((n) => {
      if (typeof n === 'number') return n;
      throw new UserError(`class ${JSON.stringify(n)} of mask band ${maskBand}: only SCL and fmask classes have names; give the integer code`);
    });
  return { classNames: codes, className: () => undefined, nodataClasses: [], cloudClasses: [], cloudFilters: [] };
}

function compileExpressions(c: ReduceConfig, mask: ObservationMask | undefined): Map<string, CompiledExpression> {
  const texts = c.expressions ?? {};
  const names = Object.keys(texts);
  const known = c.inputs && [...c.inputs, ...(mask ? [mask.maskBand] : []), ...(mask?.contiguityBand ? [mask.contiguityBand] : [])];
  const compiled = new Map<string, CompiledExpression>();
  for (const [name, text] of Object.entries(texts)) {
    let expression: CompiledExpression;
    try {
      expression = parseExpression(text, { name, ...(known && { knownBands: known }) });
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      throw expressionIssue(name, `is not a valid expression: ${e.reason} at column ${e.column}${e.hint === undefined ? '' : ` (${e.hint})`}`);
    }
    const other = expression.bands.find((band) => names.includes(band));
    if (other !== undefined) throw expressionIssue(name, `reads ${other}, another expression: an expression reads input bands only`);
    compiled.set(name, expression);
  }
  return compiled;
}

function expressionIssue(name: string, message: string): ConfigError {
  return new ConfigError([{ path: ['expressions', name], message, severity: 'error' }], `plugin_config of ${NAME}`);
}

/** The bands reduced: `bands`, each an expression or an input; by default every expression. */
function reducedSources(c: ReduceConfig, expressions: Map<string, CompiledExpression>): Source[] {
  const names = c.bands ?? [...expressions.keys()];
  if (names.length === 0) throw missingPluginKey(NAME, 'bands', 'the input bands or expressions to reduce, e.g. [ndvi]');
  return names.map((name, i) => {
    if (names.indexOf(name) !== i) throw issue(['bands', i], `names ${name} twice`);
    const expression = expressions.get(name);
    if (expression) return { name, expression };
    if (c.inputs && !c.inputs.includes(name)) {
      throw issue(['bands', i], `${name} is neither an expression nor one of the inputs (${[...expressions.keys(), ...c.inputs].join(', ')})`);
    }
    return { name };
  });
}

/** `inputs` as given, or the bands the reduced sources read; then the mask and contiguity bands. */
function inputBands(c: ReduceConfig, sources: Source[], mask: ObservationMask | undefined): string[] {
  const read = c.inputs ?? sources.flatMap((s) => (s.expression ? s.expression.bands : [s.name]));
  const all = [...read, ...(mask ? [mask.maskBand] : []), ...(mask?.contiguityBand ? [mask.contiguityBand] : [])];
  return [...new Set(all)];
}

/** `scale` or `offset` per data input: one number for all, or a mapping (others get `unset`). */
function perBand(c: ReduceConfig, key: 'scale' | 'offset', bands: string[], unset: number): Record<string, number> {
  const value = c[key];
  if (value === undefined || typeof value === 'number') return Object.fromEntries(bands.map((b) => [b, value ?? unset]));
  for (const band of Object.keys(value)) {
    if (!bands.includes(band)) {
      const near = nearestKey(band, bands);
      throw issue([key, band], `is not an input band${near === undefined ? ` (inputs: ${bands.join(', ')})` : ` (did you mean '${near}'?)`}`);
    }
  }
  return value;
}

function issue(path: Array<string | number>, message: string): ConfigError {
  return new ConfigError([{ path, message, severity: 'error' }], `plugin_config of ${NAME}`);
}

/** `{band}_{reducer}` for each reducer, then `{band}_pc_{p}` for each percentile, renamed by `output_names`. */
function outputBands(c: ReduceConfig, sources: Source[]): Output[] {
  const reducers = c.reducers ?? [];
  const percentiles = c.percentiles ?? [];
  if (reducers.length === 0 && percentiles.length === 0) {
    throw missingPluginKey(NAME, 'reducers', `reducers or percentiles: which statistics to compute (${REDUCERS.join(', ')}; percentiles such as [10, 50, 90])`);
  }
  reducers.forEach((r, i) => {
    if (reducers.indexOf(r) !== i) throw issue(['reducers', i], `names ${r} twice`);
  });
  percentiles.forEach((p, i) => {
    if (percentiles.indexOf(p) !== i) throw issue(['percentiles', i], `names ${p} twice`);
  });
  const dtype = c.output_dtype ?? 'float32';
  const nodata = outputNodata(c, dtype);
  const outputs: Output[] = [];
  for (const source of sources) {
    for (const statistic of reducers) {
      const name = `${source.name}_${statistic}`;
      const band: OutputBand =
        statistic === 'count'
          ? { name, dtype: 'uint16', nodata: 0, overviewResampling: 'nearest' }
          : { name, dtype, nodata, overviewResampling: 'average' };
      outputs.push({ band, source: source.name, statistic });
    }
    for (const p of percentiles) {
      const name = `${source.name}_pc_${String(p).replace('.', '_')}`;
      outputs.push({ band: { name, dtype, nodata, overviewResampling: 'average' }, source: source.name, statistic: { percentile: p } });
    }
  }
  const renames = c.output_names ?? {};
  const names = outputs.map((o) => o.band.name);
  for (const from of Object.keys(renames)) {
    if (!names.includes(from)) {
      const near = nearestKey(from, names);
      throw issue(['output_names', from], `is not an output band${near === undefined ? ` (outputs: ${names.join(', ')})` : ` (did you mean '${near}'?)`}`);
    }
  }
  const renamed = outputs.map((o) => ({ ...o, band: { ...o.band, name: renames[o.band.name] ?? o.band.name } }));
  renamed.forEach((o, i) => {
    if (renamed.findIndex((other) => other.band.name === o.band.name) !== i) throw issue(['output_names'], `gives two outputs one name, ${o.band.name}`);
  });
  return renamed;
}

function outputNodata(c: ReduceConfig, dtype: SampleType): number {
  const range = INTEGER_RANGE[dtype];
  const given = c.output_nodata;
  const nodata = typeof given === 'string' ? Number.NaN : given;
  if (!range) return nodata ?? Number.NaN;
  if (nodata === undefined) return range.nodata;
  if (!Number.isInteger(nodata) || nodata < range.min || nodata > range.max) {
    throw issue(['output_nodata'], `must be a whole number from ${range.min} to ${range.max} for output_dtype ${dtype}, not ${nodata}`);
  }
  return nodata;
}

/**
 * The statistics of one source, in the order of `outputs`: counts as uint16, the others as
 * float64, NaN where fewer than `minValid` observations are valid.
 */
function statistics(series: Float32Array[], pixels: number, outputs: Output[], minValid: number): SampleArray[] {
  const count = new Uint16Array(pixels);
  for (const values of series) for (let p = 0; p < pixels; p++) if (values[p] === values[p]) count[p]!++;
  const wanted = new Set(outputs.map((o) => (typeof o.statistic === 'string' ? o.statistic : 'percentile')));
  const mean = wanted.has('mean') || wanted.has('stddev') ? meanOf(series, count) : undefined;
  const percentiles = outputs.flatMap((o) => (typeof o.statistic === 'string' ? [] : [o.statistic.percentile]));
  const percentileValues = percentiles.map(() => new Float64Array(pixels));
  if (percentiles.length > 0) {
    percentilesOverTime(series, {}, percentiles.map((p) => p / 100), percentileValues, { nodata: Number.NaN, minValid });
  }
  const result = outputs.map((o): SampleArray => {
    if (typeof o.statistic !== 'string') return percentileValues[percentiles.indexOf(o.statistic.percentile)]!;
    switch (o.statistic) {
      case 'count':
        return count;
      case 'mean':
        return mean!;
      case 'stddev':
        return stddevOf(series, count, mean!);
      case 'min':
        return extremeOf(series, pixels, (a, b) => a < b);
      case 'max':
        return extremeOf(series, pixels, (a, b) => a > b);
      case 'median':
        return medianOf(series, pixels);
    }
  });
  result.forEach((values, k) => {
    if (outputs[k]!.statistic === 'count') return;
    for (let p = 0; p < pixels; p++) if (count[p]! < minValid) values[p] = Number.NaN;
  });
  return result;
}

function meanOf(series: Float32Array[], count: Uint16Array): Float64Array {
  const sum = new Float64Array(count.length);
  for (const values of series) {
    for (let p = 0; p < sum.length; p++) {
      const v = values[p]!;
      if (v === v) sum[p]! += v;
    }
  }
  for (let p = 0; p < sum.length; p++) sum[p] = count[p] === 0 ? Number.NaN : sum[p]! / count[p]!;
  return sum;
}

/** The population standard deviation (Earth Engine's stdDev, numpy's std): divided by n, not n − 1. */
function stddevOf(series: Float32Array[], count: Uint16Array, mean: Float64Array): Float64Array {
  const squares = new Float64Array(count.length);
  for (const values of series) {
    for (let p = 0; p < squares.length; p++) {
      const v = values[p]!;
      if (v === v) squares[p]! += (v - mean[p]!) ** 2;
    }
  }
  for (let p = 0; p < squares.length; p++) squares[p] = count[p] === 0 ? Number.NaN : Math.sqrt(squares[p]! / count[p]!);
  return squares;
}

function extremeOf(series: Float32Array[], pixels: number, better: (a: number, b: number) => boolean): Float64Array {
  const out = new Float64Array(pixels).fill(Number.NaN);
  for (const values of series) {
    for (let p = 0; p < pixels; p++) {
      const v = values[p]!;
      const best = out[p]!;
      if (v === v && (best !== best || better(v, best))) out[p] = v;
    }
  }
  return out;
}

/**
 * The median as Earth Engine and numpy.nanmedian have it: the middle valid value, or the mean of
 * the two middle ones for an even count (unlike a percentile here, which is always an element).
 */
function medianOf(series: Float32Array[], pixels: number): Float64Array {
  const out = new Float64Array(pixels);
  const scratch = new Float64Array(series.length);
  for (let p = 0; p < pixels; p++) {
    let n = 0;
    for (const values of series) {
      const v = values[p]!;
      if (v === v) scratch[n++] = v;
    }
    if (n === 0) {
      out[p] = Number.NaN;
      continue;
    }
    const sorted = scratch.subarray(0, n).sort();
    const half = n >> 1;
    out[p] = n % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
  }
  return out;
}

/**
 * Values × output_scale in the band's type: floats as they are, integers rounded (halves away
 * from zero) and clamped to the type's range; nodata where a value is NaN.
 */
function toOutputType(values: SampleArray, band: OutputBand, outputScale: number): SampleArray {
  const out = newSampleArray(band.dtype, values.length);
  const nodata = band.nodata ?? Number.NaN;
  const range = INTEGER_RANGE[band.dtype];
  for (let p = 0; p < values.length; p++) {
    const v = values[p]!;
    if (v !== v) {
      out[p] = nodata;
      continue;
    }
    const scaled = v * outputScale;
    if (!range) {
      out[p] = scaled;
      continue;
    }
    const rounded = scaled < 0 ? -Math.round(-scaled) : Math.round(scaled);
    out[p] = rounded < range.min ? range.min : rounded > range.max ? range.max : rounded;
  }
  return out;
}
