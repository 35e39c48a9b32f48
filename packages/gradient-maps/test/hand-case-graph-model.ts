import * as tf from '@tensorflow/tfjs';

/**
 * The hand-derived guided-backprop case of guided-backprop.test.ts as a
 * tf.GraphModel, written by hand as a GraphDef (what tfjs-converter emits):
 * x (N, 1, 2, 1) -> Reshape (N, 2) -> hidden ReLU layer (W1, bias 0) -> MatMul W2.
 * `'relu-node'` has a MatMul node followed by a Relu node; `'fused'` one
 * _FusedMatMul node with fused_ops [BiasAdd, Relu], as the converter fuses Keras
 * Dense layers.
 */
const text = (value: string) => Buffer.from(value).toString('base64');
const FLOAT = { type: 'DT_FLOAT' };
const INT32 = { type: 'DT_INT32' };
const matMulAttr = { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } };

export async function handCaseGraphModel(variant: 'relu-node' | 'fused', w1: number[][], w2: number[][]): Promise<tf.GraphModel> {
  const weights: { name: string; shape: number[]; dtype: 'float32' | 'int32'; values: number[] }[] = [
    { name: 'flat_shape', shape: [2], dtype: 'int32', values: [-1, 2] },
    { name: 'w1', shape: [2, 3], dtype: 'float32', values: w1.flat() },
    { name: 'b1', shape: [3], dtype: 'float32', values: [0, 0, 0] },
    { name: 'w2', shape: [3, 2], dtype: 'float32', values: w2.flat() },
  ];
  const constant = (w: (typeof weights)[number]) => ({
    name: w.name,
    op: 'Const',
    attr: { dtype: w.dtype === 'int32' ? INT32 : FLOAT, value: { tensor: { dtype: w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT', tensorShape: { dim: w.shape.map((size) => ({ size: String(size) })) } } } },
  });
  const hidden =
    variant === 'relu-node'
      ? [
          { name: 'pre', op: 'MatMul', input: ['flat', 'w1'], attr: matMulAttr },
          { name: 'hidden', op: 'Relu', input: ['pre'], attr: { T: FLOAT } },
        ]
      : [{ name: 'hidden', op: '_FusedMatMul', input: ['flat', 'w1', 'b1'], attr: { ...matMulAttr, fused_ops: { list: { s: [text('BiasAdd'), text('Relu')] } }, num_args: { i: '1' }, epsilon: { f: 0 } } }];
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: { dim: [{ size: '-1' }, { size: '1' }, { size: '2' }, { size: '1' }] } } } },
    ...weights.map(constant),
    { name: 'flat', op: 'Reshape', input: ['x', 'flat_shape'], attr: { T: FLOAT } },
    ...hidden,
    { name: 'scores', op: 'MatMul', input: ['hidden', 'w2'], attr: matMulAttr },
  ];
  const data = new Uint8Array(weights.reduce((bytes, w) => bytes + 4 * w.values.length, 0));
  let offset = 0;
  for (const w of weights) {
    const typed = w.dtype === 'int32' ? new Int32Array(w.values) : new Float32Array(w.values);
    data.set(new Uint8Array(typed.buffer), offset);
    offset += typed.byteLength;
  }
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: { node: nodes, versions: { producer: 1 } },
      format: 'graph-model',
      weightSpecs: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      weightData: data.buffer,
      signature: { inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT' } }, outputs: { scores: { name: 'scores:0', dtype: 'DT_FLOAT' } } },
    } as unknown as tf.io.ModelArtifacts),
  );
}
