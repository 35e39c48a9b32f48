import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ClassIndexError, InvalidOptionError, createRegistry, defineMethod, type XaiRegistry } from '@tfxai/core';
import {
  ImageReadError,
  MIN_IMAGES_PER_WORKER,
  ModelLoadError,
  TEMP_SUFFIX,
  WorkerCrashError,
  liveWorkerThreads,
  resolveWorkerCount,
  xaiDecoder,
  type DecoderProgress,
  type DecoderResult,
  type InputItem,
  type XaiDecoderOptions,
} from '@tfxai/node';
import { forEachBackend } from '@tfxai/test-utils';
import { defaultRegistry } from 'tfxai';
import { EXAMPLE_IMAGES, EXAMPLE_MODEL, FirstChannelMethod, encodeTestPng, listFiles, removeFolder, tempFolder } from './fixtures.js';

const CRASH_PLUGIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'plugins/crash-plugin.js');

/** What must agree between runs: everything but timing and the worker count. */
function comparable(result: DecoderResult, outDir?: string) {
  return {
    counts: [result.total, result.done, result.skipped, result.failed, result.aborted],
    samples: result.samples.map((s) => ({
      sample: s.sample,
      source: s.source,
      status: s.status,
      classes: s.classes,
      files: s.files.map((file) => path.relative(outDir ?? '', file)),
      // The class and code; sharp's detail for a broken file varies from call to call, so only the start of the message.
      error: s.error && [s.error.constructor.name, s.error.code, s.error.message.split("': ")[0]],
    })),
  };
}

/** A 64x64 RGB PNG (the example model's size): all black, or a pattern that depends on `seed`. */
function png64(seed: number | 'black'): Buffer {
  return encodeTestPng(64, 64, 3, 8, Array.from({ length: 64 * 64 * 3 }, (_, i) => (seed === 'black' ? 0 : (i * 31 + seed * 97) % 256)));
}

