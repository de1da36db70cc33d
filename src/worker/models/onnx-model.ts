/**
 * Models run with onnxruntime-node (CPU). A session is made the first time a thread runs a
 * model file and kept for the thread's life: a reduce thread loads the model once, however many
 * chunks it reduces, as odc-stats keeps a predictor per dask worker thread.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../../shared/errors.js';
import { firstLine } from '../../shared/first-line.js';
import { oncePerThread } from './once-per-thread.js';

/** A model with one float32 input and the float32 tensor it answers with (an ONNX or a compiled treelite model). */
export interface TensorModel {
  readonly file: string;
  /** The input's shape as the model declares it: a number where fixed, a name (or -1) where free. */
  readonly inputShape: ReadonlyArray<number | string>;
  /** The model's answer to `input` of shape `dims`: its first float32 tensor output. */
  run(input: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: readonly number[] }>;
}

/** The model in `file`, its session made on this thread's first call for it. */
export const onnxModel = oncePerThread(openModel);

async function openModel(file: string): Promise<TensorModel> {
  // Loaded with the first model: the native runtime stays out of processes that run none.
  const ort = await import('onnxruntime-node');
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(file);
  } catch (e) {
    throw new UserError(`model ${file} cannot be loaded by onnxruntime: ${firstLine(e)}`);
  }
  const [input, ...otherInputs] = session.inputMetadata;
  if (!input || otherInputs.length > 0 || !input.isTensor || input.type !== 'float32') {
    throw new UserError(`model ${file} must take one float32 tensor; it takes ${describe(session.inputMetadata)}`);
  }
  const output = session.outputMetadata.find((o) => o.isTensor && o.type === 'float32');
  if (!output) throw new UserError(`model ${file} answers with no float32 tensor (its outputs: ${describe(session.outputMetadata)})`);
  return {
    file,
    inputShape: input.shape,
    async run(data, dims) {
      let results: InferenceSession.ReturnType;
      try {
        // Only the float output is asked for: a converted classifier's other outputs (labels,
        // a ZipMap of probabilities) are neither needed nor all readable here.
        results = await session.run({ [input.name]: new ort.Tensor('float32', data, dims) }, [output.name]);
      } catch (e) {
        throw new UserError(`model ${file} failed on input of shape [${dims.join(', ')}]: ${firstLine(e)}`);
      }
      const answer = results[output.name]!;
      return { data: answer.data as Float32Array, dims: answer.dims };
    },
  };
}

function describe(values: readonly InferenceSession.ValueMetadata[]): string {
  if (values.length === 0) return 'nothing';
  return values.map((v) => (v.isTensor ? `${v.name} (${v.type} [${v.shape.join(', ')}])` : `${v.name} (not a tensor)`)).join(', ');
}
