import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { expectAllClose, forEachBackend } from '@tfxai/test-utils';
import '../src/index.js';
import { sequenceValues } from './volume-reference.js';

/**
 * A Keras 3-D classifier as tensorflowjs_converter writes it (snake_case
 * config keys, Keras's class names), with the usual ResNet/DenseNet-3D head:
 * Conv3D -> BatchNormalization -> ZeroPadding3D -> Cropping3D -> UpSampling3D
 * -> GlobalAveragePooling3D -> Dense. Stock tfjs-layers 4.22 cannot load it.
 */
function kerasTopology(): object {
  const layer = (className: string, config: object) => ({ class_name: className, config: { trainable: true, dtype: 'float32', ...config } });
  return {
    class_name: 'Sequential',
    config: {
      name: 'keras_3d',
      layers: [
        layer('InputLayer', { batch_input_shape: [null, 4, 5, 6, 1], name: 'volume', sparse: false }),
        layer('Conv3D', { name: 'conv', filters: 2, kernel_size: [3, 3, 3], strides: [1, 1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1, 1], activation: 'relu', use_bias: true, kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: { class_name: 'Zeros', config: {} } }),
        layer('BatchNormalization', { name: 'bn', axis: [-1], momentum: 0.99, epsilon: 0.001, center: true, scale: false }),
        layer('ZeroPadding3D', { name: 'pad', padding: [[1, 1], [0, 1], [2, 0]], data_format: 'channels_last' }),
        layer('Cropping3D', { name: 'crop', cropping: [[0, 1], [1, 0], [1, 1]], data_format: 'channels_last' }),
        layer('UpSampling3D', { name: 'up', size: [2, 1, 1], data_format: 'channels_last' }),
        layer('GlobalAveragePooling3D', { name: 'gap', data_format: 'channels_last', keepdims: false }),
        layer('Dense', { name: 'head', units: 3, activation: 'linear', use_bias: true, kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: { class_name: 'Zeros', config: {} } }),
      ],
    },
    keras_version: '2.15.0',
    backend: 'tensorflow',
  };
}

forEachBackend(() => {
  it('a converted Keras 3-D classifier with global 3-D pooling, padding, cropping, upsampling and 5-D batch norm loads and predicts', async () => {
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: kerasTopology() }));
    expect(model.layers.map((l) => l.getClassName())).to.deep.equal(['InputLayer', 'Conv3D', 'BatchNormalization', 'ZeroPadding3D', 'Cropping3D', 'UpSampling3D', 'GlobalAveragePooling3D', 'Dense']);
    expect(model.outputs[0]!.shape).to.deep.equal([null, 3]);
    // With the weights set by hand the whole model has a closed form: conv is a 1x1x1 identity
    // (centre tap 1, relu), bn subtracts 0.5 and divides by sqrt(1 + eps), the spatial layers keep
    // or zero voxels, GAP averages and Dense sums with weights [1, 2, 3].
    const conv = tf.zeros([3, 3, 3, 1, 2]).bufferSync();
    conv.set(1, 1, 1, 1, 0, 0);
    conv.set(1, 1, 1, 1, 0, 1);
    model.getLayer('conv').setWeights([conv.toTensor(), tf.zeros([2])]);
    model.getLayer('bn').setWeights([tf.zeros([2]), tf.fill([2], 0.5), tf.ones([2])]);
    model.getLayer('head').setWeights([tf.tensor2d([[1, 2, 3], [1, 2, 3]]), tf.zeros([3])]);
    const values = sequenceValues(4 * 5 * 6, 5).map(Math.abs);
    const x = tf.tensor(values, [1, 4, 5, 6, 1]);
    const y = model.predict(x) as tf.Tensor;
    // Reference: the same definitions by plain loops (pad, then crop, then average).
    const normed = (v: number) => (Math.max(v, 0) - 0.5) / Math.sqrt(1 + 0.001);
    const padded: number[][][] = [];
    const [D, H, W] = [4, 5, 6];
    const pad = [[1, 1], [0, 1], [2, 0]] as const;
    for (let d = 0; d < D + 2; d++) {
      padded.push([]);
      for (let h = 0; h < H + 1; h++) {
        padded[d]!.push([]);
        for (let w = 0; w < W + 2; w++) {
          const [sd, sh, sw] = [d - pad[0][0], h - pad[1][0], w - pad[2][0]];
          const inside = sd >= 0 && sd < D && sh >= 0 && sh < H && sw >= 0 && sw < W;
          padded[d]![h]!.push(inside ? normed(values[(sd * H + sh) * W + sw]!) : 0);
        }
      }
    }
    let sum = 0;
    let count = 0;
    for (let d = 0; d < D + 2 - 1; d++) for (let h = 1; h < H + 1; h++) for (let w = 1; w < W + 2 - 1; w++) {
      sum += 2 * padded[d]![h]![w]!; // UpSampling3D doubles depth: each voxel counted twice ...
      count += 2; // ... and so is the count, so the mean is unchanged
    }
    const mean = sum / count;
    expectAllClose(y.dataSync(), [2 * mean, 4 * mean, 6 * mean], 1e-5, 1e-5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('a model built with the layers saves and loads back to the same predictions', async () => {
    const { GlobalMaxPooling3D, UpSampling3D } = await import('../src/index.js');
    const model = tf.sequential({
      layers: [
        tf.layers.conv3d({ inputShape: [3, 4, 4, 1], filters: 2, kernelSize: 2, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        new UpSampling3D({ size: [1, 2, 2] }),
        new GlobalMaxPooling3D(),
        tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(JSON.stringify(saved!.modelTopology)).to.contain('"class_name":"GlobalMaxPooling3D"').and.contain('"class_name":"UpSampling3D"');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.tensor(sequenceValues(48, 9), [1, 3, 4, 4, 1]);
    const [a, b] = [model, loaded].map((m) => m.predict(x) as tf.Tensor);
    expect(Array.from(b!.dataSync())).to.deep.equal(Array.from(a!.dataSync()));
    tf.dispose([x, a!, b!]);
    model.dispose();
    loaded.dispose();
  });
});
