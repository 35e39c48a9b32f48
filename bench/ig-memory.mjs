// Peak resident memory of Integrated Gradients on a MobileNetV2-like model at 224x224
// (random weights, built here with tfjs-layers): two images, numSteps 50 by default.
// Not a timed test: run `node bench/ig-memory.mjs [internalBatchSize] [numSteps] [backend]` after `npm run build`.
// The peak is the kernel's maximum resident set size of this process (process.resourceUsage().maxRSS).
import * as tf from '@tensorflow/tfjs';
import { decoder, initBackend } from 'tfxai';

/** MobileNetV2 (Sandler et al. 2018), width 1.0: inverted residual blocks with expansion 6, ReLU6, batch norm. */
export function mobileNetV2Like(size = 224, classes = 1000) {
  const L = tf.layers;
  let seed = 1;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const bn = (x) => L.batchNormalization({ movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed++ }) }).apply(x);
  const relu6 = (x) => L.reLU({ maxValue: 6 }).apply(x);
  const input = tf.input({ shape: [size, size, 3] });
  let x = relu6(bn(L.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() }).apply(input)));
  let channels = 32;
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

const internalBatchSize = Number(process.argv[2] ?? 8);
const numSteps = Number(process.argv[3] ?? 50);
const backend = process.argv[4] ?? 'wasm';
await initBackend({ backend, log: () => {} });
const model = mobileNetV2Like();
const images = tf.randomUniform([2, 224, 224, 3], 0, 1, 'float32', 7);
const mb = (bytes) => Math.round(bytes / 2 ** 20);
const before = mb(process.memoryUsage().rss);
const started = Date.now();
const { attributions, convergenceDelta } = await decoder('ig')(model, { numSteps, internalBatchSize }).attribute(images, [3, 5]);
const seconds = (Date.now() - started) / 1000;
const finite = (await attributions.data()).every(Number.isFinite);
console.log(
  JSON.stringify({ backend: tf.getBackend(), internalBatchSize, numSteps, images: 2, rssBeforeMB: before, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), seconds, finite, convergenceDelta }),
);
tf.dispose([attributions, images]);
model.dispose();
