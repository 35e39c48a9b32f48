// Peak resident memory of Integrated Gradients on a MobileNetV2-like model at 224x224
// (random weights, built here with tfjs-layers): two images, numSteps 50 by default.
// Not a timed test: run `node bench/ig-memory.mjs [internalBatchSize] [numSteps] [backend]` after `npm run build`.
// The peak is the kernel's maximum resident set size of this process (process.resourceUsage().maxRSS).
import * as tf from '@tensorflow/tfjs';
import { decoder, initBackend } from 'tfxai';
import { mobileNetV2Like } from './mobilenet-v2-like.mjs';

const internalBatchSize = Number(process.argv[2] ?? 8);
const numSteps = Number(process.argv[3] ?? 50);
const backend = process.argv[4] ?? 'wasm';
await initBackend({ backend, log: () => {} });
const model = mobileNetV2Like(tf);
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
