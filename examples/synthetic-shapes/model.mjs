// The small CNN. Layer names are stable so explainers (Grad-CAM etc.) can find
// 'conv3', the last layer with a 4-D output, right before global pooling.
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, CHANNELS, CLASS_NAMES } from './dataset.mjs';

export function buildModel({ seed }) {
  // Distinct seeds per layer: identical seeds would give identical kernels.
  const init = (k) => tf.initializers.glorotUniform({ seed: seed + k });
  const conv = (name, filters, k, extra = {}) =>
    tf.layers.conv2d({
      name, filters, kernelSize: 3, padding: 'same', activation: 'relu',
      kernelInitializer: init(k), biasInitializer: 'zeros', ...extra,
    });
  const model = tf.sequential({ name: 'synthetic_shapes_cnn' });
  model.add(conv('conv1', 16, 1, { inputShape: [IMAGE_SIZE, IMAGE_SIZE, CHANNELS] }));
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(conv('conv2', 32, 2));
  model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  model.add(conv('conv3', 32, 3));
  model.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  model.add(tf.layers.dense({
    name: 'dense', units: CLASS_NAMES.length, activation: 'softmax',
    kernelInitializer: init(4), biasInitializer: 'zeros',
  }));
  return model;
}
