/**
 * A model plugin's `model_path`: a local ONNX file (or `file://` URI), named relative to where
 * the run starts, as odc-stats reads it. DEA's configs name the models odc-stats runs, a compiled
 * treelite library and a TensorFlow Lite file, which this program cannot: those are refused
 * with the way to convert them.
 */
import { existsSync } from 'node:fs';
import { localPath } from '../../io/local-path.js';
import { refusedKey } from '../plugins/plugin-config.js';

const CONVERT = 'convert the model to ONNX (docs/plugins.md, "Converting DEA\'s models")';

/** The absolute path of the ONNX model `model_path` names; a model of another kind, or a missing file, refused. */
export function onnxModelPath(plugin: string, modelPath: string): string {
  const refuse = (why: string) => refusedKey(plugin, 'model_path', `names ${modelPath}, ${why}`);
  if (/\.(so|dylib|dll)$/i.test(modelPath)) throw refuse(`a compiled treelite model, which this program cannot run: ${CONVERT}`);
  if (/\.tflite$/i.test(modelPath)) throw refuse(`a TensorFlow Lite model, which this program cannot run: ${CONVERT}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(modelPath) && !modelPath.startsWith('file://')) {
    throw refuse('which is not a local file: copy the model beside the job, as odc-stats needs it there too');
  }
  if (!/\.onnx$/i.test(modelPath)) throw refuse('which is not an ONNX model (.onnx), the kind this program runs');
  const file = localPath(modelPath);
  if (!existsSync(file)) throw refuse('which is not found');
  return file;
}
