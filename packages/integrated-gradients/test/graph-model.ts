import type * as tf from '@tensorflow/tfjs';
import { FLOAT_ATTR as FLOAT, INT32_ATTR as INT32, graphModelFromNodes } from '@tfxai/test-utils';

/**
 * A tf.GraphModel built from a hand-written graph: x (N, 2, 2, 3) -> Reshape (N, 12)
 * -> MatMul with `weights` (12, classes) -> Softmax. Lets tests compare a graph
 * model with the same computation written as a function.
 */
export async function linearSoftmaxGraphModel(weights: number[], classes: number): Promise<tf.GraphModel> {
  return graphModelFromNodes(
    [
      { name: 'x', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: { dim: [{ size: '-1' }, { size: '2' }, { size: '2' }, { size: '3' }] } } } },
      { name: 'flat', op: 'Reshape', input: ['x', 'shape'], attr: { T: FLOAT, Tshape: INT32 } },
      { name: 'logits', op: 'MatMul', input: ['flat', 'w'], attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'probs', op: 'Softmax', input: ['logits'], attr: { T: FLOAT } },
    ],
    [
      { name: 'shape', shape: [2], dtype: 'int32', values: [-1, 12] },
      { name: 'w', shape: [12, classes], dtype: 'float32', values: weights },
    ],
  );
}
