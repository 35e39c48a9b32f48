import * as tf from '@tensorflow/tfjs';

/**
 * Small seeded models of the three topologies the CAM methods must handle, each
 * with a "head": an independent copy (new layers, copied weights) of the part of
 * the model after a target layer, taking that layer's activation as its input.
 * Heads give reference gradients and finite differences without going through
 * the code under test. Activations are ELU, not ReLU: smooth enough for central
 * finite differences (no kinks to straddle), and like ReLU they keep tfjs-layers'
 * convolutions unfused under tf.grad (a fused linear convolution needs the
 * Conv2DBackpropFilter kernel, which stock wasm lacks).
 */
export const INPUT_SHAPE: [number, number, number] = [6, 6, 2];
export const CLASSES = 3;

let seedCounter = 0;
/** Initializers with the next seed; every builder restarts the sequence, so a topology has the same weights on every backend. */
function seeded(): { kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform>; biasInitializer: ReturnType<typeof tf.initializers.glorotUniform> } {
  seedCounter += 2;
  return {
    kernelInitializer: tf.initializers.glorotUniform({ seed: seedCounter }),
    biasInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.15, seed: seedCounter + 1 }),
  };
}

/** A new layer of the same class and configuration, with the original's weights. */
export function copyLayer(layer: tf.layers.Layer): (input: tf.SymbolicTensor | tf.SymbolicTensor[]) => tf.SymbolicTensor {
  const config = { ...layer.getConfig() };
  delete config['name'];
  delete config['batchInputShape'];
  const Layer = layer.constructor as new (config: unknown) => tf.layers.Layer;
  const copy = new Layer(config);
  return (input) => {
    const output = copy.apply(input) as tf.SymbolicTensor;
    copy.setWeights(layer.getWeights());
    return output;
  };
}

/** A model plus, per target layer path, the head that maps that layer's activation to the scores. */
export interface Topology {
  model: tf.LayersModel;
  heads: Record<string, tf.LayersModel>;
  /** The layer (path) each head starts after, and its activation shape without batch. */
  bodies: Record<string, tf.LayersModel>;
  dispose(): void;
}

function disposer(models: tf.LayersModel[]): () => void {
  return () => models.forEach((m) => m.dispose());
}

/**
 * Sequential: conv1 (elu) -> conv2 (elu) -> global average pooling -> dense 8 (elu) -> dense 3 (softmax).
 * Heads after 'conv1' and after 'conv2'.
 */
