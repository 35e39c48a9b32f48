import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expectAllClose } from '@tfxai/test-utils';

const run = promisify(execFile);

/**
 * A seeded two-conv CNN's output and input gradient (batch 3, 40x40x3), computed on the
 * backend the child chose. The convolutions and the matmul are large enough for XNNPACK to
 * split them across the pool's threads.
 */
const script = `
const tf = await import('@tensorflow/tfjs');
const core = await import('@tfxai/core');
const options = JSON.parse(process.argv[1]);
try {
  const backend = await core.initBackend({ log: () => {}, ...options });
  const threads = await core.wasmThreadCount();
  let seed = 1;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [40, 40, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 5, kernelInitializer: init() }),
  ] });
  const x = tf.randomUniform([3, 40, 40, 3], 0, 1, 'float32', 7);
  const output = Array.from(await model.predict(x).data());
  const gradient = Array.from(await tf.grad((input) => tf.sum(tf.mul(model.apply(input), tf.tensor1d([1, -2, 0.5, 3, -1]))))(x).data());
  console.log(JSON.stringify({ backend, threads, output, gradient }));
} catch (e) {
  console.log(JSON.stringify({ error: e.constructor.name, code: e.code, message: e.message }));
}`;

interface ChildResult {
  backend?: string;
  threads?: number;
  output: number[];
  gradient: number[];
  error?: string;
  code?: string;
  message?: string;
}

/** Thread settings are process-wide, so each case runs in a fresh Node process; it must also exit on its own. */
async function compute(options: Record<string, unknown>, env: Record<string, string> = {}): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(options)], {
    env: { ...process.env, TFXAI_BACKEND: '', TFXAI_WASM_THREADS: '', ...env },
    timeout: 120000,
    maxBuffer: 1 << 26,
  });
  return JSON.parse(stdout) as ChildResult;
}

describe('wasm intra-op threads (threaded SIMD build in Node)', function () {
  this.timeout(240000);
  let single: ChildResult;
  let threaded: ChildResult;

  before(async () => {
    [single, threaded] = await Promise.all([compute({ backend: 'wasm' }), compute({ backend: 'wasm', wasmThreads: 2 })]);
  });

  it('wasmThreads: 2 runs a pool of 2 threads; the default keeps tfjs single-thread build', () => {
    expect(single.error, single.message).to.equal(undefined);
    expect(threaded.error, threaded.message).to.equal(undefined);
    expect([single.backend, single.threads]).to.deep.equal(['wasm', 1]);
    expect([threaded.backend, threaded.threads]).to.deep.equal(['wasm', 2]);
  });

  it('gives the single-thread results to 1e-6 relative (outputs and input gradients of a CNN)', () => {
    expect(threaded.gradient.length).to.equal(3 * 40 * 40 * 3);
    expectAllClose(threaded.output, single.output, 0, 1e-6);
    const scale = Math.max(...single.gradient.map(Math.abs));
    expectAllClose(threaded.gradient, single.gradient, 1e-6 * scale, 1e-6);
  });

  it('agrees with the independent cpu backend to float tolerance', async () => {
    const cpu = await compute({ backend: 'cpu' });
    expect(cpu.backend).to.equal('cpu');
    const scale = Math.max(...cpu.gradient.map(Math.abs));
    expectAllClose(threaded.output, cpu.output, 1e-5, 1e-4);
    expectAllClose(threaded.gradient, cpu.gradient, 1e-5 * scale, 1e-4);
  });

  it('TFXAI_WASM_THREADS sets the count when the option is absent', async () => {
    const result = await compute({ backend: 'wasm' }, { TFXAI_WASM_THREADS: '2' });
    expect(result.threads).to.equal(2);
  });

  for (const [label, options, env] of [
    ['wasmThreads: 0', { wasmThreads: 0 }, {}],
    ['wasmThreads: 9', { wasmThreads: 9 }, {}],
    ['wasmThreads: 1.5', { wasmThreads: 1.5 }, {}],
    ["TFXAI_WASM_THREADS='two'", {}, { TFXAI_WASM_THREADS: 'two' }],
  ] as const) {
    it(`${label} is an InvalidOptionError saying 1 to 8 are allowed`, async () => {
      const result = await compute({ backend: 'wasm', ...options }, env);
      expect(result.error).to.equal('InvalidOptionError');
      expect(result.code).to.equal('INVALID_OPTION');
      expect(result.message).to.contain('must be an integer from 1 to 8');
    });
  }

  it('asking for threads after the wasm backend initialised is a typed error, not a silent single thread', async () => {
    const late = `
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-wasm');
const core = await import('@tfxai/core');
await tf.setBackend('wasm');
try { await core.useWasmThreads(2); console.log(JSON.stringify({ ok: true })); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', late], { timeout: 60000 });
    const result = JSON.parse(stdout) as { code?: string; message?: string };
    expect(result.code).to.equal('BACKEND_UNAVAILABLE');
    expect(result.message).to.contain('must be set before it initialises');
  });
});
