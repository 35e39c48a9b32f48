// The page side of bench/browser.mjs (bundled with esbuild): one configuration, named in the
// query string, timed like bench/run.mjs times it in Node.
import * as tf from '@tensorflow/tfjs';
import { decoder, initBrowserBackend, tfxaiKernelStatus } from 'tfxai';
import { buildModel } from './models.mjs';

async function main() {
  const config = JSON.parse(new URLSearchParams(location.search).get('config'));
  await initBrowserBackend({ backend: config.backend, log: () => {} });
  const model = await buildModel(tf, config.model, config.size);
  const image = tf.randomUniform([1, config.size, config.size, 3], 0, 1, 'float32', 42);
  const method = decoder(config.method)(model, config.options);
  const before = tf.memory().numTensors;
  const times = [];
  for (let i = 0; i < config.warmup + config.repeats; i++) {
    const start = performance.now();
    const map = await method.computeHeatmap(image, 3);
    await map.data();
    const ms = performance.now() - start;
    map.dispose();
    if (i >= config.warmup) times.push(ms);
  }
  const leaked = tf.memory().numTensors - before;
  times.sort((a, b) => a - b);
  const status = tfxaiKernelStatus();
  const kernels = `${status.mode} (${status.kernels.filter((k) => k.active).length} active${status.fusedConvRoute ? '' : ', no fused-conv route'})`;
  window.benchResult = { msPerMap: times[Math.floor((times.length - 1) / 2)], runs: times.map((t) => Math.round(t)), tensorsLeaked: leaked, backend: tf.getBackend(), kernels };
}

main().catch((error) => (window.benchResult = { failed: `${error.name}: ${error.message}` }));
