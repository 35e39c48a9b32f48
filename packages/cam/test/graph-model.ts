import type * as tf from '@tensorflow/tfjs';
import { FLOAT_ATTR as FLOAT, INT32_ATTR as INT32, base64Text, graphModelFromNodes, type GraphNode, type GraphWeight } from '@tfxai/test-utils';

/**
 * A tf.GraphModel written by hand as a GraphDef (what tfjs-converter emits), so that
 * graph models can be tested without the Python converter. It is the hand-built net
 * of grad-cam-hand-built.test.ts (4x4x1 input, conv 'features' with two 2x2 filters,
 * global mean, dense with softmax) plus a skip connection from the input to the
 * scores (`mean(x) * [0.25, -0.5]`), which bypasses the 'features' node, so the
 * input must stay fed when 'features' is fed.
 */
const text = (value: string) => ({ s: base64Text(value) });

const WEIGHTS: GraphWeight[] = [
  { name: 'kernel', shape: [2, 2, 1, 2], dtype: 'float32', values: [1, 0, 0, 0, 0, 0, 0, 1] },
  { name: 'spatial_axes', shape: [2], dtype: 'int32', values: [1, 2] },
  { name: 'all_axes', shape: [3], dtype: 'int32', values: [1, 2, 3] },
  { name: 'dense_kernel', shape: [2, 2], dtype: 'float32', values: [3, -1, -1, 2] },
  { name: 'dense_bias', shape: [2], dtype: 'float32', values: [8, -7] },
  { name: 'skip_kernel', shape: [1, 2], dtype: 'float32', values: [0.25, -0.5] },
  { name: 'one', shape: [], dtype: 'int32', values: [1] },
  { name: 'flat_shape', shape: [2], dtype: 'int32', values: [-1, 2] },
];

const NODES: GraphNode[] = [
  { name: 'x', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: { dim: [{ size: '-1' }, { size: '4' }, { size: '4' }, { size: '1' }] } } } },
  {
    name: 'features',
    op: 'Conv2D',
    input: ['x', 'kernel'],
    attr: { T: FLOAT, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: text('VALID'), data_format: text('NHWC'), dilations: { list: { i: ['1', '1', '1', '1'] } } },
  },
  { name: 'pooled', op: 'Mean', input: ['features', 'spatial_axes'], attr: { T: FLOAT, keep_dims: { b: false } } },
  { name: 'dense', op: 'MatMul', input: ['pooled', 'dense_kernel'], attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } } },
  { name: 'logits_main', op: 'BiasAdd', input: ['dense', 'dense_bias'], attr: { T: FLOAT, data_format: text('NHWC') } },
  { name: 'skip_mean', op: 'Mean', input: ['x', 'all_axes'], attr: { T: FLOAT, keep_dims: { b: false } } },
  { name: 'skip_column', op: 'ExpandDims', input: ['skip_mean', 'one'], attr: { T: FLOAT } },
  { name: 'skip', op: 'MatMul', input: ['skip_column', 'skip_kernel'], attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } } },
  { name: 'logits', op: 'AddV2', input: ['logits_main', 'skip'], attr: { T: FLOAT } },
  { name: 'probabilities', op: 'Softmax', input: ['logits'], attr: { T: FLOAT } },
];

/**
 * The global mean as a MobileNetV2-style head computes it: a 3x3 `AvgPool` over the 3x3
 * feature map (a 1x1 output, as Keras's `AveragePooling2D(7)` on a 7x7 map), then a
 * reshape to (N, 2). Same numbers as `Mean`, but the node nearest the output with a 4-D
 * output is now the 1x1 pooling node.
 */
const AVG_POOL_HEAD: GraphNode[] = [
  {
    name: 'pooled_map',
    op: 'AvgPool',
    input: ['features'],
    attr: { T: FLOAT, ksize: { list: { i: ['1', '3', '3', '1'] } }, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: text('VALID'), data_format: text('NHWC') },
  },
  { name: 'pooled', op: 'Reshape', input: ['pooled_map', 'flat_shape'], attr: { T: FLOAT, Tshape: INT32 } },
];

/**
 * @param variant 'cnn': the net above; 'no-feature-map': only the skip path, softmax(mean(x) * [0.25, -0.5]),
 *   a graph with no 4-D node besides its input; 'avg-pool-head': the net above with its global mean
 *   computed by a 1x1-output `AvgPool` and a reshape (same scores)
 */
export async function handBuiltGraphModel(variant: 'cnn' | 'no-feature-map' | 'avg-pool-head' = 'cnn'): Promise<tf.GraphModel> {
  let nodes = NODES;
  if (variant === 'avg-pool-head') nodes = [...nodes.filter((n) => n.name !== 'pooled'), ...AVG_POOL_HEAD];
  if (variant === 'no-feature-map') {
    const kept = new Set(['x', 'skip_mean', 'skip_column', 'skip']);
    nodes = [...nodes.filter((n) => kept.has(n.name)), { name: 'probabilities', op: 'Softmax', input: ['skip'], attr: { T: FLOAT } }];
  }
  return graphModelFromNodes(nodes, WEIGHTS, { inputs: ['x'], outputs: ['probabilities'] });
}
