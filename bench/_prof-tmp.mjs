import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@tfxai/core';
import { decoder } from 'tfxai';
import { buildModel } from './models.mjs';
const size = Number(process.argv[2] ?? 224);
await initBackend({ backend: 'wasm', log: () => {} });
const model = await buildModel(tf, 'vgg', size);
const image = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 42);
for (const reuse of [false, true]) {
  const m = decoder('occlusion')(model, { patchSize: 16, stride: 8, fill: 0, score: 'drop', reuseActivations: reuse });
  (await m.computeHeatmap(image, 1)).dispose();
  const t = performance.now();
  const p = await tf.profile(async () => (await m.computeHeatmap(image, 1)).dispose());
  const total = performance.now() - t;
  const by = {};
  for (const k of p.kernels) { by[k.name] = (by[k.name] ?? 0) + (await k.kernelTimeMs); }
  console.log(reuse ? 'reuse' : 'plain', Math.round(total), JSON.stringify(Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => [k, Math.round(v)])));
}
