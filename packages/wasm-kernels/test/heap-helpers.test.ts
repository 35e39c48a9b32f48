import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { maxPoolGradRange, poolGradGeometry, type PoolGradGeometry } from '../src/kernels/max-pool-grad-loops.js';
import { expectRelativeClose, seeded } from './helpers.js';

const run = promisify(execFile);

/** The geometry of a maxPool over `shape` (NHWC), from tfjs's own pool arithmetic. */
function geometry(shape: [number, number, number, number], size: number, stride: number, pad: 'valid' | 'same'): PoolGradGeometry {
  return poolGradGeometry(tf.backend_util.computePool2DInfo(shape, size, stride, 1, pad));
}

// MaxPoolGrad on the threaded wasm build splits its batch between the calling thread and helper
// threads on the shared heap (src/heap-helpers.ts). A child process, because the thread count is
// process-wide: MaxPoolGrad inside tfxai's scope with 2 wasm threads against the cpu backend's kernel.
const script = `
const tf = await import('@tensorflow/tfjs');
const core = await import('@tfxai/core');
const kernels = await import('@tfxai/wasm-kernels');
const cases = JSON.parse(process.argv[1]);
await core.initBackend({ backend: 'wasm', wasmThreads: 2, log: () => {} });
const results = [];
async function gradOn(backend, c) {
  await tf.setBackend(backend);
  const x = tf.tensor4d(c.values, c.shape);
  const dy = tf.tensor4d(c.dy, c.outShape);
  const y = tf.maxPool(x, c.size, c.stride, c.pad);
  const before = tf.memory().numTensors;
  const dx = core.withTfxaiKernels(() => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: c.size, strides: c.stride, pad: c.pad }));
  const values = Array.from(new Uint32Array(Float32Array.from(await dx.data()).buffer));
  tf.dispose([x, dy, y, dx]);
  return { values, leaked: tf.memory().numTensors - (before - 3) };
}
// The first call starts the helper; it takes ranges once it is online.
await gradOn('wasm', cases[0]);
for (let i = 0; i < 100 && kernels.heapHelperStatus().online === 0; i++) await new Promise((r) => setTimeout(r, 20));
const before = kernels.heapHelperStatus().rangesByHelpers;
for (const c of cases) results.push({ wasm: await gradOn('wasm', c), cpu: await gradOn('cpu', c) });
console.log(JSON.stringify({ status: kernels.heapHelperStatus(), byHelpersHere: kernels.heapHelperStatus().rangesByHelpers - before, threads: await core.wasmThreadCount(), results }));
`;

describe('heap helper threads (MaxPoolGrad on the threaded wasm build)', function () {
  this.timeout(120000);

  it('the loops give the same bits when the batch is split into ranges run in any order, or a range runs twice', () => {
    for (const [shape, size, stride, pad] of [
      [[5, 8, 10, 3], 2, 2, 'valid'],
      [[4, 9, 7, 2], 2, 2, 'valid'],
      [[3, 7, 9, 2], 3, 2, 'same'],
    ] as const) {
      const g = geometry([...shape], size, stride, pad);
      const x = seeded([...shape], 3, true).values;
      const upstream = seeded([g.batchSize, g.outHeight, g.outWidth, g.channels], 4).values;
      const whole = new Float32Array(x.length);
      maxPoolGradRange(g, x, upstream, whole, 0, g.batchSize);
      const split = new Float32Array(x.length).fill(Number.NaN); // stale values must be overwritten
      maxPoolGradRange(g, x, upstream, split, 2, g.batchSize);
      maxPoolGradRange(g, x, upstream, split, 0, 2);
      maxPoolGradRange(g, x, upstream, split, 1, 2); // again
      expect(Array.from(new Uint32Array(split.buffer)), `${JSON.stringify(shape)} pool ${size}`).to.deep.equal(Array.from(new Uint32Array(whole.buffer)));
    }
  });

  it('with 2 wasm threads a helper computes part of each batch: bit for bit one thread\'s loops, the cpu kernel to 1e-6, nothing leaked', async () => {
    const cases = [
      { shape: [6, 8, 10, 3], size: 2, stride: 2, pad: 'valid' },
      { shape: [5, 9, 7, 4], size: 2, stride: 2, pad: 'valid' },
      { shape: [4, 7, 9, 2], size: 3, stride: 2, pad: 'same' },
    ].map((c, i) => {
      const g = geometry(c.shape as [number, number, number, number], c.size, c.stride, c.pad as 'valid' | 'same');
      const outShape = [g.batchSize, g.outHeight, g.outWidth, g.channels];
      return { ...c, outShape, values: Array.from(seeded(c.shape, 10 + i, true).values), dy: Array.from(seeded(outShape, 20 + i).values) };
    });
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], {
      env: { ...process.env, TFXAI_BACKEND: '', TFXAI_WASM_THREADS: '' },
      timeout: 100000,
      maxBuffer: 1 << 26,
    });
    const out = JSON.parse(stdout) as {
      status: { helpers: number; online: number; broken: boolean };
      byHelpersHere: number;
      threads: number;
      results: { wasm: { values: number[]; leaked: number }; cpu: { values: number[]; leaked: number } }[];
    };
    expect(out.threads).to.equal(2);
    expect(out.status, JSON.stringify(out.status)).to.include({ helpers: 1, online: 1, broken: false });
    expect(out.byHelpersHere, 'ranges the helper ran for these cases').to.equal(cases.length);
    out.results.forEach(({ wasm, cpu }, i) => {
      // Bit for bit the loops run whole on one thread; the cpu kernel within float rounding (it sums overlapping windows in another order).
      const c = cases[i]!;
      const g = geometry(c.shape as [number, number, number, number], c.size, c.stride, c.pad as 'valid' | 'same');
      const oneThread = new Float32Array(c.values.length);
      maxPoolGradRange(g, Float32Array.from(c.values), Float32Array.from(c.dy), oneThread, 0, g.batchSize);
      expect(wasm.values, `case ${i}: split vs one thread`).to.deep.equal(Array.from(new Uint32Array(oneThread.buffer)));
      const asFloats = (bits: number[]) => new Float32Array(Uint32Array.from(bits).buffer);
      expectRelativeClose(asFloats(wasm.values), asFloats(cpu.values), `case ${i}: vs cpu`, 1e-6);
      expect(wasm.leaked, `case ${i}: tensors left`).to.equal(0);
    });
  });
});
