#!/usr/bin/env node
// Where one map's time goes, kernel by kernel: tf.profile over the 51-point IG batch (every path
// point's forward and backward pass in one call, inside tfxai's kernel scope) on the 224x224x3
// VGG-style model, wasm. Composite kernels include the kernels they run (tfxai's
// Conv2DBackpropInput is one Conv2D), so the column does not sum to the wall time.
//
//   node bench/kernel-profile.mjs [--threads N] [--top K]     (defaults: 1 thread, top 25)
import { buildModel } from './models.mjs';

const args = { threads: 1, top: 25 };
for (let i = 2; i < process.argv.length; i++) {
  const [flag, value] = [process.argv[i], Number(process.argv[i + 1])];
  if ((flag === '--threads' || flag === '--top') && Number.isInteger(value) && value > 0) {
    args[flag.slice(2)] = value;
    i++;
  } else {
    console.log('usage: node bench/kernel-profile.mjs [--threads N] [--top K]');
    process.exit(flag === '--help' || flag === '-h' ? 0 : 2);
  }
}

const tf = await import('@tensorflow/tfjs');
const core = await import('@tfxai/core');
await import('tfxai'); // registers tfxai's wasm kernels
await core.initBackend({ backend: 'wasm', wasmThreads: args.threads, log: () => {} });
const model = await buildModel(tf, 'vgg', 224);
const image = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 42);
const selector = tf.oneHot([3], 10).toFloat();
const gradient = tf.grad((x) => tf.sum(tf.mul(model.apply(x), selector)));
const points = tf.tidy(() => tf.mul(tf.tile(image, [51, 1, 1, 1]), tf.linspace(0, 1, 51).reshape([51, 1, 1, 1])));
for (let i = 0; i < 2; i++) tf.dispose(core.withTfxaiKernels(() => gradient(points))); // warm-up (and helper threads online)

const start = performance.now();
const profile = await tf.profile(() => core.withTfxaiKernels(() => gradient(points)));
const wall = performance.now() - start;
const byKernel = new Map();
for (const kernel of profile.kernels) {
  const key = `${kernel.name} ${JSON.stringify(kernel.inputShapes[0])}`;
  const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
  entry.ms += await kernel.kernelTimeMs;
  entry.calls++;
  byKernel.set(key, entry);
}
tf.dispose([profile.result, points, image, selector]);
console.log(`IG batch (51 points), 224x224x3 VGG-style, wasm, ${await core.wasmThreadCount()} thread(s): ${Math.round(wall)} ms under the profiler`);
console.log('| ms | calls | kernel and first input shape |\n| --- | --- | --- |');
for (const [key, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, args.top)) console.log(`| ${ms.toFixed(1)} | ${calls} | ${key} |`);
process.exit(0);
