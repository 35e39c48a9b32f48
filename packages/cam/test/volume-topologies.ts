import * as tf from '@tensorflow/tfjs';
import { GlobalAveragePooling3D } from '@tfxai/volume-layers';
import { CLASSES, copyLayer, type Topology } from './topologies.js';

/**
 * The 3-D twins of ./topologies.ts: small seeded volume classifiers (input (D, H, W, C) =
 * (4, 6, 8, 2), non-cubic) of the three topologies, each with heads (independent copies of
 * the part after a target layer, weights copied) and bodies (sub-models up to the layer).
 * ELU activations, as in 2-D.
 */
export const VOLUME_SHAPE: [number, number, number, number] = [4, 6, 8, 2];

let seedCounter = 0;
function seeded(): { kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform>; biasInitializer: ReturnType<typeof tf.initializers.glorotUniform> } {
  seedCounter += 2;
  return {
    kernelInitializer: tf.initializers.glorotUniform({ seed: seedCounter }),
    biasInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.15, seed: seedCounter + 1 }),
  };
}

const conv3d = (name: string, filters: number, kernelSize: number, extra: object = {}) =>
  tf.layers.conv3d({ name, filters, kernelSize, padding: 'same', activation: 'elu', ...seeded(), ...extra });

function disposer(models: tf.LayersModel[]): () => void {
  return () => models.forEach((m) => m.dispose());
}

/**
 * Sequential: conv1 (3 filters) -> pool (AveragePooling3D 2) -> conv2 (4 filters) -> GlobalAveragePooling3D
 * -> dense 8 elu -> dense 3 softmax. conv1 is (4, 6, 8, 3), conv2 (2, 3, 4, 4): conv2's maps are resized.
 * Heads after 'conv1' and 'conv2'.
 */
export function sequentialVolumeCnn(): Topology {
  seedCounter = 400;
  const conv1 = conv3d('conv1', 3, 3, { inputShape: VOLUME_SHAPE });
  const pool = tf.layers.averagePooling3d({ name: 'pool', poolSize: 2 });
  const conv2 = conv3d('conv2', 4, 3);
  const gap = new GlobalAveragePooling3D({ name: 'gap' });
  const hidden = tf.layers.dense({ name: 'hidden', units: 8, activation: 'elu', ...seeded() });
  const scores = tf.layers.dense({ name: 'scores', units: CLASSES, activation: 'softmax', ...seeded() });
  const model = tf.sequential({ name: 'sequential_volume_cnn', layers: [conv1, pool, conv2, gap, hidden, scores] });

  const afterConv1 = tf.input({ shape: [4, 6, 8, 3] });
  const head1 = tf.model({ inputs: afterConv1, outputs: copyLayer(scores)(copyLayer(hidden)(copyLayer(gap)(copyLayer(conv2)(copyLayer(pool)(afterConv1))))) });
  const afterConv2 = tf.input({ shape: [2, 3, 4, 4] });
  const head2 = tf.model({ inputs: afterConv2, outputs: copyLayer(scores)(copyLayer(hidden)(copyLayer(gap)(afterConv2))) });
  const bodies = {
    conv1: tf.model({ inputs: model.inputs, outputs: conv1.output as tf.SymbolicTensor }),
    conv2: tf.model({ inputs: model.inputs, outputs: conv2.output as tf.SymbolicTensor }),
  };
  return { model, heads: { conv1: head1, conv2: head2 }, bodies, dispose: disposer([model, head1, head2]) };
}

/**
 * Functional with two branches and a residual add, in 3-D:
 *   a = conv3d 3x3x3 elu (x); b = conv3d 3x3x3 elu (a); c = conv3d 1x1x1 elu (a);
 *   residual = add(add(b, c), a); GlobalAveragePooling3D; dense 3 softmax.
 * Heads after 'a' and after 'residual' (the last 5-D layer).
 */
