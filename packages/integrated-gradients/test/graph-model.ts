import * as tf from '@tensorflow/tfjs';

/**
 * A tf.GraphModel built from a hand-written graph: x (N, 2, 2, 3) -> Reshape (N, 12)
 * -> MatMul with `weights` (12, classes) -> Softmax. Lets tests compare a graph
 * model with the same computation written as a function.
 */
export async function linearSoftmaxGraphModel(weights: number[], classes: number): Promise<tf.GraphModel> {
  const float = { type: 'DT_FLOAT' };
  const modelTopology = {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '-1' }, { size: '2' }, { size: '2' }, { size: '3' }] } } } },
      { name: 'shape', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: [{ size: '2' }] } } } } },
      { name: 'w', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '12' }, { size: String(classes) }] } } } } },
      { name: 'flat', op: 'Reshape', input: ['x', 'shape'], attr: { T: float, Tshape: { type: 'DT_INT32' } } },
      { name: 'logits', op: 'MatMul', input: ['flat', 'w'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'probs', op: 'Softmax', input: ['logits'], attr: { T: float } },
    ],
    versions: { producer: 1 },
  };
  const weightSpecs: tf.io.WeightsManifestEntry[] = [
    { name: 'shape', shape: [2], dtype: 'int32' },
    { name: 'w', shape: [12, classes], dtype: 'float32' },
  ];
  const shapeBytes = new Int32Array([-1, 12]);
  const weightBytes = new Float32Array(weights);
  const weightData = new Uint8Array(shapeBytes.byteLength + weightBytes.byteLength);
  weightData.set(new Uint8Array(shapeBytes.buffer), 0);
  weightData.set(new Uint8Array(weightBytes.buffer), shapeBytes.byteLength);
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData: weightData.buffer, format: 'graph-model' }));
}
