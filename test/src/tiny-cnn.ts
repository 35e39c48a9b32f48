import * as tf from '@tensorflow/tfjs';

/**
 * A tiny seeded conv net on 6x6x3 images (the CAM methods and Guided Grad-CAM need
 * a 4-D layer): conv 3x3 relu with 3 filters, flatten, dense softmax over 2 classes.
 * Build it inside forEachBackend: a model made before the first backend switch would pin tfjs to cpu.
 */
export function tinyCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 3], filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}