export function residualVolumeCnn(): Topology {
  seedCounter = 500;
  const layers = {
    a: conv3d('a', 3, 3),
    b: conv3d('b', 3, 3),
    c: conv3d('c', 3, 1),
    branches: tf.layers.add({ name: 'branches' }),
    residual: tf.layers.add({ name: 'residual' }),
    gap: new GlobalAveragePooling3D({ name: 'gap' }),
    scores: tf.layers.dense({ name: 'scores', units: CLASSES, activation: 'softmax', ...seeded() }),
  };
  const input = tf.input({ shape: VOLUME_SHAPE });
  const a = layers.a.apply(input) as tf.SymbolicTensor;
  const sum = layers.branches.apply([layers.b.apply(a) as tf.SymbolicTensor, layers.c.apply(a) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const residual = layers.residual.apply([sum, a]) as tf.SymbolicTensor;
  const model = tf.model({ name: 'residual_volume_cnn', inputs: input, outputs: layers.scores.apply(layers.gap.apply(residual)) as tf.SymbolicTensor });

  const afterA = tf.input({ shape: [4, 6, 8, 3] });
  const headSum = copyLayer(layers.branches)([copyLayer(layers.b)(afterA), copyLayer(layers.c)(afterA)]);
  const headA = tf.model({ inputs: afterA, outputs: copyLayer(layers.scores)(copyLayer(layers.gap)(copyLayer(layers.residual)([headSum, afterA]))) });
  const afterResidual = tf.input({ shape: [4, 6, 8, 3] });
  const headResidual = tf.model({ inputs: afterResidual, outputs: copyLayer(layers.scores)(copyLayer(layers.gap)(afterResidual)) });
  const bodies = { a: tf.model({ inputs: input, outputs: a }), residual: tf.model({ inputs: input, outputs: residual }) };
  return { model, heads: { a: headA, residual: headResidual }, bodies, dispose: disposer([model, headA, headResidual]) };
}

/**
 * A 3-D base network 'base' (conv3d 'c1' -> conv3d 'c2') used as one layer of a functional
 * classifier (base -> GlobalAveragePooling3D -> dense 3 softmax). Heads after 'base/c1' and 'base/c2'.
 */
export function nestedVolumeCnn(): Topology {
  seedCounter = 600;
  const c1 = conv3d('c1', 3, 3, { inputShape: VOLUME_SHAPE });
  const c2 = conv3d('c2', 3, 3);
  const base = tf.sequential({ name: 'base', layers: [c1, c2] });
  const gap = new GlobalAveragePooling3D({ name: 'gap' });
  const scores = tf.layers.dense({ name: 'scores', units: CLASSES, activation: 'softmax', ...seeded() });
  const input = tf.input({ shape: VOLUME_SHAPE });
  const model = tf.model({ name: 'nested_volume_cnn', inputs: input, outputs: scores.apply(gap.apply(base.apply(input) as tf.SymbolicTensor)) as tf.SymbolicTensor });

  const afterC1 = tf.input({ shape: [4, 6, 8, 3] });
  const head1 = tf.model({ inputs: afterC1, outputs: copyLayer(scores)(copyLayer(gap)(copyLayer(c2)(afterC1))) });
  const afterC2 = tf.input({ shape: [4, 6, 8, 3] });
  const head2 = tf.model({ inputs: afterC2, outputs: copyLayer(scores)(copyLayer(gap)(afterC2)) });
  const bodies = {
    'base/c1': tf.model({ inputs: base.inputs, outputs: c1.output as tf.SymbolicTensor }),
    'base/c2': tf.model({ inputs: base.inputs, outputs: c2.output as tf.SymbolicTensor }),
  };
  return { model, heads: { 'base/c1': head1, 'base/c2': head2 }, bodies, dispose: disposer([model, head1, head2]) };
}

/** Seeded volumes in [0, 1], (n, 4, 6, 8, 2). */
export function seededVolumes(n: number, seed = 5): tf.Tensor5D {
  return tf.randomUniform([n, ...VOLUME_SHAPE], 0, 1, 'float32', seed) as tf.Tensor5D;
}
