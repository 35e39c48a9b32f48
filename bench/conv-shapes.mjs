#!/usr/bin/env node
// The bench model's convolutions one by one (batch 51, 3x3, same padding: the IG batch), on wasm
// inside tfxai's kernel scope, against PyTorch's conv2d on the same shapes (bench/conv_shapes.py,
// when Debian's python3-torch is installed): forward (tfjs-layers' fused conv + bias + ReLU) and the
// input gradient (tfxai's Conv2DBackpropInput: one XNNPACK conv). Median of 3 after a warm-up.
//
//   node bench/conv-shapes.mjs [--threads N]     (default 1)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHAPES = [[3, 8, 224], [8, 8, 224], [8, 16, 112], [16, 16, 112], [16, 32, 56]]; // in, out channels, size
const BATCH = 51;
const threads = process.argv[2] === '--threads' ? Number(process.argv[3]) : 1;
if (!Number.isInteger(threads) || threads < 1) {
  console.log('usage: node bench/conv-shapes.mjs [--threads N]');
  process.exit(2);
}

const tf = await import('@tensorflow/tfjs');
const core = await import('@tfxai/core');
await import('tfxai');
await core.initBackend({ backend: 'wasm', wasmThreads: threads, log: () => {} });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const time = (run) => {
  const times = [];
  for (let i = 0; i < 4; i++) {
    const start = performance.now();
    run().dispose(); // wasm kernels run synchronously: no read-back needed (it would add a copy)
    if (i > 0) times.push(performance.now() - start);
  }
  return median(times);
};

const rows = [];
for (const [cin, cout, size] of SHAPES) {
  const x = tf.randomUniform([BATCH, size, size, cin], 0, 1, 'float32', 1);
  const filter = tf.randomUniform([3, 3, cin, cout], -1, 1, 'float32', 2);
  const bias = tf.zeros([cout]);
  const dy = tf.randomUniform([BATCH, size, size, cout], -1, 1, 'float32', 3);
  const forward = time(() => tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same', activation: 'relu' }));
  const inputGradient = time(() =>
    core.withTfxaiKernels(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: x.shape })),
  );
  rows.push({ shape: `${cin}->${cout} @${size}`, forward, inputGradient });
  tf.dispose([x, filter, bias, dy]);
}

const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
const torch = python
  ? JSON.parse(spawnSync(python, [join(dirname(fileURLToPath(import.meta.url)), 'conv_shapes.py'), String(threads), String(BATCH), JSON.stringify(SHAPES)], { encoding: 'utf8' }).stdout)
  : undefined;
console.log(`batch ${BATCH}, 3x3 same, ${threads} thread(s), ms (median of 3)${torch ? '' : '; PyTorch rows skipped: no python3 with torch'}`);
console.log('| shape (in->out @size) | tfxai forward | PyTorch forward | tfxai input gradient | PyTorch input gradient |\n| --- | --- | --- | --- | --- |');
for (const r of rows) {
  const t = torch?.[r.shape];
  console.log(`| ${r.shape} | ${r.forward.toFixed(1)} | ${t ? t[0].toFixed(1) : ''} | ${r.inputGradient.toFixed(1)} | ${t ? t[1].toFixed(1) : ''} |`);
}
process.exit(0);
