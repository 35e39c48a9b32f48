import * as tf from '@tensorflow/tfjs';

/**
 * Small seeded models of each family the issue names, over 16x16x3 inputs
 * with 4 classes. Built with the functional API so that branches (adds,
 * concatenations, squeeze-excite multiplies) are real graph merges.
 */
const L = tf.layers;
let seed = 100;
const init = () => tf.initializers.glorotUniform({ seed: seed++ });
const conv = (filters: number, kernelSize: number, extra: Partial<Parameters<typeof L.conv2d>[0]> = {}) =>
  L.conv2d({ filters, kernelSize, padding: 'same', kernelInitializer: init(), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ }), ...extra });
const depthwise = (extra: Partial<Parameters<typeof L.depthwiseConv2d>[0]> = {}) =>
  L.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: init(), ...extra });
const batchNorm = () =>
  L.batchNormalization({
    gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed++ }),
    betaInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: seed++ }),
    movingMeanInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: seed++ }),
    movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed++ }),
  });
const relu6 = () => L.reLU({ maxValue: 6 });
const head = (features: tf.SymbolicTensor) =>
  L.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }).apply(L.globalAveragePooling2d({}).apply(features)) as tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, ...inputs: tf.SymbolicTensor[]) => layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.SymbolicTensor;

function model(name: string, body: (input: tf.SymbolicTensor) => tf.SymbolicTensor): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3] });
  return tf.model({ inputs: input, outputs: body(input), name });
}

export const FAMILIES: Record<string, () => tf.LayersModel> = {
  'VGG-like (conv-relu, max-pool, flatten, dense)': () =>
    model('vgg', (x) => {
      let h = apply(conv(6, 3, { activation: 'relu' }), x);
      h = apply(conv(6, 3, { activation: 'relu' }), h);
      h = apply(L.maxPooling2d({ poolSize: 2 }), h);
      h = apply(conv(8, 3, { activation: 'relu' }), h);
      h = apply(L.maxPooling2d({ poolSize: 2 }), h);
      return apply(L.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }), apply(L.flatten(), h));
    }),
  'ResNet-like (strided conv, BN, residual add, 3x3/2 max-pool)': () =>
    model('resnet', (x) => {
      let h = apply(L.activation({ activation: 'relu' }), apply(batchNorm(), apply(conv(8, 3, { strides: 2 }), x)));
      h = apply(L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), h);
      let r = apply(L.activation({ activation: 'relu' }), apply(batchNorm(), apply(conv(8, 3), h)));
      r = apply(batchNorm(), apply(conv(8, 3), r));
      return head(apply(L.activation({ activation: 'relu' }), apply(L.add(), h, r)));
    }),
  'MobileNet v1-like (depthwise, BN, ReLU6, strided depthwise, multiplier 2)': () =>
    model('mobilenet-v1', (x) => {
      let h = apply(relu6(), apply(batchNorm(), apply(conv(8, 3, { strides: 2, useBias: false }), x)));
      h = apply(relu6(), apply(batchNorm(), apply(depthwise({ useBias: false }), h)));
      h = apply(relu6(), apply(batchNorm(), apply(conv(8, 1, { useBias: false }), h)));
      h = apply(relu6(), apply(batchNorm(), apply(depthwise({ strides: 2, depthMultiplier: 2 }), h)));
      return head(apply(relu6(), apply(batchNorm(), apply(conv(12, 1), h))));
    }),
  'MobileNet v2-like (inverted residual, linear bottleneck, zero-padded valid depthwise)': () =>
    model('mobilenet-v2', (x) => {
      const stem = apply(relu6(), apply(batchNorm(), apply(conv(8, 3, { strides: 2 }), x)));
      let h = apply(relu6(), apply(batchNorm(), apply(conv(16, 1), stem)));
      h = apply(relu6(), apply(batchNorm(), apply(depthwise(), h)));
      h = apply(batchNorm(), apply(conv(8, 1), h));
      const block = apply(L.add(), stem, h);
      let d = apply(L.zeroPadding2d({ padding: [[0, 1], [0, 1]] }), block);
      d = apply(relu6(), apply(batchNorm(), apply(depthwise({ strides: 2, padding: 'valid' }), d)));
      return head(apply(batchNorm(), apply(conv(12, 1), d)));
    }),
  'EfficientNet-like (swish, squeeze-excite multiply, residual)': () =>
    model('efficientnet', (x) => {
      const stem = apply(L.activation({ activation: 'swish' }), apply(batchNorm(), apply(conv(8, 3, { strides: 2 }), x)));
      let h = apply(L.activation({ activation: 'swish' }), apply(batchNorm(), apply(conv(16, 1), stem)));
      h = apply(L.activation({ activation: 'swish' }), apply(batchNorm(), apply(depthwise(), h)));
      let se = apply(L.globalAveragePooling2d({}), h);
      se = apply(L.reshape({ targetShape: [1, 1, 16] }), se);
      se = apply(conv(4, 1, { activation: 'swish' }), se);
      se = apply(conv(16, 1, { activation: 'sigmoid' }), se);
      h = apply(L.multiply(), h, se);
      h = apply(batchNorm(), apply(conv(8, 1), h));
      return head(apply(L.add(), stem, h));
    }),
  'DenseNet-like (BN-ReLU-conv, concatenation, average-pool transition)': () =>
    model('densenet', (x) => {
      let h = apply(conv(6, 3), x);
      for (let i = 0; i < 2; i++) {
        const g = apply(conv(4, 3), apply(L.activation({ activation: 'relu' }), apply(batchNorm(), h)));
        h = apply(L.concatenate({ axis: -1 }), h, g);
      }
      h = apply(L.averagePooling2d({ poolSize: 2 }), apply(conv(8, 1), h));
      return head(apply(L.activation({ activation: 'relu' }), apply(batchNorm(), h)));
    }),
  'Dilated (linear and relu dilated conv2d, dilated separable conv)': () =>
    model('dilated', (x) => {
      let h = apply(L.activation({ activation: 'relu' }), apply(batchNorm(), apply(conv(6, 3, { dilationRate: 2 }), x)));
      h = apply(conv(6, 3, { dilationRate: 3, activation: 'relu', padding: 'valid' }), h);
      h = apply(
        L.separableConv2d({ filters: 8, kernelSize: 3, dilationRate: 2, padding: 'same', depthwiseInitializer: init(), pointwiseInitializer: init() }),
        h,
      );
      return head(h);
    }),
  'Upsampling (nearest and bilinear, skip concatenation)': () =>
    model('upsampling', (x) => {
      const skip = apply(conv(4, 3, { activation: 'relu' }), x);
      let h = apply(conv(6, 3, { strides: 2, activation: 'elu' }), skip);
      h = apply(L.upSampling2d({ size: [2, 2] }), apply(conv(6, 3, { strides: 2, activation: 'sigmoid' }), h));
      h = apply(L.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }), h);
      return head(apply(L.concatenate({ axis: -1 }), skip, h));
    }),
  'Zero padding, valid convs and pools, global max pool': () =>
    model('padding', (x) => {
      let h = apply(L.zeroPadding2d({ padding: 2 }), x);
      h = apply(conv(6, 5, { padding: 'valid', activation: 'tanh' }), h);
      h = apply(L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'valid' }), h);
      h = apply(L.leakyReLU({ alpha: 0.2 }), apply(conv(8, 3, { padding: 'valid', strides: 2 }), h));
      return L.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }).apply(L.globalMaxPooling2d({}).apply(h)) as tf.SymbolicTensor;
    }),
};
