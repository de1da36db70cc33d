/**
 * DEA's urban land-cover plugin (odc-stats `lc_tf_urban.py` StatsUrbanClass, registered
 * `urban_class`): an image model marks each pixel of each image (a day of the task: a year's
 * geomedian) artificial or natural, and the images' marks are voted into classes. The model is
 * DEA's TensorFlow Lite file, run with LiteRT.js, as odc-stats runs it with TensorFlow Lite, or an
 * ONNX model, run with onnxruntime.
 */
import { z } from 'zod';
import { imageModelPath, TFLITE } from '../models/model-path.js';
import { onnxModel } from '../models/onnx-model.js';
import { tfliteModel } from '../models/tflite-model.js';
import { UserError } from '../../shared/errors.js';
import type { SampleArray } from '../raster.js';
import { classByVotes, NO_PREDICTION } from './lc-ml-votes.js';
import type { ObservationChunk, StatsPlugin } from './plugin.js';
import { BASE_PLUGIN_KEYS, checkBasePluginKeys, missingPluginKey, parsePluginConfig, refusedKey } from './plugin-config.js';

const NAME = 'urban_class';
/** odc-stats' nodata of a band whose files carry none (`attrs.get("nodata", -999)`). */
const DEFAULT_NODATA = -999;
const DEFAULT_CROP = 256;
/** A pixel whose model answer is above this is artificial. */
const ARTIFICIAL_ABOVE = 0.5;

const urbanSchema = z
  .object({
    ...BASE_PLUGIN_KEYS,
    input_bands: z.array(z.string()).min(1).nullable(),
    model_path: z.string(),
    output_classes: z.record(z.string(), z.number().int().min(0).max(255)),
    crop_size: z.tuple([z.number().int().positive(), z.number().int().positive()]).nullable(),
    measurements: z.array(z.string()).length(1).nullable(),
    resampling: z.enum(['nearest', 'bilinear', 'average']),
  })
  .partial();

/**
 * odc-stats `urban_class`. Each image's missing values (at or below the band's nodata) are taken
 * from the other images in turn, band by band; the model sees crops of `crop_size` from the
 * chunk's corner (the tile's, where chunks are cut at multiples of it), the last ones padded by
 * repeating their edge, missing values as 0, each pixel's bands divided by their Euclidean norm.
 * An answer above 0.5 marks artificial; a pixel whose first band is missing has no mark.
 * Artificial where any image marks it, natural where the others do not, 255 elsewhere.
 */
export function urbanClassPlugin(config: Record<string, unknown>): StatsPlugin {
  const c = parsePluginConfig(NAME, urbanSchema, config);
  checkBasePluginKeys(NAME, c);
  if (c.output_classes === undefined) throw missingPluginKey(NAME, 'output_classes', 'the class codes, as {artificial: 215, natural: 216}');
  const missingClass = ['artificial', 'natural'].find((k) => c.output_classes![k] === undefined);
  if (missingClass !== undefined) throw refusedKey(NAME, 'output_classes', `has no '${missingClass}' class, which the plugin writes`);
  const classes = { voted: c.output_classes['artificial']!, other: c.output_classes['natural']! };
  if (c.model_path === undefined) throw missingPluginKey(NAME, 'model_path', 'the TensorFlow Lite or ONNX model');
  const modelFile = imageModelPath(NAME, c.model_path);
  const loadModel = TFLITE.test(modelFile) ? tfliteModel : onnxModel;
  const bands = c.input_bands;
  if (!bands) throw missingPluginKey(NAME, 'input_bands', "the bands the model reads, in its order");
  const [crop, cropWidth] = c.crop_size ?? [DEFAULT_CROP, DEFAULT_CROP];
  // odc-stats cuts square blocks of the first side and pads them to both.
  if (crop !== cropWidth) throw refusedKey(NAME, 'crop_size', `must be square: odc-stats cuts crops of its first side (${crop})`);
  const output = c.measurements?.[0] ?? 'urban_classes';
  const resampling = c.resampling ?? 'bilinear';

  return {
    name: NAME,
    inputs: bands.map((band) => ({ name: band, resampling })),
    measurements: [{ name: output, dtype: 'uint8', nodata: NO_PREDICTION, overviewResampling: 'mode' }],
    quicklook: { kind: 'ramp', band: output, ramp: 'viridis' },
    async predict(chunk: ObservationChunk): Promise<Float32Array[]> {
      const model = await loadModel(modelFile);
      const [, height, width, depth] = model.inputShape;
      const fixed = (d: number | string | undefined, size: number) => typeof d !== 'number' || d < 0 || d === size;
      if (model.inputShape.length !== 4 || !fixed(height, crop) || !fixed(width, crop) || !fixed(depth, bands.length)) {
        throw new UserError(`${NAME}: model ${modelFile} takes [${model.inputShape.join(', ')}]; the plugin gives it [1, ${crop}, ${crop}, ${bands.length}] (crop_size and input_bands)`);
      }
      const images = chunk.days.map((_, day) => filledImage(chunk, bands, day));
      const predictions: Float32Array[] = [];
      for (const image of images) predictions.push(await markImage(image, chunk.geobox.width, chunk.geobox.height, bands.length, crop, (input) => model.run(input, [1, crop, crop, bands.length])));
      return predictions;
    },
    reduce(chunk: ObservationChunk): Record<string, SampleArray> {
      if (!chunk.predictions) throw new Error(`${NAME} reduces a chunk with its predictions (reduceChunk)`);
      const pixels = chunk.geobox.width * chunk.geobox.height;
      return { [output]: classByVotes(chunk.predictions, pixels, (mark) => mark, classes) };
    },
  };
}