export function sequentialCnn(): Topology {
  seedCounter = 100;
  const conv1 = tf.layers.conv2d({ name: 'conv1', inputShape: INPUT_SHAPE, filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', ...seeded() });
  const conv2 = tf.layers.conv2d({ name: 'conv2', filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', ...seeded() });
  const pool = tf.layers.globalAveragePooling2d({ name: 'pool' });
  const hidden = tf.layers.dense({ name: 'hidden', units: 8, activation: 'elu', ...seeded() });
  const scores = tf.layers.dense({ name: 'scores', units: CLASSES, activation: 'softmax', ...seeded() });
  const model = tf.sequential({ layers: [conv1, conv2, pool, hidden, scores] });

  const afterConv1 = tf.input({ shape: [6, 6, 4] });
  const head1 = tf.model({ inputs: afterConv1, outputs: copyLayer(scores)(copyLayer(hidden)(copyLayer(pool)(copyLayer(conv2)(afterConv1)))) });
  const afterConv2 = tf.input({ shape: [6, 6, 4] });
  const head2 = tf.model({ inputs: afterConv2, outputs: copyLayer(scores)(copyLayer(hidden)(copyLayer(pool)(afterConv2))) });
  const bodies = {
    conv1: tf.model({ inputs: model.inputs, outputs: conv1.output as tf.SymbolicTensor }),
    conv2: tf.model({ inputs: model.inputs, outputs: conv2.output as tf.SymbolicTensor }),
  };
  return { model, heads: { conv1: head1, conv2: head2 }, bodies, dispose: disposer([model, head1, head2]) };
}

/**
 * Functional with two branches and a residual add:
 *   a = conv 3x3 elu (x); b = conv 3x3 elu (a); c = conv 1x1 elu (a);
 *   residual = add(add(b, c), a); global average pooling; dense 3 softmax.
 * 'a' feeds both branches and the skip connection. Heads after 'a' and after 'residual'.
 */
export function residualCnn(): Topology {
  seedCounter = 200;
  const layers = {
    a: tf.layers.conv2d({ name: 'a', filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', ...seeded() }),
    b: tf.layers.conv2d({ name: 'b', filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', ...seeded() }),
    c: tf.layers.conv2d({ name: 'c', filters: 4, kernelSize: 1, padding: 'same', activation: 'elu', ...seeded() }),
    branches: tf.layers.add({ name: 'branches' }),
    residual: tf.layers.add({ name: 'residual' }),
    pool: tf.layers.globalAveragePooling2d({ name: 'pool' }),
    scores: tf.layers.dense({ name: 'scores', units: CLASSES, activation: 'softmax', ...seeded() }),
  };
  const input = tf.input({ shape: INPUT_SHAPE });
  const a = layers.a.apply(input) as tf.SymbolicTensor;
  const sum = layers.branches.apply([layers.b.apply(a) as tf.SymbolicTensor, layers.c.apply(a) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const residual = layers.residual.apply([sum, a]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: layers.scores.apply(layers.pool.apply(residual)) as tf.SymbolicTensor });

  const afterA = tf.input({ shape: [6, 6, 4] });
  const headSum = copyLayer(layers.branches)([copyLayer(layers.b)(afterA), copyLayer(layers.c)(afterA)]);
  const headA = tf.model({ inputs: afterA, outputs: copyLayer(layers.scores)(copyLayer(layers.pool)(copyLayer(layers.residual)([headSum, afterA]))) });
  const afterResidual = tf.input({ shape: [6, 6, 4] });
  const headResidual = tf.model({ inputs: afterResidual, outputs: copyLayer(layers.scores)(copyLayer(layers.pool)(afterResidual)) });
  const bodies = { a: tf.model({ inputs: input, outputs: a }), residual: tf.model({ inputs: input, outputs: residual }) };
  return { model, heads: { a: headA, residual: headResidual }, bodies, dispose: disposer([model, headA, headResidual]) };
}

/**
 * Transfer-learning style: a base network 'base' (conv 'c1' elu -> conv 'c2' elu) used as
 * one layer of a functional classifier (base -> global average pooling -> dense 3 softmax).
 * Heads after 'base/c1' and after 'base/c2'.
 */
export function nestedCnn(): Topology {
  seedCounter = 300;
  const c1 = tf.layers.conv2d({ name: 'c1', inputShape: INPUT_SHAPE, filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', ...seeded() });
  const c2 = tf.layers.conv2d({ name: 'c2', filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', ...seeded() });
  const base = tf.sequential({ name: 'base', layers: [c1, c2] });
  const pool = tf.layers.globalAveragePooling2d({ name: 'pool' });
  const scores = tf.layers.dense({ name: 'scores', units: CLASSES, activation: 'softmax', ...seeded() });
  const input = tf.input({ shape: INPUT_SHAPE });
  const model = tf.model({ inputs: input, outputs: scores.apply(pool.apply(base.apply(input) as tf.SymbolicTensor)) as tf.SymbolicTensor });

  const afterC1 = tf.input({ shape: [6, 6, 4] });
  const head1 = tf.model({ inputs: afterC1, outputs: copyLayer(scores)(copyLayer(pool)(copyLayer(c2)(afterC1))) });
  const afterC2 = tf.input({ shape: [6, 6, 4] });
  const head2 = tf.model({ inputs: afterC2, outputs: copyLayer(scores)(copyLayer(pool)(afterC2)) });
  const bodies = {
    'base/c1': tf.model({ inputs: base.inputs, outputs: c1.output as tf.SymbolicTensor }),
    'base/c2': tf.model({ inputs: base.inputs, outputs: c2.output as tf.SymbolicTensor }),
  };
  return { model, heads: { 'base/c1': head1, 'base/c2': head2 }, bodies, dispose: disposer([model, head1, head2]) };
}

/** Seeded images in [0, 1], (n, 6, 6, 2). */
export function seededImages(n: number, seed = 5): tf.Tensor4D {
  return tf.randomUniform([n, ...INPUT_SHAPE], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/**
 * Central finite differences of `head(a)[target]` with respect to every element of
 * one activation `a` (1, h, w, k): all 2 * size perturbed copies go through the head in one call.
 */
export async function finiteDifferenceGradient(head: tf.LayersModel, a: tf.Tensor4D, target: number, step = 1e-2): Promise<Float32Array> {
  const size = a.size;
  const differences = tf.tidy(() => {
    const offsets = tf.mul(tf.eye(size), step).reshape([size, ...a.shape.slice(1)]);
    const perturbed = tf.concat([tf.add(a, offsets), tf.sub(a, offsets)]);
    const scores = (head.predict(perturbed) as tf.Tensor2D).slice([0, target], [2 * size, 1]).reshape([2, size]);
    return tf.div(tf.sub(scores.slice([0, 0], [1, size]), scores.slice([1, 0], [1, size])), 2 * step);
  });
  const values = (await differences.data()) as Float32Array;
  differences.dispose();
  return values;
}