describe('xaiDecoder on worker threads', () => {
  let inputs: string;
  before(async () => {
    inputs = await tempFolder('tfxai-workers-in-');
    await mkdir(path.join(inputs, 'sub'));
    for (const name of ['plus-01.png', 'ring-01.png', 'x-01.png']) await copyFile(path.join(EXAMPLE_IMAGES, name), path.join(inputs, name));
    // 'sub/plus-02.png' and 'sub.plus-02.png' flatten to the same name: the run, not a worker, must tell them apart.
    await copyFile(path.join(EXAMPLE_IMAGES, 'plus-02.png'), path.join(inputs, 'sub', 'plus-02.png'));
    await copyFile(path.join(EXAMPLE_IMAGES, 'x-02.png'), path.join(inputs, 'sub.plus-02.png'));
    await writeFile(path.join(inputs, 'zz-broken.png'), (await readFile(path.join(EXAMPLE_IMAGES, 'ring-02.png'))).subarray(0, 120));
  });
  after(async () => removeFolder(inputs));

  // Cheap gradient methods keep the cpu backend's share of the suite small; any method gives the same comparison.
  const run = (method: string, extra: Partial<XaiDecoderOptions>): XaiDecoderOptions => ({
    inputs,
    model: EXAMPLE_MODEL,
    method,
    standardize: 'rescale',
    batchSize: 2,
    ...extra,
  });

  forEachBackend((backend) => {
    let out: string;
    beforeEach(async () => (out = await tempFolder('tfxai-workers-out-')));
    afterEach(async () => removeFolder(out));

    it('workers: 2 writes the same files, byte for byte, and reports the same results and progress as one thread', async () => {
      const one = await xaiDecoder(run('saliency', { workers: 1, outDir: path.join(out, 'one'), saveMaps: true }));
      const before = tf.memory().numTensors;
      const progress: DecoderProgress[] = [];
      const two = await xaiDecoder(run('saliency', { workers: 2, outDir: path.join(out, 'two'), saveMaps: true, onProgress: (p) => progress.push(p) }));
      expect(tf.memory().numTensors, 'tensors left in this thread').to.equal(before);
      expect(liveWorkerThreads(), 'threads left running').to.equal(0);
      expect([one.workers, two.workers, two.workerCrashes]).to.deep.equal([1, 2, []]);

      expect(comparable(two, path.join(out, 'two'))).to.deep.equal(comparable(one, path.join(out, 'one')));
      expect(two.samples.map((s) => [s.sample, s.status])).to.deep.equal([
        ['plus-01.png', 'done'],
        ['ring-01.png', 'done'],
        ['sub/plus-02.png', 'done'],
        ['sub.plus-02.png', 'done'],
        ['x-01.png', 'done'],
        ['zz-broken.png', 'failed'],
      ]);
      // The broken image's error crossed the thread boundary as its own class.
      const broken = two.samples[5]!.error!;
      expect(broken).to.be.instanceOf(ImageReadError);
      expect([broken.code, (broken as ImageReadError).reason]).to.deep.equal(['IMAGE_CORRUPT', 'corrupt']);

      const files = await listFiles(path.join(out, 'one'));
      expect(files).to.include.members(['sub.plus-02.png', 'sub.plus-02.png.png', 'sub.plus-02.npy', 'sub.plus-02.png.npy']);
      expect(await listFiles(path.join(out, 'two'))).to.deep.equal(files);
      for (const file of files) {
        const [a, b] = await Promise.all([readFile(path.join(out, 'one', file)), readFile(path.join(out, 'two', file))]);
        expect(Buffer.compare(a, b), `${file} differs on ${backend}`).to.equal(0);
      }

      // Progress: once per image, counting up, ending at the result's counts.
      expect(progress.map((p) => p.completed)).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(progress.map((p) => p.sample).sort()).to.deep.equal(two.samples.map((s) => s.sample).sort());
      const last = progress[5]!;
      expect([last.total, last.done, last.skipped, last.failed]).to.deep.equal([6, 5, 0, 1]);
      expect(progress.find((p) => p.status === 'failed')!.error).to.be.instanceOf(ImageReadError);
    });

    it('without an output folder, returns the same images and maps as one thread, bit for bit', async () => {
      const one = await xaiDecoder(run('gradcam', { workers: 1, classes: [0, 2] }));
      const two = await xaiDecoder(run('gradcam', { workers: 2, classes: [0, 2] }));
      expect(comparable(two)).to.deep.equal(comparable(one));
      const bits = (data: Float32Array) => [...new Uint32Array(data.buffer, data.byteOffset, data.length)];
      for (const [i, sample] of one.samples.entries()) {
        if (sample.status !== 'done') continue;
        const other = two.samples[i]!;
        expect(bits(other.image!.data), sample.sample).to.deep.equal(bits(sample.image!.data));
        expect([other.image!.width, other.image!.height, other.image!.channels]).to.deep.equal([sample.image!.width, sample.image!.height, sample.image!.channels]);
        expect(other.maps!.map((m) => m.classIndex)).to.deep.equal([0, 2]);
        for (const [m, map] of sample.maps!.entries()) expect(bits(other.maps![m]!.map), `${sample.sample} class ${map.classIndex}`).to.deep.equal(bits(map.map));
      }
      expect(liveWorkerThreads()).to.equal(0);
    });
  });

  describe('failures, abort and resume', () => {
    let folder: string;
    beforeEach(async () => (folder = await tempFolder('tfxai-workers-crash-')));
    afterEach(async () => removeFolder(folder));

    /** Seven 64x64 images, the fourth all black (the crash plugin's trigger). */
    async function crashInputs(): Promise<string> {
      const dir = path.join(folder, 'in');
      await mkdir(dir);
      for (let i = 0; i < 7; i++) await writeFile(path.join(dir, `img-${i}.png`), png64(i === 3 ? 'black' : i));
      return dir;
    }

    const crashRun = (dir: string, mode: string, extra: Partial<XaiDecoderOptions> = {}): XaiDecoderOptions => ({
      inputs: dir,
      model: EXAMPLE_MODEL,
      method: 'crash-on-black',
      plugins: [CRASH_PLUGIN],
      methodOptions: { mode },
      standardize: 'rescale',
      batchSize: 1,
      workers: 2,
      ...extra,
    });

    it('a worker that exits is reported: the images it held fail with WorkerCrashError, the other worker does the rest', async () => {
      const out = path.join(folder, 'out');
      const result = await xaiDecoder(crashRun(await crashInputs(), 'exit', { outDir: out }));
      expect(liveWorkerThreads()).to.equal(0);
      expect(result.workerCrashes).to.have.length(1);
      const crash = result.workerCrashes[0]!;
      expect(crash).to.be.instanceOf(WorkerCrashError);
      expect([crash.code, crash.exitCode]).to.deep.equal(['WORKER_CRASHED', 7]);
      const failed = result.samples.filter((s) => s.status === 'failed');
      // It held the black image and at most the one it had read ahead (batchSize 1).
      expect(failed.map((s) => s.sample)).to.include('img-3.png');
      expect(failed.length).to.be.within(1, 2);
      for (const sample of failed) expect(sample.error).to.equal(crash);
      expect([result.total, result.done + result.failed, result.samples.length]).to.deep.equal([7, 7, 7]);
      const done = result.samples.filter((s) => s.status === 'done').map((s) => s.sample);
      expect(await listFiles(out)).to.deep.equal(done.sort());
    });

    it('a worker that dies of an uncaught error is reported with that error', async () => {
      const result = await xaiDecoder(crashRun(await crashInputs(), 'uncaught'));
      expect(result.workerCrashes).to.have.length(1);
      expect(result.workerCrashes[0]!.message).to.match(/RangeError: crash-on-black: uncaught in the worker/);
      expect(result.samples.find((s) => s.sample === 'img-3.png')!.error).to.be.instanceOf(WorkerCrashError);
      expect(result.done).to.be.at.least(5);
      expect(liveWorkerThreads()).to.equal(0);
    });

    it('an error that stops a run in this thread stops a worker run the same way, as the same class', async () => {
      const dir = await crashInputs();
      for (const workers of [1, 2]) {
        const error = await xaiDecoder(crashRun(dir, 'throw', { workers })).then(() => undefined, (e: unknown) => e);
        expect(error, `workers ${workers}`).to.be.instanceOf(TypeError);
        expect((error as Error).message).to.equal('crash-on-black: thrown from computeHeatmap');
      }
      expect(liveWorkerThreads()).to.equal(0);
    });

    it('an abort signal stops every worker (images not reached are not listed); resume then does only the rest', async () => {
      const dir = path.join(folder, 'in');
      await mkdir(dir);
      for (let i = 0; i < 12; i++) await writeFile(path.join(dir, `img-${String(i).padStart(2, '0')}.png`), png64(i));
      const out = path.join(folder, 'out');
      const controller = new AbortController();
      const first = await xaiDecoder(crashRun(dir, 'exit', { outDir: out, signal: controller.signal, onProgress: () => controller.abort() }));
      expect(liveWorkerThreads()).to.equal(0);
      expect(first.aborted).to.equal(true);
      expect(first.samples.length).to.be.within(1, 11);
      expect(first.done).to.equal(first.samples.length);
      // Only whole files: no temporary file of a stopped worker is left.
      const written = await readdir(out);
      expect(written.filter((name) => name.endsWith(TEMP_SUFFIX))).to.deep.equal([]);
      expect(written.sort()).to.deep.equal(first.samples.map((s) => s.sample).sort());

      const second = await xaiDecoder(crashRun(dir, 'exit', { outDir: out, resume: true }));
      expect([second.skipped, second.done, second.failed, second.aborted]).to.deep.equal([first.done, 12 - first.done, 0, false]);
      const skipped = second.samples.filter((s) => s.status === 'skipped').map((s) => s.sample);
      expect(skipped.sort()).to.deep.equal(first.samples.map((s) => s.sample).sort());
      expect((await readdir(out)).length).to.equal(12);
    });
  });

  describe('setup errors', () => {
    it('are thrown before any image, as their own class, from this thread or from a worker', async () => {
      const out = await tempFolder('tfxai-workers-setup-');
      try {
        const two = (extra: Partial<XaiDecoderOptions>) => xaiDecoder({ inputs, model: EXAMPLE_MODEL, method: 'gradcam', standardize: 'rescale', workers: 2, outDir: out, ...extra });
        const caught = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as Error);
        // Found by a worker loading the model, checked here against what it reports, or found here before any thread.
        expect(await caught(two({ model: path.join(out, 'no-model.json') }))).to.be.instanceOf(ModelLoadError).and.to.include({ code: 'MODEL_NOT_FOUND' });
        expect(await caught(two({ classes: [5] }))).to.be.instanceOf(ClassIndexError).and.to.include({ classIndex: 5, numClasses: 3 });
        expect(await caught(two({ standardize: 'imagenet' as never }))).to.be.instanceOf(InvalidOptionError);
        // A method loaded into the default registry directly, not through `plugins`, is not in the workers' registry.
        defaultRegistry().load(defineMethod({ name: 'this-thread-only', create: () => new FirstChannelMethod() }));
        const local = await caught(two({ method: 'this-thread-only' }));
        expect(local).to.be.instanceOf(InvalidOptionError);
        expect(local.message).to.match(/'this-thread-only' is registered in this thread but not .* pass its module in `plugins`, or set workers to 1/);
        expect(await listFiles(out)).to.deep.equal([]);
        expect(liveWorkerThreads()).to.equal(0);
      } finally {
        await removeFolder(out);
      }
    });
  });

  describe("the 'workers' option", () => {
    const files = (n: number): InputItem[] => Array.from({ length: n }, (_, i) => ({ kind: 'file', path: `/in/${i}.png`, sample: `${i}.png` }));
    const base: XaiDecoderOptions = { inputs: '/in', model: '/model.json', method: 'ig' };
    const registry: XaiRegistry = defaultRegistry();

    it("'auto' starts one thread per core, at most one per MIN_IMAGES_PER_WORKER images, and stays in this thread otherwise", async () => {
      const cores = (await import('node:os')).availableParallelism();
      expect(MIN_IMAGES_PER_WORKER).to.equal(16);
      expect(resolveWorkerCount(base, files(31), registry)).to.equal(1);
      expect(resolveWorkerCount(base, files(32), registry)).to.equal(Math.min(cores, 2));
      expect(resolveWorkerCount({ ...base, workers: 'auto' }, files(1000), registry)).to.equal(Math.max(1, Math.min(cores, 62)));
      const tensorItem: InputItem = { kind: 'tensor', tensor: null as never, index: 0, sample: 't' };
      const cannot: [Partial<XaiDecoderOptions>, InputItem[], RegExp][] = [
        [{}, [...files(40), tensorItem], /tensor inputs/],
        [{ model: (() => null) as never }, files(40), /loaded model/],
        [{ method: new FirstChannelMethod() }, files(40), /method instance/],
        [{ standardize: (x) => x }, files(40), /standardize function/],
        [{ methodOptions: { baseline: new Map() } }, files(40), /plain data/],
        [{ registry: createRegistry() }, files(40), /registry of your own/],
      ];
      for (const [options, items, reason] of cannot) {
        expect(resolveWorkerCount({ ...base, ...options }, items, registry), String(reason)).to.equal(1);
        expect(() => resolveWorkerCount({ ...base, ...options, workers: 2 }, items, registry)).to.throw(InvalidOptionError, reason);
      }
    });

    it('a number is capped at the image count; anything else is an InvalidOptionError', () => {
      expect(resolveWorkerCount({ ...base, workers: 3 }, files(2), registry)).to.equal(2);
      expect(resolveWorkerCount({ ...base, workers: 1 }, files(100), registry)).to.equal(1);
      // A tensor run asking for 2 threads but holding one image runs here without complaint.
      expect(resolveWorkerCount({ ...base, workers: 2, method: new FirstChannelMethod() }, files(1), registry)).to.equal(1);
      for (const workers of [0, 1.5, -1, 'many']) {
        expect(() => resolveWorkerCount({ ...base, workers: workers as never }, files(4), registry)).to.throw(InvalidOptionError, /'auto' or an integer >= 1/);
      }
    });
  });
});
