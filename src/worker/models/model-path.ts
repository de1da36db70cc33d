/**
 * A model plugin's `model_path`: a local file (or `file://` URI), named relative to where the run
 * starts, as odc-stats reads it. The tree plugins run an ONNX model or a compiled treelite
 * library, as DEA's configs name; the urban plugin runs ONNX, DEA's TensorFlow Lite file refused
 * with the way to convert it.
 */
import { existsSync } from 'node:fs';
import { localPath } from '../../io/local-path.js';
import { refusedKey } from '../plugins/plugin-config.js';

const CONVERT = 'convert the model to ONNX (docs/plugins.md, "Converting DEA\'s models")';

/** A compiled treelite model's file name, by its platform's shared-library extension. */
export const COMPILED_TREELITE = /\.(so|dylib|dll)$/i;

/** The absolute path of the ONNX model `model_path` names; a model of another kind, or a missing file, refused. */
export function onnxModelPath(plugin: string, modelPath: string): string {
  if (COMPILED_TREELITE.test(modelPath)) throw refusedModel(plugin, modelPath, `a compiled treelite model, which this plugin cannot run: ${CONVERT}`);
  return modelFile(plugin, modelPath);
}

/** The absolute path of the ONNX or compiled treelite model `model_path` names; a model of another kind, or a missing file, refused. */
export function treeModelPath(plugin: string, modelPath: string): string {
  return COMPILED_TREELITE.test(modelPath) ? localModelFile(plugin, modelPath) : modelFile(plugin, modelPath);
}

function refusedModel(plugin: string, modelPath: string, why: string): Error {
  return refusedKey(plugin, 'model_path', `names ${modelPath}, ${why}`);
}

function modelFile(plugin: string, modelPath: string): string {
  if (/\.tflite$/i.test(modelPath)) throw refusedModel(plugin, modelPath, `a TensorFlow Lite model, which this program cannot run: ${CONVERT}`);
  if (!/\.onnx$/i.test(modelPath)) throw refusedModel(plugin, modelPath, 'which is not an ONNX model (.onnx), the kind this program runs');
  return localModelFile(plugin, modelPath);
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
