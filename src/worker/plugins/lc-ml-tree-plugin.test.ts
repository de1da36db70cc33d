import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GeoBox } from '../../shared/geobox.js';
import { treeClassifierModel, treeRegressorModel } from '../../main/test-support/onnx-test-models.js';
import { compileTreeliteModel, HAS_GCC } from '../models/test-support/treelite-test-models.js';
import { cultivatedClassPlugin, woodyCoverPlugin } from './lc-ml-tree-plugin.js';
import { reduceChunk, type ObservationChunk } from './plugin.js';
import { loadPlugin } from './registry.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lc-ml-tree-'));
const strip = (width: number): GeoBox => ({ crs: 'EPSG:3577', affine: [30, 0, 0, 0, -30, 0], width, height: 1 });
const modelFile = (name: string, bytes: Uint8Array) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

const VEGETATED = 110;
const MISSING = -999;

/** DEA's woody config (ga_ls_landcover_woody_cyear_3), its model replaced. */
const WOODY_BANDS = ['nbart_swir_2', 'nbart_blue', 'nbart_green', 'nbart_red', 'nbart_nir', 'nbart_swir_1'];
// Cover (%) = (nir ≤ 2500 ? 10 : 60) + (swir_2 ≤ 1000 ? 15 : 0); nir is feature 4, swir_2 feature 0.
const woodyModel = modelFile(
  'woody.onnx',
  treeRegressorModel(6, [
    { feature: 4, threshold: 2500, yes: { leaf: 10 }, no: { leaf: 60 } },
    { feature: 0, threshold: 1000, yes: { leaf: 15 }, no: { leaf: 0 } },
  ]),
);
const woodyConfig = (model = woodyModel) => ({
  input_bands: [...WOODY_BANDS, 'level_3_4'],
  mask_bands: { level_3_4: VEGETATED },
  model_path: model,
  output_classes: { woody: 113, herbaceous: 114 },
  measurements: ['woody'],
});

interface WoodyPixel {
  nir?: number;
  swir2?: number;
  l34?: number;
}

/** One image a day; bands other than nir and swir_2 at 500. */
function woodyChunk(days: WoodyPixel[][]): ObservationChunk {
  const band = (get: (p: WoodyPixel) => number) => days.map((pixels) => Int16Array.from(pixels.map(get)));
  return {
    geobox: strip(days[0]!.length),
    days: days.map((_, d) => `20${10 + d}-01-01`),
    bands: {
      nbart_swir_2: band((p) => p.swir2 ?? 900),
      nbart_blue: band(() => 500),
      nbart_green: band(() => 500),
      nbart_red: band(() => 500),
      nbart_nir: band((p) => p.nir ?? 2000),
      nbart_swir_1: band(() => 500),
      level_3_4: days.map((pixels) => Uint8Array.from(pixels.map((p) => p.l34 ?? VEGETATED))),
    },
    nodata: { ...Object.fromEntries(WOODY_BANDS.map((b) => [b, MISSING])), level_3_4: 255 },
  };
}

