// Seeded end-to-end pipeline for the 3-D example: data -> train -> evaluate ->
// save -> reload check -> example volumes. Run after `npm run build`:
//   node examples/synthetic-volumes/train.mjs
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tfxai/wasm-kernels'; // exact Conv3D gradients on wasm (stock is wrong there), inside withTfxaiKernels
import { withTfxaiKernels } from '@tfxai/core';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { permutation } from '../synthetic-shapes/prng.mjs';
import { fileSaveHandler } from '../synthetic-shapes/save-model.mjs';
import { makeVolumes, CLASS_NAMES, VOLUME_SIZE, CHANNELS } from './dataset.mjs';
import { buildModel } from './model.mjs';
import { loadVolumeModel, MODEL_DIR } from './load-model.mjs';
import { writeExampleVolumes } from './generate.mjs';

const CONFIG = {
  seed: 4321, // train data = seed, test data = seed + 1, weights = seed + 2, shuffles = seed + 100 + epoch
  trainCount: Number(process.env.TRAIN_COUNT ?? 900),
  testCount: 300,
  epochs: Number(process.env.EPOCHS ?? 10),
  batchSize: 16,
  learningRate: 0.003,
};

await tf.setBackend('wasm');
const started = Date.now();
const secs = () => ((Date.now() - started) / 1000).toFixed(1);
const train = makeVolumes({ count: CONFIG.trainCount, seed: CONFIG.seed });
const test = makeVolumes({ count: CONFIG.testCount, seed: CONFIG.seed + 1 });
const xTrain = tf.tensor5d(train.volumes, train.shape);
const yTrain = tf.oneHot(train.labels, CLASS_NAMES.length);
const xTest = tf.tensor5d(test.volumes, test.shape);
console.log(`data ready (${secs()} s): train ${CONFIG.trainCount}, test ${CONFIG.testCount}`);

function accuracy(model, x, labels) {
  // Inside tfxai's kernel scope the forward Conv3D runs as XNNPACK conv2ds (stock wasm's is a slow loop).
  const pred = withTfxaiKernels(() => tf.tidy(() => model.predict(x, { batchSize: 32 }).argMax(-1))).arraySync();
  return pred.filter((p, i) => p === labels[i]).length / labels.length;
}

const model = buildModel({ seed: CONFIG.seed + 2 });
const optimizer = tf.train.adam(CONFIG.learningRate);
for (let epoch = 0; epoch < CONFIG.epochs; epoch++) {
  const order = permutation(CONFIG.trainCount, CONFIG.seed + 100 + epoch);
  let lossSum = 0;
  for (let start = 0; start < CONFIG.trainCount; start += CONFIG.batchSize) {
    const idx = tf.tensor1d(order.slice(start, start + CONFIG.batchSize), 'int32');
    const [xs, ys] = [tf.gather(xTrain, idx), tf.gather(yTrain, idx)];
    // A plain training step (model.fit awaits between batches, and tfxai's kernel scope must not span an await).
    const loss = withTfxaiKernels(() => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true })).mean(), true));
    lossSum += loss.dataSync()[0] * idx.size;
    tf.dispose([idx, xs, ys, loss]);
  }
  console.log(`epoch ${epoch + 1}/${CONFIG.epochs} loss ${(lossSum / CONFIG.trainCount).toFixed(4)} test acc ${accuracy(model, xTest, test.labels).toFixed(4)} (${secs()} s)`);
}
const trainSeconds = Number(secs());
const testAccuracy = accuracy(model, xTest, test.labels);
console.log(`test accuracy: ${(testAccuracy * 100).toFixed(2)}% on ${CONFIG.testCount} held-out volumes`);

await model.save(fileSaveHandler(MODEL_DIR));
const reloaded = await loadVolumeModel();
const diff = withTfxaiKernels(() => tf.tidy(() => model.predict(xTest, { batchSize: 32 }).sub(reloaded.predict(xTest, { batchSize: 32 })).abs().max().dataSync()[0]));
console.log(`reload check: max |p_saved - p_reloaded| = ${diff}`);
if (diff !== 0) throw new Error('reloaded model predicts differently');

const weights = fs.readFileSync(path.join(MODEL_DIR, 'weights.bin'));
const metrics = {
  accuracy: testAccuracy, ...CONFIG, inputShape: [VOLUME_SIZE, VOLUME_SIZE, VOLUME_SIZE, CHANNELS], classNames: CLASS_NAMES,
  backend: tf.getBackend(), trainSeconds, weightsBytes: weights.length, weightsSha256: crypto.createHash('sha256').update(weights).digest('hex'),
};
fs.writeFileSync(path.join(MODEL_DIR, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
await writeExampleVolumes(reloaded);
console.log(`done (${secs()} s)`);
