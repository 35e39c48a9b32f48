import type * as tf from '@tensorflow/tfjs';
import { FLOAT_ATTR as FLOAT, base64Text, graphModelFromNodes, type GraphNode, type GraphWeight } from '@tfxai/test-utils';

/**
 * The hand-derived guided-backprop case of guided-backprop.test.ts as a
 * tf.GraphModel, written by hand as a GraphDef (what tfjs-converter emits):
 * x (N, 1, 2, 1) -> Reshape (N, 2) -> hidden ReLU layer (W1, bias 0) -> MatMul W2.
 * `'relu-node'` has a MatMul node followed by a Relu node; `'fused'` one
 * _FusedMatMul node with fused_ops [BiasAdd, Relu], as the converter fuses Keras
 * Dense layers.
 */
const matMulAttr = { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } };

export async function handCaseGraphModel(variant: 'relu-node' | 'fused', w1: number[][], w2: number[][]): Promise<tf.GraphModel> {
  const weights: GraphWeight[] = [
    { name: 'flat_shape', shape: [2], dtype: 'int32', values: [-1, 2] },
    { name: 'w1', shape: [2, 3], dtype: 'float32', values: w1.flat() },
    { name: 'b1', shape: [3], dtype: 'float32', values: [0, 0, 0] },
    { name: 'w2', shape: [3, 2], dtype: 'float32', values: w2.flat() },
  ];
  const hidden: GraphNode[] =
    variant === 'relu-node'
      ? [
          { name: 'pre', op: 'MatMul', input: ['flat', 'w1'], attr: matMulAttr },
          { name: 'hidden', op: 'Relu', input: ['pre'], attr: { T: FLOAT } },
        ]
      : [
          {
            name: 'hidden',
            op: '_FusedMatMul',
            input: ['flat', 'w1', 'b1'],
            attr: { ...matMulAttr, fused_ops: { list: { s: [base64Text('BiasAdd'), base64Text('Relu')] } }, num_args: { i: '1' }, epsilon: { f: 0 } },
          },
        ];
  const nodes: GraphNode[] = [
    { name: 'x', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: { dim: [{ size: '-1' }, { size: '1' }, { size: '2' }, { size: '1' }] } } } },
    { name: 'flat', op: 'Reshape', input: ['x', 'flat_shape'], attr: { T: FLOAT } },
    ...hidden,
    { name: 'scores', op: 'MatMul', input: ['hidden', 'w2'], attr: matMulAttr },
  ];
  return graphModelFromNodes(nodes, weights, { inputs: ['x'], outputs: ['scores'] });
}
