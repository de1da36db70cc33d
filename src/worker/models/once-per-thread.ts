import type { TensorModel } from './onnx-model.js';

/**
 * A model loader that opens each file once on this thread and shares it with every later call:
 * each worker thread has its own modules, so its own models.
 */
export function oncePerThread(open: (file: string) => Promise<TensorModel>): (file: string) => Promise<TensorModel> {
  const models = new Map<string, Promise<TensorModel>>();
  return (file) => {
    let model = models.get(file);
    if (!model) {
      model = open(file);
      models.set(file, model);
    }
    return model;
  };
}
