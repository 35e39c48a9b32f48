// Seeded end-to-end pipeline: data -> train -> evaluate -> save -> reload check
// -> example images -> verify. Run: node examples/synthetic-shapes/train.mjs
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { makeDataset, CLASS_NAMES, IMAGE_SIZE, CHANNELS } from './dataset.mjs';
import { permutation } from './prng.mjs';
import { buildModel } from './model.mjs';
import { fileSaveHandler } from './save-model.mjs';
import { loadExampleModel, MODEL_DIR } from './load-model.mjs';
import { installWasmConvGradient } from './wasm-conv-grad.mjs';
import { writeExampleImages } from './generate.mjs';
import { verifyExamples, printResults } from './verify.mjs';

const CONFIG = {
  seed: 1234, // train data = seed, test data = seed + 1, weights = seed + 2, shuffles = seed + 100 + epoch
  trainCount: 4000,
  testCount: 1000,
  epochs: 8,
  batchSize: 32,
  learningRate: 0.003,
};

installWasmConvGradient(); // wasm has no Conv2DBackpropFilter kernel
await tf.setBackend('wasm');
const started = Date.now();
const secs = () => ((Date.now() - started) / 1000).toFixed(1);

const toTensors = (ds) => [tf.tensor4d(ds.images, ds.shape), tf.oneHot(ds.labels, CLASS_NAMES.length)];
const [xTrain, yTrain] = toTensors(makeDataset({ count: CONFIG.trainCount, seed: CONFIG.seed }));
const testSet = makeDataset({ count: CONFIG.testCount, seed: CONFIG.seed + 1 });
const [xTest] = toTensors(testSet);
console.log(`data ready (${secs()} s): train ${CONFIG.trainCount}, test ${CONFIG.testCount}`);

function accuracy(model, x, labels) {
  const pred = tf.tidy(() => model.predict(x, { batchSize: 256 }).argMax(-1)).arraySync();
  return pred.filter((p, i) => p === labels[i]).length / labels.length;
}

const model = buildModel({ seed: CONFIG.seed + 2 });
model.compile({ optimizer: tf.train.adam(CONFIG.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

for (let epoch = 0; epoch < CONFIG.epochs; epoch++) {
  // Seeded shuffle each epoch (fit's own shuffle uses Math.random).
  const idx = tf.tensor1d(permutation(CONFIG.trainCount, CONFIG.seed + 100 + epoch), 'int32');
  const [xs, ys] = [tf.gather(xTrain, idx), tf.gather(yTrain, idx)];
  const h = await model.fit(xs, ys, { epochs: 1, batchSize: CONFIG.batchSize, shuffle: false, verbose: 0 });
  tf.dispose([idx, xs, ys]);
  const testAcc = accuracy(model, xTest, testSet.labels);
  console.log(`epoch ${epoch + 1}/${CONFIG.epochs} loss ${h.history.loss[0].toFixed(4)} ` +
    `train acc ${h.history.acc[0].toFixed(4)} test acc ${testAcc.toFixed(4)} (${secs()} s)`);
}
const trainSeconds = Number(secs());
const testAccuracy = accuracy(model, xTest, testSet.labels);
console.log(`test accuracy: ${(testAccuracy * 100).toFixed(2)}% on ${CONFIG.testCount} held-out images`);

// Save, reload from disk and require identical predictions.
await model.save(fileSaveHandler(MODEL_DIR));
const reloaded = await loadExampleModel();
const diff = tf.tidy(() => model.predict(xTest).sub(reloaded.predict(xTest)).abs().max().dataSync()[0]);
console.log(`reload check: max |p_saved - p_reloaded| = ${diff}`);
if (diff !== 0) throw new Error('reloaded model predicts differently');

const weights = fs.readFileSync(path.join(MODEL_DIR, 'weights.bin'));
const metrics = {
  accuracy: testAccuracy,
  seed: CONFIG.seed,
  trainSize: CONFIG.trainCount,
  testSize: CONFIG.testCount,
  epochs: CONFIG.epochs,
  batchSize: CONFIG.batchSize,
  learningRate: CONFIG.learningRate,
  inputShape: [IMAGE_SIZE, IMAGE_SIZE, CHANNELS],
  classNames: CLASS_NAMES,
  backend: tf.getBackend(),
  trainSeconds,
  weightsBytes: weights.length,
  weightsSha256: crypto.createHash('sha256').update(weights).digest('hex'),
};
fs.writeFileSync(path.join(MODEL_DIR, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');

writeExampleImages();
const results = await verifyExamples(reloaded);
printResults(results);
if (!results.every((r) => r.ok)) throw new Error('an example image is misclassified');
console.log(`done in ${secs()} s`);
