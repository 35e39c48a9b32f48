// The small 3-D CNN. 'conv3' is the last layer with a 5-D output (Grad-CAM's
// target), right before GlobalAveragePooling3D, a Keras layer tfjs-layers 4.22
// lacks: loading this model needs '@tfxai/volume-layers' (or 'tfxai') imported.
import * as tf from '@tensorflow/tfjs';
import { GlobalAveragePooling3D } from '@tfxai/volume-layers';
import { VOLUME_SIZE, CHANNELS, CLASS_NAMES } from './dataset.mjs';

export function buildModel({ seed }) {
  const init = (k) => tf.initializers.glorotUniform({ seed: seed + k });
  const conv = (name, filters, k, extra = {}) =>
    tf.layers.conv3d({ name, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(k), biasInitializer: 'zeros', ...extra });
  const model = tf.sequential({ name: 'synthetic_volumes_cnn' });
  model.add(conv('conv1', 8, 1, { inputShape: [VOLUME_SIZE, VOLUME_SIZE, VOLUME_SIZE, CHANNELS] }));
  model.add(tf.layers.maxPooling3d({ name: 'pool1', poolSize: 2 }));
  model.add(conv('conv2', 16, 2));
  model.add(tf.layers.maxPooling3d({ name: 'pool2', poolSize: 2 }));
  model.add(conv('conv3', 16, 3));
  model.add(new GlobalAveragePooling3D({ name: 'gap' }));
  model.add(tf.layers.dense({ name: 'dense', units: CLASS_NAMES.length, activation: 'softmax', kernelInitializer: init(4), biasInitializer: 'zeros' }));
  return model;
}