describe('woody_cover', () => {
  it('classes each vegetated pixel by its predicted cover: up to 20 % herbaceous, above woody', async () => {
    const plugin = woodyCoverPlugin(woodyConfig());
    expect(plugin.measurements).toEqual([{ name: 'woody', dtype: 'uint8', nodata: 255, overviewResampling: 'mode' }]);
    const chunk = woodyChunk([
      [
        { nir: 2000, swir2: 900 }, // 10 + 15 = 25: woody
        { nir: 2000, swir2: 1100 }, // 10: herbaceous
        { nir: 2000, swir2: 1000 }, // 10 + 15 = 25 (≤ threshold goes left): woody
        { nir: 3000, swir2: 1100 }, // 60: woody
        { l34: 124 }, // not vegetated: nodata
        { swir2: MISSING }, // the first feature missing: nodata
        { nir: MISSING, swir2: 1100 }, // nir missing goes to the no branch: 60, woody
      ],
    ]);
    expect(Array.from((await reduceChunk(plugin, chunk))['woody']!)).toEqual([113, 114, 113, 113, 255, 255, 113]);
  });

  it('is herbaceous where any image says so, woody where all the images with a prediction do', async () => {
    const plugin = woodyCoverPlugin(woodyConfig());
    const chunk = woodyChunk([
      [{ nir: 3000 }, { nir: 3000 }, { l34: 0 }, { l34: 0 }],
      [{ swir2: 1100 }, { nir: 3000 }, { nir: 3000 }, { l34: 0 }],
    ]);
    // Pixel 0: woody (75) and herbaceous (10); 1: woody twice; 2: masked, then woody; 3: masked twice.
    expect(Array.from((await reduceChunk(plugin, chunk))['woody']!)).toEqual([114, 113, 113, 255]);
  });

  it('refuses a missing or TensorFlow Lite model, a mask band that is not the last input band, and a model of other features', async () => {
    expect(() => woodyCoverPlugin(woodyConfig('woody_treelite.so'))).toThrow(
      "plugin_config of woody_cover: key 'model_path' names woody_treelite.so, which is not found",
    );
    expect(() => woodyCoverPlugin(woodyConfig('woody.tflite'))).toThrow(/woody\.tflite, a TensorFlow Lite model, which this plugin cannot run/);
    expect(() => woodyCoverPlugin(woodyConfig(path.join(dir, 'absent.onnx')))).toThrow(/absent\.onnx, which is not found/);
    expect(() => woodyCoverPlugin(woodyConfig('s3://models/woody.onnx'))).toThrow(/woody\.onnx, which is not a local file/);
    expect(() => woodyCoverPlugin(woodyConfig('woody.json'))).toThrow(/woody\.json, which is not an ONNX model \(\.onnx\)/);
    expect(() => woodyCoverPlugin({ ...woodyConfig(), mask_bands: { nbart_red: 1 } })).toThrow(/must name one band, the last of input_bands \(level_3_4\)/);
    expect(() => woodyCoverPlugin({ ...woodyConfig(), output_classes: { woody: 113 } })).toThrow(/no 'herbaceous' class/);
    const fewer = woodyCoverPlugin({ ...woodyConfig(), input_bands: [...WOODY_BANDS.slice(1), 'level_3_4'] });
    await expect(reduceChunk(fewer, woodyChunk([[{}]]))).rejects.toThrow(/takes 6 features a pixel; the plugin gives it 5/);
  });
});

/** DEA's cultivated config (ga_ls_landcover_cultivated_cyear_3), its model replaced. */
const CULTIVATED_BANDS = ['nbart_blue', 'nbart_green', 'nbart_red', 'nbart_nir', 'nbart_swir_1', 'nbart_swir_2', 'sdev', 'edev', 'bcdev', 'level_3_4'];
// Class weights [cultivated, natural] summed over three trees, on features 7 (MNDWI), 9 (BSI)
// and 5 (edev ÷ 10 000).
const cultivatedModel = modelFile(
  'cultivated.onnx',
  treeClassifierModel(15, [
    { feature: 7, threshold: 0.1, yes: { leaf: [0.2, 0.8] }, no: { leaf: [0.9, 0.1] } },
    { feature: 9, threshold: -0.1, yes: { leaf: [0.7, 0] }, no: { leaf: [0, 0.2] } },
    { feature: 5, threshold: 0.05, yes: { leaf: [0, 0] }, no: { leaf: [0, 2] } },
  ]),
);

interface CultivatedPixel {
  blue?: number;
  green?: number;
  red?: number;
  edev?: number;
  l34?: number;
}

function cultivatedChunk(pixels: CultivatedPixel[]): ObservationChunk {
  const get: Record<string, (p: CultivatedPixel) => number> = {
    nbart_blue: (p) => p.blue ?? 100,
    nbart_green: (p) => p.green ?? 100,
    nbart_red: (p) => p.red ?? 100,
    edev: (p) => p.edev ?? 400,
  };
  const bands = Object.fromEntries(
    CULTIVATED_BANDS.map((b) => {
      if (b === 'level_3_4') return [b, [Uint8Array.from(pixels.map((p) => p.l34 ?? VEGETATED))]];
      const value = get[b] ?? (() => (b.startsWith('nbart') ? 100 : 0.01));
      return [b, [(b.startsWith('nbart') ? Int16Array : Float32Array).from(pixels.map(value))]];
    }),
  );
  const nodata = Object.fromEntries(CULTIVATED_BANDS.map((b) => [b, b === 'level_3_4' ? 255 : b.startsWith('nbart') ? MISSING : Number.NaN]));
  return { geobox: strip(pixels.length), days: ['2020-01-01'], bands, nodata };
}

