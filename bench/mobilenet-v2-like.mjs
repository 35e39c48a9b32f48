// A MobileNetV2-like model (Sandler et al. 2018, width 1.0), random seeded weights, built with tfjs-layers.
export function mobileNetV2Like(tf, size = 224, classes = 1000) {
  const L = tf.layers;
  let seed = 1;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const bn = (x) => L.batchNormalization({ movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed++ }) }).apply(x);
  const relu6 = (x) => L.reLU({ maxValue: 6 }).apply(x);
  const input = tf.input({ shape: [size, size, 3] });
  let x = relu6(bn(L.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() }).apply(input)));
  let channels = 32;
  // (expansion, output channels, repeats, first stride) of the inverted residual blocks.
  const settings = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  for (const [expansion, filters, repeats, firstStride] of settings) {
    for (let r = 0; r < repeats; r++) {
      const stride = r === 0 ? firstStride : 1;
      let y = x;
      if (expansion !== 1) y = relu6(bn(L.conv2d({ filters: channels * expansion, kernelSize: 1, useBias: false, kernelInitializer: init() }).apply(y)));
      y = relu6(bn(L.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: init() }).apply(y)));
      y = bn(L.conv2d({ filters, kernelSize: 1, useBias: false, kernelInitializer: init() }).apply(y));
      x = stride === 1 && channels === filters ? L.add().apply([x, y]) : y;
      channels = filters;
    }
  }
  x = relu6(bn(L.conv2d({ filters: 1280, kernelSize: 1, useBias: false, kernelInitializer: init() }).apply(x)));
  x = L.globalAveragePooling2d({}).apply(x);
  const output = L.dense({ units: classes, activation: 'softmax', kernelInitializer: init() }).apply(x);
  return tf.model({ inputs: input, outputs: output });
}
