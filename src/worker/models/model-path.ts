/**
 * A model plugin's `model_path`: a local file (or `file://` URI), named relative to where the run
 * starts, as odc-stats reads it. The tree plugins run an ONNX model or a compiled treelite
 * library, as DEA's configs name; the urban plugin an ONNX or TensorFlow Lite model, DEA's
 * `.tflite` as it is. LiteRT fixes a model's input sizes, so the tree plugins, whose batches of
 * pixels vary in size, refuse TensorFlow Lite.
 */
import { existsSync } from 'node:fs';
import { localPath } from '../../io/local-path.js';
import { refusedKey } from '../plugins/plugin-config.js';

const CONVERT = 'convert the model to ONNX (docs/plugins.md, "Converting DEA\'s models")';

const ONNX = /\.onnx$/i;
/** A compiled treelite model's file name, by its platform's shared-library extension. */
export const COMPILED_TREELITE = /\.(so|dylib|dll)$/i;

/** A TensorFlow Lite model's file name. */
export const TFLITE = /\.tflite$/i;

/** The absolute path of the ONNX or TensorFlow Lite image model `model_path` names; a model of another kind, or a missing file, refused. */
export function imageModelPath(plugin: string, modelPath: string): string {
  if (COMPILED_TREELITE.test(modelPath)) {
    throw refusedModel(plugin, modelPath, 'a compiled treelite model, which this plugin cannot run: it runs an image model, ONNX (.onnx) or TensorFlow Lite (.tflite)');
  }
  if (!TFLITE.test(modelPath) && !ONNX.test(modelPath)) {
    throw refusedModel(plugin, modelPath, 'which is not an ONNX (.onnx) or TensorFlow Lite (.tflite) model, the kinds this plugin runs');
  }
  return localModelFile(plugin, modelPath);
}

/** The absolute path of the ONNX or compiled treelite model `model_path` names; a model of another kind, or a missing file, refused. */
export function treeModelPath(plugin: string, modelPath: string): string {
  if (TFLITE.test(modelPath)) throw refusedModel(plugin, modelPath, `a TensorFlow Lite model, which this plugin cannot run: ${CONVERT}`);
  if (!COMPILED_TREELITE.test(modelPath) && !ONNX.test(modelPath)) {
    throw refusedModel(plugin, modelPath, 'which is not an ONNX model (.onnx) or a compiled treelite library (.so), the kinds this plugin runs');
  }
  return localModelFile(plugin, modelPath);
}

function refusedModel(plugin: string, modelPath: string, why: string): Error {
  return refusedKey(plugin, 'model_path', `names ${modelPath}, ${why}`);
}

/** As odc-stats' constructors do, a model file that is not there is refused before any task runs. */
function localModelFile(plugin: string, modelPath: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(modelPath) && !modelPath.startsWith('file://')) {
    throw refusedModel(plugin, modelPath, 'which is not a local file: copy the model beside the job, as odc-stats needs it there too');
  }
  const file = localPath(modelPath);
  if (!existsSync(file)) throw refusedModel(plugin, modelPath, 'which is not found');
  return file;
}
