/**
 * DEA's tree-model land-cover plugins (odc-stats `lc_ml_treelite.py` StatsMLTree, with
 * `lc_treelite_cultivated.py` StatsCultivatedClass and `lc_treelite_woody.py` StatsWoodyCover):
 * a model predicts, for each vegetated pixel of each image (a day of the task: a year's
 * geomedian), whether it is cultivated or how woody it is, and the images' predictions are voted
 * into classes. The model is DEA's own, a compiled treelite library (`.so`) run as odc-stats
 * runs it, or ONNX (a TreeEnsembleClassifier or TreeEnsembleRegressor as onnxmltools or skl2onnx
 * write them) run with onnxruntime.
 */
import { z } from 'zod';
import { CULTIVATED_BANDS, CULTIVATED_FEATURE_COUNT, cultivatedFeatures } from '../models/cultivated-features.js';
import { COMPILED_TREELITE, treeModelPath } from '../models/model-path.js';
import { onnxModel } from '../models/onnx-model.js';
import { treeliteModel } from '../models/treelite-model.js';
import { UserError } from '../../shared/errors.js';
import type { SampleArray } from '../raster.js';
import { classByVotes, NO_PREDICTION } from './lc-ml-votes.js';
import type { ObservationChunk, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, missingPluginKey, parsePluginConfig, refusedKey } from './plugin-config.js';

/** odc-stats' nodata of a band whose files carry none (`attrs.get("nodata", -999)`). */
const DEFAULT_NODATA = -999;
/** A woody cover prediction (%) up to this is herbaceous. */
const HERBACEOUS_COVER = 20;

const treeSchema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    input_bands: z.array(z.string()).min(2).nullable(),
    mask_bands: z.record(z.string(), z.number().int()).nullable(),
    model_path: z.string(),
    output_classes: z.record(z.string(), z.number().int().min(0).max(255)),
    measurements: z.array(z.string()).length(1).nullable(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
  })
  .partial();

interface TreeKind {
  name: string;
  /** odc-stats' name of the output band. */
  output: string;
  /** The output classes the plugin needs: the voted one first. */
  classes: [voted: string, other: string];
  /** The model's features of a pixel, written at `out[at…]`, from the pixel's feature band values in input_bands' order. */
  features?: { count: number; bands: readonly string[]; write: (values: ArrayLike<number>, out: Float32Array, at: number) => void };
  /** The prediction of a pixel from the model's answer for it. */
  predictionOf: 'class' | 'value';
  vote: (prediction: number) => number;
}

/** Rounded to 6 decimals in float32 as numpy rounds (halves to even): odc-stats rounds model answers so. */
function round6(x: number): number {
  const scaled = Math.fround(x * 1e6);
  let r = Math.round(scaled);
  if (r - scaled === 0.5 && r % 2 !== 0) r -= 1;
  return Math.fround(r / 1e6);
}

