import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import { pixelSigmoidModel } from '../../main/test-support/onnx-test-models.js';
import { pixelSigmoidTflite } from '../models/test-support/tflite-test-models.js';
import { urbanClassPlugin } from './lc-ml-urban-plugin.js';
import { reduceChunk, type ObservationChunk } from './plugin.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lc-ml-urban-'));
const BANDS = ['nbart_blue', 'nbart_green', 'nbart_red', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2'];
const MISSING = -999;
/** sigmoid(10 × (swir_1 − nir)) of the normalised bands: above 0.5 (artificial) where SWIR 1 is brighter than NIR. */
const WEIGHTS = [0, 0, 0, -10, 10, 0];

const modelFile = (name: string, bytes: Uint8Array) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
};
/** Each kind of model: one for crops of 256, the default (the ONNX one of free size), one for crops of 2. */
const MODELS = {
  ONNX: { crop256: modelFile('urban-free.onnx', pixelSigmoidModel(WEIGHTS, 0)), crop2: modelFile('urban-2x2.onnx', pixelSigmoidModel(WEIGHTS, 0, [2, 2])) },
  'TensorFlow Lite': {
    crop256: modelFile('urban-256.tflite', pixelSigmoidTflite(WEIGHTS, 0, [256, 256])),
    crop2: modelFile('urban-2x2.tflite', pixelSigmoidTflite(WEIGHTS, 0, [2, 2])),
  },
};
const freeModel = MODELS.ONNX.crop256;

/** DEA's urban config (ga_ls_landcover_artificial_surface_cyear_3), its model replaced. */
const config = (model: string, crop?: [number, number]) => ({
  input_bands: BANDS,
  model_path: model,
  output_classes: { artificial: 215, natural: 216 },
  measurements: ['artificial_surface'],
  ...(crop && { crop_size: crop }),
});

interface UrbanPixel {
  blue?: number;
  nir?: number;
  swir1?: number;
}

/** Images a day, `width` pixels a row; bands other than blue, nir and swir_1 at 500. */
function urbanChunk(width: number, days: UrbanPixel[][]): ObservationChunk {
  const get: Record<string, (p: UrbanPixel) => number> = {
    nbart_blue: (p) => p.blue ?? 500,
    nbart_nir: (p) => p.nir ?? 1000,
    nbart_swir_1: (p) => p.swir1 ?? 1000,
  };
  const geobox: GeoBox = { crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0], width, height: days[0]!.length / width };
  return {
    geobox,
    days: days.map((_, d) => `20${10 + d}-01-01`),
    bands: Object.fromEntries(BANDS.map((b) => [b, days.map((pixels) => Int16Array.from(pixels.map(get[b] ?? (() => 500))))])),
    nodata: Object.fromEntries(BANDS.map((b) => [b, MISSING])),
  };
}

const classes = async (model: string, chunk: ObservationChunk, crop?: [number, number]) => Array.from((await reduceChunk(urbanClassPlugin(config(model, crop)), chunk))['artificial_surface']!);

describe.each(Object.entries(MODELS))('urban_class (%s model)', (_, { crop256, crop2 }) => {
  it('marks pixels artificial where the model answers above 0.5; a missing first band is nodata', async () => {
    const chunk = urbanChunk(5, [
      [
        { swir1: 1500 }, // brighter SWIR 1: artificial
        { nir: 1500 }, // brighter NIR: natural
        { nir: 900, swir1: 950 }, // SWIR 1 brighter by a little: artificial
        { blue: MISSING }, // no first band: nodata
        { swir1: MISSING }, // SWIR 1 as 0: natural
      ],
    ]);
    expect(await classes(crop256, chunk)).toEqual([215, 216, 215, 255, 216]);
  });

  it('feeds a model of fixed size crops of crop_size, the last padded with their edge', async () => {
    // 3 × 3 pixels in 2 × 2 crops: the right column and bottom row are crops padded to 2 × 2.
    const pixels: UrbanPixel[] = [{ swir1: 1500 }, { nir: 1500 }, { swir1: 1500 }, { nir: 1500 }, { swir1: 1500 }, { nir: 1500 }, { swir1: 1500 }, { swir1: 1500 }, { nir: 1500 }];
    const expected = pixels.map((p) => (p.swir1 ? 215 : 216));
    expect(await classes(crop2, urbanChunk(3, [pixels]), [2, 2])).toEqual(expected);
    await expect(classes(crop2, urbanChunk(3, [pixels]))).rejects.toThrow(/takes \[1, 2, 2, 6\]; the plugin gives it \[1, 256, 256, 6\]/);
  });

  it("fills an image's missing values from the other images, then is artificial where any image says so", async () => {
    const chunk = urbanChunk(4, [
      // Pixel 0's blue comes from the second image, so the first has a mark (artificial).
      [{ blue: MISSING, swir1: 1500 }, { nir: 1500 }, { swir1: 1500 }, { blue: MISSING }],
      [{ nir: 1500 }, { nir: 1500 }, { nir: 1500 }, { blue: MISSING }],
    ]);
    expect(await classes(crop256, chunk)).toEqual([215, 216, 215, 255]);
  });
});

describe('urban_class', () => {
  it('refuses a model that is not there or of another kind, and a crop that is not square', () => {
    expect(() => urbanClassPlugin(config('urban_model_tf_2_16_2.tflite'))).toThrow(
      "plugin_config of urban_class: key 'model_path' names urban_model_tf_2_16_2.tflite, which is not found",
    );
    expect(() => urbanClassPlugin(config('woody_treelite.so'))).toThrow(/woody_treelite\.so, a compiled treelite model, which this plugin cannot run: it runs an image model/);
    expect(() => urbanClassPlugin(config('urban.h5'))).toThrow(/urban\.h5, which is not an ONNX \(\.onnx\) or TensorFlow Lite \(\.tflite\) model/);
    expect(() => urbanClassPlugin(config(freeModel, [256, 128]))).toThrow(/crop_size' must be square/);
    expect(() => urbanClassPlugin({ ...config(freeModel), input_bands: undefined })).toThrow(/input_bands' is required/);
  });
});
