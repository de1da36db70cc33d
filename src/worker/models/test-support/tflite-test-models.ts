/**
 * Small TensorFlow Lite models whose answers a test can work out by hand, written with the
 * flatbuffers builder to TensorFlow Lite's schema (tensorflow/lite/schema/schema.fbs): float32
 * tensors, constants in the model's buffers, builtin or custom operators.
 */
import { Builder } from 'flatbuffers';

/** BuiltinOperator codes of the schema. */
const CONV_2D = 3;
const LOGISTIC = 14;
const CUSTOM = 32;
/** The BuiltinOptions union's type of Conv2DOptions, and its Padding VALID. */
const CONV_2D_OPTIONS = 1;
const PADDING_VALID = 1;

interface Tensor {
  name: string;
  shape: readonly number[];
  /** Where a size is free (-1); the schema's `shape` then holds 1 there. */
  shapeSignature?: readonly number[];
  /** A constant's values. */
  values?: readonly number[];
}

interface Operator {
  /** A builtin operator's code, or a custom operator's name. */
  code: number | string;
  inputs: readonly number[];
  outputs: readonly number[];
  /** Conv2DOptions, stride 1 and VALID padding, for CONV_2D. */
  convolution?: boolean;
}

interface Graph {
  tensors: readonly Tensor[];
  operators: readonly Operator[];
  inputs: readonly number[];
  outputs: readonly number[];
}

/** The `.tflite` bytes of a model of one subgraph. */
function tfliteModel(graph: Graph): Uint8Array {
  const b = new Builder(1024);
  const ints = (values: readonly number[]) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
    return b.endVector();
  };
  const tables = (offsets: readonly number[]) => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
    return b.endVector();
  };
  const buffer = (bytes?: Uint8Array) => {
    let data: number | undefined;
    if (bytes) {
      // The schema aligns a buffer's data to 16 bytes.
      b.startVector(1, bytes.length, 16);
      for (let i = bytes.length - 1; i >= 0; i--) b.addInt8(bytes[i]!);
      data = b.endVector();
    }
    b.startObject(3);
    if (data !== undefined) b.addFieldOffset(0, data, 0);
    return b.endObject();
  };

  // Buffer 0 is the schema's empty sentinel; each constant has its own after it.
  const buffers = [buffer()];
  const tensors = graph.tensors.map((t) => {
    let bufferIndex = 0;
    if (t.values) {
      bufferIndex = buffers.length;
      buffers.push(buffer(new Uint8Array(Float32Array.from(t.values).buffer)));
    }
    const name = b.createString(t.name);
    const shape = ints(t.shape);
    const signature = t.shapeSignature && ints(t.shapeSignature);
    b.startObject(8);
    b.addFieldOffset(0, shape, 0);
    // type FLOAT32 is the field's default (0).
    b.addFieldInt32(2, bufferIndex, 0);
    b.addFieldOffset(3, name, 0);
    if (signature !== undefined) b.addFieldOffset(7, signature, 0);
    return b.endObject();
  });

  const codes = [...new Set(graph.operators.map((o) => o.code))];
  const operatorCodes = codes.map((code) => {
    const custom = typeof code === 'string' ? b.createString(code) : undefined;
    const builtin = custom === undefined ? (code as number) : CUSTOM;
    b.startObject(4);
    b.addFieldInt8(0, builtin, 0);
    if (custom !== undefined) b.addFieldOffset(1, custom, 0);
    b.addFieldInt32(2, 1, 1);
    b.addFieldInt32(3, builtin, 0);
    return b.endObject();
  });
  const operators = graph.operators.map((o) => {
    let options: number | undefined;
    if (o.convolution) {
      b.startObject(6);
      b.addFieldInt8(0, PADDING_VALID, 0);
      b.addFieldInt32(1, 1, 0);
      b.addFieldInt32(2, 1, 0);
      options = b.endObject();
    }
    const inputs = ints(o.inputs);
    const outputs = ints(o.outputs);
    b.startObject(5);
    b.addFieldInt32(0, codes.indexOf(o.code), 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    if (options !== undefined) {
      b.addFieldInt8(3, CONV_2D_OPTIONS, 0);
      b.addFieldOffset(4, options, 0);
    }
    return b.endObject();
  });

  const tensorVector = tables(tensors);
  const inputVector = ints(graph.inputs);
  const outputVector = ints(graph.outputs);
  const operatorVector = tables(operators);
  const subgraphName = b.createString('main');
  b.startObject(5);
  b.addFieldOffset(0, tensorVector, 0);
  b.addFieldOffset(1, inputVector, 0);
  b.addFieldOffset(2, outputVector, 0);
  b.addFieldOffset(3, operatorVector, 0);
  b.addFieldOffset(4, subgraphName, 0);
  const subgraph = b.endObject();

  const codeVector = tables(operatorCodes);
  const subgraphVector = tables([subgraph]);
  const description = b.createString('test model');
  const bufferVector = tables(buffers);
  b.startObject(5);
  b.addFieldInt32(0, 3, 0);
  b.addFieldOffset(1, codeVector, 0);
  b.addFieldOffset(2, subgraphVector, 0);
  b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, bufferVector, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array();
}

/**
 * An image model in the layout of DEA's urban model, input [1, height, width, bands] and output
 * [1, height, width, 1]: sigmoid(Σ weights[b] × pixel[b] + bias) per pixel, a 1 × 1 convolution
 * then LOGISTIC.
 */
export function pixelSigmoidTflite(weights: readonly number[], bias: number, [height, width]: readonly [number, number]): Uint8Array {
  return tfliteModel({
    tensors: [
      { name: 'image', shape: [1, height, width, weights.length] },
      { name: 'weights', shape: [1, 1, 1, weights.length], values: weights },
      { name: 'bias', shape: [1], values: [bias] },
      { name: 'logit', shape: [1, height, width, 1] },
      { name: 'urban', shape: [1, height, width, 1] },
    ],
    operators: [
      { code: CONV_2D, inputs: [0, 1, 2], outputs: [3], convolution: true },
      { code: LOGISTIC, inputs: [3], outputs: [4] },
    ],
    inputs: [0],
    outputs: [4],
  });
}

/** A model of one custom operator, `name`, which no runtime has unless it is registered. */
export function customOperatorTflite(name: string, shape: readonly number[]): Uint8Array {
  return tfliteModel({
    tensors: [
      { name: 'x', shape },
      { name: 'y', shape },
    ],
    operators: [{ code: name, inputs: [0], outputs: [1] }],
    inputs: [0],
    outputs: [1],
  });
}
