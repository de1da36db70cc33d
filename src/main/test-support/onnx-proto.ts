/**
 * ONNX models for tests, written as protobuf by hand (no Python `onnx` here): the ModelProto
 * subset a small graph needs. Field numbers are those of onnx/onnx.proto; the wire format is
 * varints, length-delimited fields and fixed32 floats.
 */

type Bytes = Uint8Array;

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

function varint(value: number | bigint): Bytes {
  // int64 fields: a negative value is written as its 64-bit two's complement.
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

function concat(parts: readonly Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const tag = (field: number, wire: number): Bytes => varint((field << 3) | wire);
const intField = (field: number, value: number): Bytes => concat([tag(field, VARINT), varint(value)]);
const bytesField = (field: number, data: Bytes): Bytes => concat([tag(field, LENGTH_DELIMITED), varint(data.length), data]);
const stringField = (field: number, text: string): Bytes => bytesField(field, new TextEncoder().encode(text));
const messageField = (field: number, parts: readonly Bytes[]): Bytes => bytesField(field, concat(parts));
const packedInts = (field: number, values: readonly number[]): Bytes => bytesField(field, concat(values.map(varint)));
const floatBytes = (values: readonly number[]): Bytes => new Uint8Array(Float32Array.from(values).buffer);

/** TensorProto.DataType */
export const FLOAT = 1;
export const INT64 = 7;

/** AttributeProto.AttributeType */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

/** A node attribute: a name and its value, typed as ONNX types it. */
export type Attribute =
  | { name: string; float: number }
  | { name: string; int: number }
  | { name: string; string: string }
  | { name: string; floats: readonly number[] }
  | { name: string; ints: readonly number[] }
  | { name: string; strings: readonly string[] };

function attribute(a: Attribute): Bytes {
  const parts = [stringField(1, a.name)];
  let type: number;
  if ('float' in a) {
    type = ATTRIBUTE_TYPE.float;
    parts.push(tag(2, FIXED32), floatBytes([a.float]));
  } else if ('int' in a) {
    type = ATTRIBUTE_TYPE.int;
    parts.push(intField(3, a.int));
  } else if ('string' in a) {
    type = ATTRIBUTE_TYPE.string;
    parts.push(stringField(4, a.string));
  } else if ('floats' in a) {
    type = ATTRIBUTE_TYPE.floats;
    parts.push(bytesField(7, floatBytes(a.floats)));
  } else if ('ints' in a) {
    type = ATTRIBUTE_TYPE.ints;
    parts.push(packedInts(8, a.ints));
  } else {
    type = ATTRIBUTE_TYPE.strings;
    parts.push(...a.strings.map((s) => stringField(9, s)));
  }
  parts.push(intField(20, type));
  return concat(parts);
}

export interface OnnxNode {
  op: string;
  domain?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly Attribute[];
}

function node(n: OnnxNode, index: number): Bytes {
  return concat([
    ...n.inputs.map((name) => stringField(1, name)),
    ...n.outputs.map((name) => stringField(2, name)),
    stringField(3, `${n.op}_${index}`),
    stringField(4, n.op),
    ...(n.domain ? [stringField(7, n.domain)] : []),
    ...(n.attributes ?? []).map((a) => messageField(5, [attribute(a)])),
  ]);
}

/** A graph input or output: its element type and shape, a string for a named (free) dimension. */
export interface OnnxValue {
  name: string;
  type: typeof FLOAT | typeof INT64;
  shape: ReadonlyArray<number | string>;
}

function valueInfo(v: OnnxValue): Bytes {
  const dims = v.shape.map((d) => messageField(1, [typeof d === 'number' ? intField(1, d) : stringField(2, d)]));
  const tensorType = messageField(1, [intField(1, v.type), messageField(2, dims)]);
  return concat([stringField(1, v.name), messageField(2, [tensorType])]);
}

/** A float32 constant of the graph. */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  values: readonly number[];
}

function initializer(t: OnnxInitializer): Bytes {
  return concat([packedInts(1, t.dims), intField(2, FLOAT), stringField(8, t.name), bytesField(9, floatBytes(t.values))]);
}

export interface OnnxGraph {
  /** Operator sets by domain ('' is the default domain, `ai.onnx.ml` the classic ML operators). */
  opsets: Readonly<Record<string, number>>;
  nodes: readonly OnnxNode[];
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
  initializers?: readonly OnnxInitializer[];
}

/** The bytes of an ONNX model (IR version 8) of the graph. */
export function onnxModel(g: OnnxGraph): Bytes {
  const graph = concat([
    ...g.nodes.map((n, i) => messageField(1, [node(n, i)])),
    stringField(2, 'test_graph'),
    ...(g.initializers ?? []).map((t) => messageField(5, [initializer(t)])),
    ...g.inputs.map((v) => messageField(11, [valueInfo(v)])),
    ...g.outputs.map((v) => messageField(12, [valueInfo(v)])),
  ]);
  const opsets = Object.entries(g.opsets).map(([domain, version]) => messageField(8, [stringField(1, domain), intField(2, version)]));
  return concat([intField(1, 8), stringField(2, 'odc-stats-desktop tests'), ...opsets, messageField(7, [graph])]);
}
