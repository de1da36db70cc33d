/**
 * Compiled treelite models: the shared library treelite 2.x or 3.x, or tl2cgen (treelite 4's
 * compiler), writes for a tree ensemble (DEA's cultivated and woody models), run as odc-stats'
 * treelite runtime runs it. The library is loaded through koffi the first time a thread runs it
 * and kept for the thread's life, as the ONNX sessions are. Each row of features is handed to the
 * library's `predict` as its `union Entry` array (a missing feature, NaN, marked `missing = -1`),
 * with pred_margin off so the model's own transform (sigmoid, softmax, …) applies.
 */
import type { LibraryHandle } from 'koffi';
import { UserError } from '../../shared/errors.js';
import { firstLine } from '../../shared/first-line.js';
import type { TensorModel } from './onnx-model.js';
import { oncePerThread } from './once-per-thread.js';

/** The compiled model in `file`, loaded on this thread's first call for it. */
export const treeliteModel = oncePerThread(openModel);

/** The C type of a treelite type name, as the generated code declares its values. */
const C_TYPES: Record<string, 'float' | 'double'> = { float32: 'float', float64: 'double' };

type Func = ReturnType<LibraryHandle['func']>;
type Values = Float32Array | Float64Array;

/** What a library tells of itself, and its prediction of a row: `values` in, `result` out. */
interface Library {
  outputs: number;
  features: number;
  thresholdType: string;
  leafType: string;
  predictRow(predict: Func, values: Values, result: Values): void;
  predictSignature(outputType: string): string;
}

/** treelite 2.x and 3.x: one class answered by `predict`, more written by `predict_multiclass`. */
function treeliteLibrary(func: (signature: string) => Func, file: string): Library {
  const outputs = Number(func('size_t get_num_class(void)')());
  return {
    outputs,
    features: Number(func('size_t get_num_feature(void)')()),
    thresholdType: String(func('const char *get_threshold_type(void)')()),
    leafType: String(func('const char *get_leaf_output_type(void)')()),
    predictSignature: (type) =>
      outputs === 1 ? `${type} predict(void *data, int pred_margin)` : `size_t predict_multiclass(void *data, int pred_margin, _Out_ ${type} *result)`,
    predictRow(predict, values, result) {
      if (outputs === 1) {
        result[0] = predict(values, 0) as number;
        return;
      }
      const written = Number(predict(values, 0, result));
      if (written !== outputs) throw new UserError(`model ${file} answers with ${written} values a row, not its ${outputs} classes' scores`);
    },
  };
}

/** tl2cgen 1.x (treelite 4 models): `predict` adds each tree's output into `result`, zeroed first. */
function tl2cgenLibrary(func: (signature: string) => Func, file: string): Library {
  const targets = Number(func('int32_t get_num_target(void)')());
  if (targets !== 1) throw new UserError(`model ${file} predicts ${targets} targets; odc-stats' plugins read a model of one`);
  const classes = new Int32Array(1);
  func('void get_num_class(_Out_ int32_t *out)')(classes);
  return {
    outputs: classes[0]!,
    features: Number(func('int32_t get_num_feature(void)')()),
    thresholdType: String(func('const char *get_threshold_type(void)')()),
    leafType: String(func('const char *get_leaf_output_type(void)')()),
    predictSignature: (type) => `void predict(void *data, int pred_margin, _Inout_ ${type} *result)`,
    predictRow(predict, values, result) {
      result.fill(0);
      predict(values, 0, result);
    },
  };
}

async function openModel(file: string): Promise<TensorModel> {
  // Loaded with the first compiled model: the FFI stays out of processes that run none.
  const { default: koffi } = await import('koffi');
  let handle: LibraryHandle;
  try {
    handle = koffi.load(file);
  } catch (e) {
    throw new UserError(`model ${file} cannot be loaded as a compiled treelite model: ${firstLine(e)}`);
  }
  const notTreelite = (why: string) => new UserError(`model ${file} is not a model compiled by treelite 2.x or 3.x or tl2cgen: ${why}`);
  const func = (signature: string): Func => {
    try {
      return handle.func(signature);
    } catch (e) {
      throw notTreelite(firstLine(e));
    }
  };
  let isTl2cgen = true;
  try {
    handle.symbol('get_num_target');
  } catch {
    isTl2cgen = false;
  }
  const library = isTl2cgen ? tl2cgenLibrary(func, file) : treeliteLibrary(func, file);
  const { outputs, features } = library;
  const entryType = C_TYPES[library.thresholdType];
  const outputType = C_TYPES[library.leafType];
  if (!entryType || !outputType) throw notTreelite(`its thresholds are ${library.thresholdType} and its leaves ${library.leafType}; float32 or float64 are read`);
  const predict = func(library.predictSignature(outputType));

  return {
    file,
    inputShape: [-1, features],
    async run(data, dims) {
      const [rows = 0, width] = dims;
      if (width !== features) throw new UserError(`model ${file} takes ${features} features a row; it was given ${width}`);
      // The row as `union Entry[features]`: a float or double value, or the int -1 where missing.
      const values = entryType === 'float' ? new Float32Array(features) : new Float64Array(features);
      const missing = new Int32Array(values.buffer);
      const intsPerEntry = values.BYTES_PER_ELEMENT / 4;
      const result = outputType === 'float' ? new Float32Array(outputs) : new Float64Array(outputs);
      const answer = new Float32Array(rows * outputs);
      for (let r = 0; r < rows; r++) {
        for (let f = 0; f < features; f++) {
          const v = data[r * features + f]!;
          values[f] = Number.isNaN(v) ? 0 : v;
          if (Number.isNaN(v)) missing[f * intsPerEntry] = -1;
        }
        library.predictRow(predict, values, result);
        answer.set(result, r * outputs);
      }
      return { data: answer, dims: [rows, outputs] };
    },
  };
}
