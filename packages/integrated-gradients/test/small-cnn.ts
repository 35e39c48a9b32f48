import * as tf from '@tensorflow/tfjs';

/**
 * A small seeded softmax CNN over 12x12x3 inputs with 3 classes: conv, max-pool,
 * conv, flatten, dense. Built fresh on the active backend.
 */
export function smallSoftmaxCnn(seed = 7): tf.LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: init(1), biasInitializer: 'zeros' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
}

/** Seeded images in [0, 1], (n, 12, 12, 3). */
export function seededImages(n: number, seed = 11): tf.Tensor4D {
  return tf.randomUniform([n, 12, 12, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
}