describe('cultivated_class', () => {
  it('classes each vegetated pixel by the likelier class of the model on its features (class 0 cultivated)', async () => {
    const plugin = await loadPlugin('odc.stats.plugins.lc_treelite_cultivated.StatsCultivatedClass', {
      input_bands: CULTIVATED_BANDS,
      mask_bands: { level_3_4: VEGETATED },
      model_path: cultivatedModel,
      output_classes: { cultivated: 111, natural: 112 },
      chunks: { x: 400, y: 400 },
    });
    expect(plugin.productDefaults).toMatchObject({ name: 'ga_ls_cultivated', version: '0.0.1', productFamily: 'lccs' });
    const chunk = cultivatedChunk([
      // blue 200, the rest 100: MNDWI 0, BSI −0.2, edev 0.04: [0.2 + 0.7, 0.8] → cultivated.
      { blue: 200 },
      // The same with edev 600 (0.06): [0.9, 0.8 + 2] → natural.
      { blue: 200, edev: 600 },
      // green 200: MNDWI 1/3, BSI 0: [0.9, 0.1 + 0.2] → cultivated.
      { green: 200 },
      // All 100: MNDWI 0, BSI 0: [0.2, 1.0] → natural.
      {},
      { blue: 200, l34: 215 },
      { red: MISSING },
    ]);
    expect(Array.from((await reduceChunk(plugin, chunk))['cultivated_class']!)).toEqual([111, 112, 111, 112, 255, 255]);
  });

  it('refuses a config without the bands its features are made of', () => {
    expect(() =>
      cultivatedClassPlugin({
        input_bands: CULTIVATED_BANDS.filter((b) => b !== 'edev'),
        mask_bands: { level_3_4: VEGETATED },
        model_path: cultivatedModel,
        output_classes: { cultivated: 111, natural: 112 },
      }),
    ).toThrow(/must include edev/);
  });
});

describe.skipIf(!HAS_GCC)("DEA's models as compiled treelite libraries (built with gcc)", () => {
  it('classes woody cover by the library as by the same trees in ONNX', async () => {
    const plugin = woodyCoverPlugin(woodyConfig(compileTreeliteModel('woody-treelite', dir)));
    const chunk = woodyChunk([
      [{ nir: 3000 }, { nir: 3000 }, { l34: 0 }, { l34: 0 }, { nir: 2000, swir2: 1100 }, { swir2: MISSING }, { nir: MISSING, swir2: 1100 }],
      [{ swir2: 1100 }, { nir: 3000 }, { nir: 3000 }, { l34: 0 }, { nir: 2000, swir2: 1000 }, {}, {}],
    ]);
    // Pixel 0: 75 then 10; 1: 75 twice; 2: masked, then 75; 3: masked twice; 4: 10 then 25;
    // 5: no first feature, then 25; 6: nir missing goes right, 60, then 25.
    expect(Array.from((await reduceChunk(plugin, chunk))['woody']!)).toEqual([114, 113, 113, 255, 114, 113, 113]);
  });

  it('classes cultivated land by the likelier class the library answers (class 0 cultivated)', async () => {
    const plugin = cultivatedClassPlugin({
      input_bands: CULTIVATED_BANDS,
      mask_bands: { level_3_4: VEGETATED },
      model_path: compileTreeliteModel('cultivated-treelite', dir),
      output_classes: { cultivated: 111, natural: 112 },
    });
    // The pixels of the ONNX test above: the library holds the same trees, averaged.
    const chunk = cultivatedChunk([{ blue: 200 }, { blue: 200, edev: 600 }, { green: 200 }, {}, { blue: 200, l34: 215 }, { red: MISSING }]);
    expect(Array.from((await reduceChunk(plugin, chunk))['cultivated_class']!)).toEqual([111, 112, 111, 112, 255, 255]);
  });

  it('refuses a library of other features', async () => {
    const plugin = woodyCoverPlugin({ ...woodyConfig(compileTreeliteModel('woody-treelite', dir)), input_bands: [...WOODY_BANDS.slice(1), 'level_3_4'] });
    await expect(reduceChunk(plugin, woodyChunk([[{}]]))).rejects.toThrow(/woody-treelite\.so takes 6 features a pixel; the plugin gives it 5/);
  });
});