/**
 * The day's image, pixel-interleaved (bands last) in float32: each value at or below its band's
 * nodata taken from the other days in order (the first above it), NaN where none is.
 */
function filledImage(chunk: ObservationChunk, bands: readonly string[], day: number): Float32Array {
  const pixels = chunk.geobox.width * chunk.geobox.height;
  const others = chunk.days.map((_, d) => d).filter((d) => d !== day);
  const image = new Float32Array(pixels * bands.length);
  bands.forEach((band, b) => {
    const nodata = chunk.nodata[band] ?? DEFAULT_NODATA;
    const days = chunk.bands[band]!;
    const own = days[day]!;
    for (let p = 0; p < pixels; p++) {
      let v = own[p]!;
      for (let k = 0; k < others.length && v <= nodata; k++) v = days[others[k]!]![p]!;
      image[p * bands.length + b] = v <= nodata ? Number.NaN : v;
    }
  });
  return image;
}

/** The image's marks (1 artificial, 0 natural, 255 where its first band is NaN), crop by crop. */
async function markImage(
  image: Float32Array,
  width: number,
  height: number,
  depth: number,
  crop: number,
  run: (input: Float32Array) => Promise<{ data: Float32Array }>,
): Promise<Float32Array> {
  const marks = new Float32Array(width * height).fill(NO_PREDICTION);
  const input = new Float32Array(crop * crop * depth);
  for (let row0 = 0; row0 < height; row0 += crop) {
    for (let col0 = 0; col0 < width; col0 += crop) {
      const rows = Math.min(crop, height - row0);
      const cols = Math.min(crop, width - col0);
      for (let r = 0; r < crop; r++) {
        for (let c = 0; c < crop; c++) {
          // Padding repeats the crop's last row and column.
          const from = ((row0 + Math.min(r, rows - 1)) * width + col0 + Math.min(c, cols - 1)) * depth;
          const to = (r * crop + c) * depth;
          let sumOfSquares = 0;
          for (let b = 0; b < depth; b++) {
            const v = image[from + b]!;
            const known = Number.isNaN(v) ? 0 : v;
            input[to + b] = known;
            sumOfSquares += known * known;
          }
          const scale = Math.max(Math.fround(Math.sqrt(sumOfSquares)), 1e-8);
          for (let b = 0; b < depth; b++) input[to + b] = input[to + b]! / scale;
        }
      }
      const answer = (await run(input)).data;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const p = (row0 + r) * width + col0 + c;
          if (Number.isNaN(image[p * depth]!)) continue;
          marks[p] = answer[r * crop + c]! > ARTIFICIAL_ABOVE ? 1 : 0;
        }
      }
    }
  }
  return marks;
}