function treePlugin(kind: TreeKind, config: Record<string, unknown>): StatsPlugin {
  const { name } = kind;
  const c = parsePluginConfig(name, treeSchema, config);
  checkBasePluginKeys(name, c);
  const classesHint = `the class codes, as {${kind.classes.join(': …, ')}: …}`;
  if (c.output_classes === undefined) throw missingPluginKey(name, 'output_classes', classesHint);
  const missingClass = kind.classes.find((k) => c.output_classes![k] === undefined);
  if (missingClass !== undefined) throw refusedKey(name, 'output_classes', `has no '${missingClass}' class, which the plugin writes`);
  const [voted, other] = kind.classes.map((k) => c.output_classes![k]!) as [number, number];
  if (c.model_path === undefined) throw missingPluginKey(name, 'model_path', 'the compiled treelite or ONNX model');
  const modelFile = treeModelPath(name, c.model_path);
  const loadModel = COMPILED_TREELITE.test(modelFile) ? treeliteModel : onnxModel;
  if (!c.input_bands) throw missingPluginKey(name, 'input_bands', "the model's feature bands, then the mask band");
  if (!c.mask_bands) throw missingPluginKey(name, 'mask_bands', 'the mask band and the value of the pixels to class, as {level_3_4: 110}');
  const maskEntries = Object.entries(c.mask_bands);
  const maskBand = c.input_bands[c.input_bands.length - 1]!;
  if (maskEntries.length !== 1 || maskEntries[0]![0] !== maskBand) {
    throw refusedKey(name, 'mask_bands', `must name one band, the last of input_bands (${maskBand}), which odc-stats reads as the mask`);
  }
  const maskValue = maskEntries[0]![1];
  const featureBands = c.input_bands.slice(0, -1);
  const missingBand = kind.features?.bands.find((b) => !featureBands.includes(b));
  if (missingBand !== undefined) throw refusedKey(name, 'input_bands', `must include ${missingBand}: the model's features are made of it`);
  const featureCount = kind.features?.count ?? featureBands.length;
  // The bands' values of a pixel in the order the feature maker reads them.
  const valueBands = kind.features ? [...kind.features.bands] : featureBands;
  const output = c.measurements?.[0] ?? kind.output;
  const resampling = c.resampling ?? 'bilinear';

  return {
    name,
    inputs: [...featureBands.map((band) => ({ name: band, resampling })), { name: maskBand, resampling: 'nearest' as const }],
    measurements: [{ name: output, dtype: 'uint8', nodata: NO_PREDICTION, overviewResampling: 'mode' }],
    quicklook: { kind: 'ramp', band: output, ramp: 'viridis' },
    async predict(chunk: ObservationChunk): Promise<Float32Array[]> {
      const model = await loadModel(modelFile);
      const declared = model.inputShape[1];
      if (typeof declared === 'number' && declared >= 0 && declared !== featureCount) {
        throw new UserError(`${name}: model ${modelFile} takes ${declared} features a pixel; the plugin gives it ${featureCount}`);
      }
      const pixels = chunk.geobox.width * chunk.geobox.height;
      const predictions: Float32Array[] = [];
      for (let day = 0; day < chunk.days.length; day++) {
        const bands = valueBands.map((b) => chunk.bands[b]![day]!);
        const nodata = valueBands.map((b) => chunk.nodata[b] ?? DEFAULT_NODATA);
        const mask = chunk.bands[maskBand]![day]!;
        const values = new Float64Array(valueBands.length);
        const rows = new Float32Array(pixels * featureCount);
        const used: number[] = [];
        for (let p = 0; p < pixels; p++) {
          if (mask[p] !== maskValue) continue;
          const at = used.length * featureCount;
          for (let k = 0; k < bands.length; k++) {
            const v = bands[k]![p]!;
            values[k] = v <= nodata[k]! ? Number.NaN : v;
          }
          if (kind.features) kind.features.write(values, rows, at);
          else rows.set(values, at);
          // odc-stats predicts where the first feature is known (and the mask holds).
          if (!Number.isNaN(rows[at]!)) used.push(p);
        }
        const prediction = new Float32Array(pixels).fill(NO_PREDICTION);
        predictions.push(prediction);
        if (used.length === 0) continue;
        const answer = await model.run(rows.slice(0, used.length * featureCount), [used.length, featureCount]);
        const perPixel = answer.data.length / used.length;
        if (kind.predictionOf === 'class' && perPixel !== 2) {
          throw new UserError(`${name}: model ${modelFile} must answer with the probabilities of 2 classes a pixel (cultivated, natural); it answers with ${perPixel} values`);
        }
        if (kind.predictionOf === 'value' && perPixel !== 1) {
          throw new UserError(`${name}: model ${modelFile} must answer with one value a pixel; it answers with ${perPixel}`);
        }
        used.forEach((p, i) => {
          if (kind.predictionOf === 'value') prediction[p] = round6(answer.data[i]!);
          else prediction[p] = round6(answer.data[2 * i + 1]!) > round6(answer.data[2 * i]!) ? 1 : 0;
        });
      }
      return predictions;
    },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      if (!chunk.predictions) throw new Error(`${name} reduces a chunk with its predictions (reduceChunk)`);
      const pixels = chunk.geobox.width * chunk.geobox.height;
      return { [output]: classByVotes(chunk.predictions, pixels, kind.vote, { voted, other }) };
    },
  };
}

/**
 * odc-stats `cultivated_class`: where the mask band has its value, the model's class of each
 * image (the likelier of two, the first on a tie: class 0 is cultivated, 1 natural); cultivated
 * where any image says so, natural where the others do, 255 elsewhere.
 */
export function cultivatedClassPlugin(config: Record<string, unknown>): StatsPlugin {
  return treePlugin(
    {
      name: 'cultivated_class',
      output: 'cultivated_class',
      classes: ['cultivated', 'natural'],
      features: { count: CULTIVATED_FEATURE_COUNT, bands: CULTIVATED_BANDS, write: cultivatedFeatures },
      predictionOf: 'class',
      // odc-stats votes 1 − class: class 0 is the cultivated vote.
      vote: (prediction) => (prediction < NO_PREDICTION ? 1 - prediction : prediction),
    },
    config,
  );
}

/**
 * odc-stats `woody_cover`: where the mask band has its value, the model's woody cover (%) of each
 * image; herbaceous where any image predicts up to 20, woody where all others predict more, 255
 * elsewhere. The model reads the feature bands as they are, in input_bands' order.
 */
export function woodyCoverPlugin(config: Record<string, unknown>): StatsPlugin {
  return treePlugin(
    {
      name: 'woody_cover',
      output: 'woody_cover',
      classes: ['herbaceous', 'woody'],
      predictionOf: 'value',
      vote: (cover) => (cover <= HERBACEOUS_COVER ? 1 : cover < NO_PREDICTION ? 0 : cover),
    },
    config,
  );
}
