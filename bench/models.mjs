// The two 224x224x3 benchmark models, seeded and built in code (no files to download).

export async function buildModel(tf, kind, size) {
  let seed = 1;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const L = tf.layers;
  const model = tf.sequential();
  if (kind === 'vgg') {
    // Three VGG blocks of 3x3 same-padded convs with ReLU and 2x2 max-pools, then a dense softmax.
    const blocks = [[8, 8], [16, 16], [32]];
    blocks.forEach((filters, b) => {
      filters.forEach((f, i) =>
        model.add(L.conv2d({ filters: f, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), ...(b === 0 && i === 0 ? { inputShape: [size, size, 3] } : {}) })),
      );
      model.add(L.maxPooling2d({ poolSize: 2 }));
    });
    model.add(L.flatten());
    model.add(L.dense({ units: 10, activation: 'softmax', kernelInitializer: init() }));
  } else {
    // MobileNet v1 style: strided stem, depthwise-separable blocks (depthwise + BN + ReLU6, pointwise + BN + ReLU6).
    const bn = () =>
      L.batchNormalization({
        gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed++ }),
        movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed++ }),
      });
    model.add(L.conv2d({ inputShape: [size, size, 3], filters: 16, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() }));
    model.add(bn());
    model.add(L.reLU({ maxValue: 6 }));
    for (const [filters, stride] of [[32, 1], [64, 2], [64, 1], [128, 2], [128, 1], [256, 2]]) {
      model.add(L.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: init() }));
      model.add(bn());
      model.add(L.reLU({ maxValue: 6 }));
      model.add(L.conv2d({ filters, kernelSize: 1, useBias: false, kernelInitializer: init() }));
      model.add(bn());
      model.add(L.reLU({ maxValue: 6 }));
    }
    model.add(L.globalAveragePooling2d({}));
    model.add(L.dense({ units: 10, activation: 'softmax', kernelInitializer: init() }));
  }
  return model;
}
