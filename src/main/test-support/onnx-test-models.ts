/**
 * Small ONNX models whose answers a test can work out by hand: tree ensembles of the
 * `ai.onnx.ml` domain, as skl2onnx / onnxmltools write DEA's kind of models, and a per-pixel
 * dense layer in the image layout of the urban model.
 */
import { FLOAT, INT64, onnxModel, type Attribute } from './onnx-proto.js';

/** A tree: a split sends x[feature] <= threshold to `yes`, anything else (NaN too) to `no`. */
export type Tree<Leaf> = { feature: number; threshold: number; yes: Tree<Leaf>; no: Tree<Leaf> } | { leaf: Leaf };

interface FlatNode<Leaf> {
  id: number;
  feature: number;
  threshold: number;
  yes: number;
  no: number;
  leaf?: Leaf;
}

/** The tree's nodes numbered depth first, as TreeEnsemble's `nodes_*` attributes list them. */
function flatten<Leaf>(tree: Tree<Leaf>): Array<FlatNode<Leaf>> {
  const nodes: Array<FlatNode<Leaf>> = [];
  const visit = (t: Tree<Leaf>): number => {
    const id = nodes.length;
    if ('leaf' in t) {
      nodes.push({ id, feature: 0, threshold: 0, yes: 0, no: 0, leaf: t.leaf });
      return id;
    }
    const n: FlatNode<Leaf> = { id, feature: t.feature, threshold: t.threshold, yes: 0, no: 0 };
    nodes.push(n);
    n.yes = visit(t.yes);
    n.no = visit(t.no);
    return id;
  };
  visit(tree);
  return nodes;
}

function nodeAttributes<Leaf>(trees: ReadonlyArray<Array<FlatNode<Leaf>>>): Attribute[] {
  const all = trees.flatMap((nodes, tree) => nodes.map((n) => ({ tree, ...n })));
  return [
    { name: 'nodes_treeids', ints: all.map((n) => n.tree) },
    { name: 'nodes_nodeids', ints: all.map((n) => n.id) },
    { name: 'nodes_featureids', ints: all.map((n) => n.feature) },
    { name: 'nodes_values', floats: all.map((n) => n.threshold) },
    { name: 'nodes_modes', strings: all.map((n) => (n.leaf === undefined ? 'BRANCH_LEQ' : 'LEAF')) },
    { name: 'nodes_truenodeids', ints: all.map((n) => n.yes) },
    { name: 'nodes_falsenodeids', ints: all.map((n) => n.no) },
  ];
}

/**
 * A classifier of `features` float features whose leaves hold a weight per class; its outputs
 * are `label` (int64 [N]) and `probabilities` (float [N, classes]), the sum of the trees' weights.
 */
export function treeClassifierModel(features: number, trees: ReadonlyArray<Tree<number[]>>): Uint8Array {
  const flat = trees.map(flatten);
  const classes = (trees.length > 0 && flat[0]!.find((n) => n.leaf)?.leaf?.length) || 0;
  const leaves = flat.flatMap((nodes, tree) => nodes.flatMap((n) => (n.leaf ?? []).map((weight, k) => ({ tree, node: n.id, k, weight }))));
  return onnxModel({
    opsets: { '': 17, 'ai.onnx.ml': 3 },
    inputs: [{ name: 'features', type: FLOAT, shape: ['N', features] }],
    outputs: [
      { name: 'label', type: INT64, shape: ['N'] },
      { name: 'probabilities', type: FLOAT, shape: ['N', classes] },
    ],
    nodes: [
      {
        op: 'TreeEnsembleClassifier',
        domain: 'ai.onnx.ml',
        inputs: ['features'],
        outputs: ['label', 'probabilities'],
        attributes: [
          ...nodeAttributes(flat),
          { name: 'class_treeids', ints: leaves.map((l) => l.tree) },
          { name: 'class_nodeids', ints: leaves.map((l) => l.node) },
          { name: 'class_ids', ints: leaves.map((l) => l.k) },
          { name: 'class_weights', floats: leaves.map((l) => l.weight) },
          { name: 'classlabels_int64s', ints: Array.from({ length: classes }, (_, k) => k) },
          { name: 'post_transform', string: 'NONE' },
        ],
      },
    ],
  });
}

/** A regressor of `features` float features: `variable` (float [N, 1]) is the sum of the trees' leaves. */
export function treeRegressorModel(features: number, trees: ReadonlyArray<Tree<number>>): Uint8Array {
  const flat = trees.map(flatten);
  const leaves = flat.flatMap((nodes, tree) => nodes.flatMap((n) => (n.leaf === undefined ? [] : [{ tree, node: n.id, weight: n.leaf }])));
  return onnxModel({
    opsets: { '': 17, 'ai.onnx.ml': 3 },
    inputs: [{ name: 'features', type: FLOAT, shape: ['N', features] }],
    outputs: [{ name: 'variable', type: FLOAT, shape: ['N', 1] }],
    nodes: [
      {
        op: 'TreeEnsembleRegressor',
        domain: 'ai.onnx.ml',
        inputs: ['features'],
        outputs: ['variable'],
        attributes: [
          ...nodeAttributes(flat),
          { name: 'n_targets', int: 1 },
          { name: 'target_treeids', ints: leaves.map((l) => l.tree) },
          { name: 'target_nodeids', ints: leaves.map((l) => l.node) },
          { name: 'target_ids', ints: leaves.map(() => 0) },
          { name: 'target_weights', floats: leaves.map((l) => l.weight) },
          { name: 'aggregate_function', string: 'SUM' },
          { name: 'post_transform', string: 'NONE' },
        ],
      },
    ],
  });
}

/**
 * An image model in the urban model's layout, input [1, height, width, bands] and output
 * [1, height, width, 1]: sigmoid(Σ weights[b] × pixel[b] + bias) per pixel. Without `size`,
 * height and width are free.
 */
export function pixelSigmoidModel(weights: readonly number[], bias: number, size?: readonly [number, number]): Uint8Array {
  const [height, width] = size ?? ['height', 'width'];
  return onnxModel({
    opsets: { '': 17 },
    inputs: [{ name: 'image', type: FLOAT, shape: [1, height, width, weights.length] }],
    outputs: [{ name: 'urban', type: FLOAT, shape: [1, height, width, 1] }],
    initializers: [
      { name: 'weights', dims: [weights.length, 1], values: weights },
      { name: 'bias', dims: [1], values: [bias] },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['image', 'weights'], outputs: ['weighted'] },
      { op: 'Add', inputs: ['weighted', 'bias'], outputs: ['logit'] },
      { op: 'Sigmoid', inputs: ['logit'], outputs: ['urban'] },
    ],
  });
}
