#!/usr/bin/env node
// Occlusion with reuseActivations (packages/perturbation/src/occlusion-reuse.ts) against the plain
// computation, on wasm, one thread: the 224x224x3 VGG-style bench model (patch 16, stride 8: 729
// windows) and the bundled example model (64x64x3; its default patch 8, and AUCMEDI's patch 16).
// Prints per configuration: ms per map plain and with reuse (median of --repeats after a warm-up,
// both measured alternately in the same process), the speed-up, the multiply-adds the reuse spent
// as a fraction of the plain pass's, and max |reuse - plain| / max |plain| of the sensitivity map.
//
//   node bench/occlusion-reuse.mjs [--quick] [--repeats N] [--out FILE]   (npm run bench runs it)
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { adaptModel, initBackend } from '@tfxai/core';
import { ActivationReuse, windowSpans } from '@tfxai/perturbation';
import { decoder } from 'tfxai';
import { loadExampleModel } from '../examples/synthetic-shapes/load-model.mjs';
import { buildModel } from './models.mjs';

const args = { quick: false, repeats: 3, out: undefined };
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--quick') [args.quick, args.repeats] = [true, 1];
  else if (process.argv[i] === '--repeats') args.repeats = Number(process.argv[++i]);
  else if (process.argv[i] === '--out') args.out = resolve(process.argv[++i]);
  else {
    console.log('usage: node bench/occlusion-reuse.mjs [--quick] [--repeats N] [--out FILE]');
    process.exit(2);
  }
}

await initBackend({ backend: 'wasm', log: () => {} });
const size = args.quick ? 96 : 224;
const configurations = [
  { model: `VGG-style ${size}x${size}x3`, load: () => buildModel(tf, 'vgg', size), size, options: { patchSize: 16, stride: 8, fill: 0, score: 'drop' } },
  { model: 'example 64x64x3 (default patch 8)', load: () => loadExampleModel(), size: 64, options: {} },
  { model: 'example 64x64x3 (AUCMEDI patch 16)', load: () => loadExampleModel(), size: 64, options: { patchSize: 16, fill: 127.5 } },
];

/** Multiply-adds the reuse spends over the plain pass's, for every window of one map. */
async function spentFraction(model, image, options) {
  const [, height, width] = image.shape;
  const patch = options.patchSize ?? Math.max(1, Math.round(Math.min(height, width) / 8));
  const stride = options.stride ?? patch;
  const rows = windowSpans(height, patch, stride, 'clip');
  const cols = windowSpans(width, patch, stride, 'clip');
  const windows = rows.flatMap((row) => cols.map((col) => [row, col]));
  const reuse = ActivationReuse.plan(adaptModel(model), image);
  if (!reuse) return undefined;
  const background = tf.zerosLike(image);
  await reuse.scores(background, windows, 32, 0, model.outputs[0].shape[1]);
  reuse.dispose();
  background.dispose();
  return { windows: windows.length, fraction: reuse.savings.spent / reuse.savings.plain };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const load = os.loadavg();
const rows = [];
for (const config of configurations) {
  const model = await config.load();
  const image = tf.randomUniform([1, config.size, config.size, 3], 0, config.options.fill === 127.5 ? 255 : 1, 'float32', 42);
  const plain = decoder('occlusion')(model, config.options);
  const reused = decoder('occlusion')(model, { ...config.options, reuseActivations: true });
  const times = { plain: [], reuse: [] };
  for (let i = 0; i < 1 + args.repeats; i++) {
    for (const [key, method] of [['plain', plain], ['reuse', reused]]) {
      const start = performance.now();
      const map = await method.computeHeatmap(image, 1);
      await map.data();
      map.dispose();
      if (i > 0) times[key].push(performance.now() - start);
    }
  }
  const a = await plain.sensitivityMap(image, 1);
  const b = await reused.sensitivityMap(image, 1);
  const [pa, pb] = [await a.data(), await b.data()];
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < pa.length; i++) [diff, scale] = [Math.max(diff, Math.abs(pa[i] - pb[i])), Math.max(scale, Math.abs(pa[i]))];
  tf.dispose([a, b]);
  const spent = await spentFraction(model, image, config.options);
  rows.push({
    model: config.model,
    windows: spent?.windows,
    plainMs: median(times.plain),
    reuseMs: median(times.reuse),
    plainRuns: times.plain.map(Math.round),
    reuseRuns: times.reuse.map(Math.round),
    spentFraction: spent?.fraction,
    difference: diff / scale,
  });
  image.dispose();
  model.dispose();
}

console.log(`Occlusion, reuseActivations vs plain, wasm 1 thread, median of ${args.repeats} (after 1 warm-up); load average before: ${load.map((l) => l.toFixed(2)).join(' ')}`);
const header = ['model', 'windows', 'plain ms (runs)', 'reuse ms (runs)', 'speed-up', 'multiply-adds spent', 'saved', 'max diff / max'];
const body = rows.map((r) => [
  r.model,
  String(r.windows),
  `${Math.round(r.plainMs)} (${r.plainRuns.join(' ')})`,
  `${Math.round(r.reuseMs)} (${r.reuseRuns.join(' ')})`,
  `${(r.plainMs / r.reuseMs).toFixed(2)}x`,
  `${(100 * r.spentFraction).toFixed(1)}%`,
  `${(100 * (1 - r.spentFraction)).toFixed(1)}%`,
  r.difference.toExponential(2),
]);
const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n'));
console.log('multiply-adds spent: of the whole model, reuse vs plain, over every window (convolutions, pooling and dense layers counted; the host-side crop copies are not)');
if (args.out) {
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify({ date: new Date().toISOString(), loadAverage: load, repeats: args.repeats, rows }, null, 2)}\n`);
  console.log(`JSON: ${args.out}`);
}
