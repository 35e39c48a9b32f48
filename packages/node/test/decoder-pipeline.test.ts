import { mkdir, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import sharp from 'sharp';
import {
  ClassIndexError,
  InvalidInputError,
  InvalidOptionError,
  UnknownMethodError,
  createRegistry,
  defineMethod,
  resizeMap,
} from '@tfxai/core';
import {
  ImageReadError,
  InputNotFoundError,
  ModelLoadError,
  OutputNotWritableError,
  TEMP_SUFFIX,
  preprocessImage,
  readImage,
  xaiDecoder,
  type DecoderProgress,
  type XaiDecoderOptions,
} from '@tfxai/node';
import { expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { FirstChannelMethod, encodeTestPng, listFiles, testPng, meanScoreModel, removeFolder, tempFolder } from './fixtures.js';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('xaiDecoder pipeline', () => {
  let folder: string;
  beforeEach(async () => (folder = await tempFolder('tfxai-pipeline-')));
  afterEach(async () => removeFolder(folder));

  forEachBackend(() => {
    it('returns the original image and maps resized bilinearly (resizeMap) to its size', async () => {
      const input = path.join(folder, 'wide.png');
      await writeFile(input, testPng(3, 20, 12));
      const method = new FirstChannelMethod();
      const before = tf.memory().numTensors;
      const result = await xaiDecoder({ inputs: input, model: meanScoreModel(), method, inputSize: [8, 8], channels: 3, standardize: 'rescale' });
      expect(tf.memory().numTensors).to.equal(before);
      const sample = result.samples[0]!;
      expect(sample.image!.width).to.equal(20);
      expect(sample.maps![0]!.map.length).to.equal(20 * 12);
      expect(method.calls[0]!.shape).to.deep.equal([1, 8, 8, 3]);
      // Reference: the same steps written out here.
      const image = await readImage(input);
      const expected = tf.tidy(() => {
        const x = preprocessImage(tf.tensor3d(image.data, [12, 20, 3]), { height: 8, width: 8, channels: 3 }, 'rescale');
        const first = x.slice([0, 0, 0], [8, 8, 1]).reshape([8, 8]);
        const normalised = tf.div(tf.sub(first, first.min()), tf.add(tf.sub(first.max(), first.min()), 1e-8)) as tf.Tensor2D;
        return resizeMap(normalised, [12, 20]);
      });
      expect([...sample.maps![0]!.map]).to.deep.equal([...(await expected.data())]);
      expected.dispose();
    });

    it('gives the same maps whatever the batch size', async () => {
      for (let i = 0; i < 5; i++) await writeFile(path.join(folder, `img-${i}.png`), testPng(i));
      const run = (batchSize: number) => xaiDecoder({ inputs: folder, model: meanScoreModel(), method: new FirstChannelMethod(), batchSize });
      const [one, three] = [await run(1), await run(3)];
      expect(one.samples.map((s) => s.classes)).to.deep.equal(three.samples.map((s) => s.classes));
      one.samples.forEach((s, i) => expect([...s.maps![0]!.map]).to.deep.equal([...three.samples[i]!.maps![0]!.map]));
    });

    it('reports a corrupt and an unsupported image with typed errors, does the rest, leaves no temporary file', async () => {
      const inputs = path.join(folder, 'in');
      const out = path.join(folder, 'out');
      await mkdir(inputs);
      await writeFile(path.join(inputs, 'a-good.png'), testPng(1));
      await writeFile(path.join(inputs, 'b-corrupt.png'), testPng(2).subarray(0, 60));
      // A real GIF under a WebP name: the format is read from the content.
      await writeFile(path.join(inputs, 'c-unsupported.webp'), await sharp(Buffer.alloc(4 * 4 * 3, 90), { raw: { width: 4, height: 4, channels: 3 } }).gif().toBuffer());
      await writeFile(path.join(inputs, 'd-good.png'), testPng(4));
      await writeFile(path.join(inputs, 'notes.txt'), 'not matched by the default glob');
      const progress: DecoderProgress[] = [];
      const before = tf.memory().numTensors;
      const result = await xaiDecoder({ inputs, model: meanScoreModel(), method: new FirstChannelMethod(), outDir: out, saveMaps: true, batchSize: 2, onProgress: (p) => progress.push(p) });
      expect(tf.memory().numTensors).to.equal(before);
      expect([result.total, result.done, result.failed, result.skipped]).to.deep.equal([4, 2, 2, 0]);
      const [corrupt, unsupported] = [result.samples[1]!, result.samples[2]!];
      expect(corrupt.status).to.equal('failed');
      expect(corrupt.error).to.be.instanceOf(ImageReadError);
      expect(corrupt.error!.code).to.equal('IMAGE_CORRUPT');
      expect(corrupt.error!.message).to.contain('b-corrupt.png');
      expect(unsupported.error!.code).to.equal('IMAGE_UNSUPPORTED');
      expect(unsupported.error!.message).to.match(/c-unsupported\.webp.*format is gif/);
      expect(await listFiles(out)).to.deep.equal(['a-good.npy', 'a-good.png', 'd-good.npy', 'd-good.png']);
      expect((await readdir(out)).filter((name) => name.endsWith(TEMP_SUFFIX))).to.deep.equal([]);
      // Progress after every image, failures included.
      expect(progress.map((p) => [p.completed, p.status])).to.deep.equal([[1, 'done'], [2, 'failed'], [3, 'failed'], [4, 'done']]);
      expect(progress.at(-1)).to.include({ total: 4, done: 2, failed: 2, etaSeconds: 0 });
      expect(progress.at(-1)!.rate).to.be.above(0);
    });

    it('fails early with OutputNotWritableError when the output folder cannot be made, before any image', async () => {
      const file = path.join(folder, 'a-file');
      await writeFile(file, 'x');
      await writeFile(path.join(folder, 'img.png'), testPng(1));
      const method = new FirstChannelMethod();
      const error = await expectNoLeakOnThrow(() => xaiDecoder({ inputs: path.join(folder, 'img.png'), model: meanScoreModel(), method, outDir: path.join(file, 'out') }));
      expect(error).to.be.instanceOf(OutputNotWritableError);
      expect((error as OutputNotWritableError).message).to.match(/cannot write to the output folder '.*a-file\/out': ENOTDIR/);
      expect(method.calls).to.deep.equal([]);
    });

    it('keeps every output inside the output folder whatever the sample names (.., separators, absolute, unicode)', async () => {
      const out = path.join(folder, 'sandbox', 'out');
      const names = ['../../escape', '/etc/passwd', 'a\\b/c', '..', 'röntgen/胸部', './.hidden', 'C:\\x'];
      const images = tf.tidy(() => tf.randomUniform([names.length, 4, 4, 3], 0, 255, 'float32', 5));
      const result = await xaiDecoder({ inputs: images, names, model: meanScoreModel(), method: new FirstChannelMethod(), outDir: out });
      images.dispose();
      expect(result.done).to.equal(names.length);
      expect(await listFiles(path.join(folder))).to.deep.equal(
        ['C_.x.png', '__.__.escape.png', '__.png', 'a.b.c.png', 'etc.passwd.png', 'hidden.png', 'röntgen.胸部.png'].map((f) => path.join('sandbox/out', f)).sort(),
      );
      for (const sample of result.samples) expect(path.dirname(sample.files[0]!)).to.equal(path.resolve(out));
    });

    it('takes unicode and nested folder names as sample names, flattened with dots', async () => {
      await mkdir(path.join(folder, 'in', 'données', 'süd'), { recursive: true });
      await writeFile(path.join(folder, 'in', 'données', 'süd', 'bild 1.PNG'), testPng(1));
      const result = await xaiDecoder({ inputs: path.join(folder, 'in'), model: meanScoreModel(), method: new FirstChannelMethod(), outDir: path.join(folder, 'out') });
      expect(result.samples[0]!.sample).to.equal('données/süd/bild 1.PNG');
      expect(await listFiles(path.join(folder, 'out'))).to.deep.equal(['données.süd.bild 1.png']);
    });

    it('resume skips images whose outputs exist and redoes the missing ones', async () => {
      for (let i = 0; i < 3; i++) await writeFile(path.join(folder, `img-${i}.png`), testPng(i));
      const out = path.join(folder, 'out');
      const options = (method: FirstChannelMethod): XaiDecoderOptions => ({ inputs: [0, 1, 2].map((i) => path.join(folder, `img-${i}.png`)), model: meanScoreModel(), method, outDir: out, allClasses: true, saveMaps: true, resume: true });
      await xaiDecoder(options(new FirstChannelMethod()));
      const mtime = (await stat(path.join(out, 'img-1.class_0.png'))).mtimeMs;
      const again = new FirstChannelMethod();
      const second = await xaiDecoder(options(again));
      expect([second.done, second.skipped]).to.deep.equal([0, 3]);
      expect(again.calls).to.deep.equal([]);
      expect((await stat(path.join(out, 'img-1.class_0.png'))).mtimeMs).to.equal(mtime);
      await unlink(path.join(out, 'img-2.class_1.npy'));
      const third = new FirstChannelMethod();
      const result = await xaiDecoder(options(third));
      expect(result.samples.map((s) => s.status)).to.deep.equal(['skipped', 'skipped', 'done']);
      expect(third.calls.map((c) => c.classIndex)).to.deep.equal([0, 1, 2]);
      expect(await listFiles(out)).to.have.length(18);
    });

    it('streams a folder batch by batch: images two batches ahead are not yet read', async () => {
      const files = Array.from({ length: 20 }, (_, i) => path.join(folder, `img-${String(i).padStart(2, '0')}.png`));
      for (const [i, file] of files.entries()) await writeFile(file, testPng(i, 4, 4));
      let deleted = false;
      const result = await xaiDecoder({
        inputs: folder,
        model: meanScoreModel(),
        method: new FirstChannelMethod(),
        batchSize: 4,
        onProgress: () => {
          if (deleted) return;
          deleted = true;
          // At the first image done, batch 0 is in hand and batch 1 may be being read: batches 2.. must not be.
          for (const file of files.slice(8)) void unlink(file);
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(result.samples.slice(0, 8).map((s) => s.status)).to.deep.equal(new Array(8).fill('done'));
      expect(result.samples.slice(8).map((s) => s.error?.code)).to.deep.equal(new Array(12).fill('IMAGE_UNREADABLE'));
    });

    it('an abort signal stops the run between batches and says so', async () => {
      for (let i = 0; i < 6; i++) await writeFile(path.join(folder, `img-${i}.png`), testPng(i, 4, 4));
      const controller = new AbortController();
      const result = await xaiDecoder({ inputs: folder, model: meanScoreModel(), method: new FirstChannelMethod(), batchSize: 2, onProgress: () => controller.abort(), signal: controller.signal });
      expect(result.aborted).to.equal(true);
      expect([result.total, result.done, result.samples.length]).to.deep.equal([6, 2, 2]);
    });

    it('reads 16-bit and grayscale files and explains them at full precision', async () => {
      const values = Array.from({ length: 16 }, (_, i) => i * 4000);
      await writeFile(path.join(folder, 'gray16.png'), encodeTestPng(4, 4, 1, 16, values));
      const result = await xaiDecoder({ inputs: path.join(folder, 'gray16.png'), model: meanScoreModel(), method: new FirstChannelMethod(), channels: 3, outDir: path.join(folder, 'out') });
      expect(result.done).to.equal(1);
      const overlay = await readImage(path.join(folder, 'out', 'gray16.png'));
      expect([overlay.channels, overlay.bitDepth]).to.deep.equal([3, 8]);
    });

    it('explains tensor inputs with names; a registry method gets methodOptions and layerName', async () => {
      const seen: unknown[] = [];
      const registry = createRegistry(
        defineMethod({
          name: 'recording',
          create: (_model, options) => {
            seen.push(options);
            return new FirstChannelMethod();
          },
        }),
      );
      const images = tf.tidy(() => tf.randomUniform([2, 5, 5, 3], 0, 255, 'float32', 9));
      const result = await xaiDecoder({ inputs: images, names: ['first', 'second'], model: meanScoreModel(), method: 'Recording', registry, methodOptions: { numSteps: 3 }, layerName: 'conv3' });
      images.dispose();
      expect(seen).to.deep.equal([{ numSteps: 3, layerName: 'conv3' }]);
      expect(result.samples.map((s) => [s.sample, s.source, s.status])).to.deep.equal([['first', 'tensor', 'done'], ['second', 'tensor', 'done']]);
    });

    it('bad options, inputs, models and classes are typed errors, with no tensor left behind', async () => {
      const input = path.join(folder, 'img.png');
      await writeFile(input, testPng(1));
      const base: XaiDecoderOptions = { inputs: input, model: meanScoreModel(), method: new FirstChannelMethod() };
      const cases: [Partial<XaiDecoderOptions>, new (...args: never[]) => Error, RegExp][] = [
        [{ batchSize: 0 }, InvalidOptionError, /batchSize.*integer >= 1/],
        [{ alpha: 2 }, InvalidOptionError, /alpha.*0 to 1/],
        [{ colormap: 'hot' as never }, InvalidOptionError, /colormap.*allowed: jet, viridis, turbo, gray/],
        [{ standardize: 'imagenet' as never }, InvalidOptionError, /standardize/],
        [{ classes: [0], allClasses: true }, InvalidOptionError, /either classes or allClasses/],
        [{ preds: [[1, 0, 0], [0, 1, 0]] }, InvalidOptionError, /2 rows for 1 input images/],
        [{ methodOptions: { numSteps: 2 } }, InvalidOptionError, /method instance is already configured/],
        [{ resume: true }, InvalidOptionError, /resume needs an outDir/],
        [{ method: 'no-such-method' }, UnknownMethodError, /unknown XAI method 'no-such-method'/],
        [{ classes: [3] }, ClassIndexError, /class index 3 is out of range: the model has 3 classes/],
        [{ inputs: path.join(folder, 'missing.png') }, InputNotFoundError, /missing\.png' does not exist/],
        [{ inputs: [] }, InvalidInputError, /no inputs given/],
        [{ model: path.join(folder, 'model.json') }, ModelLoadError, /does not exist/],
        [{ inputSize: [0, 4] }, InvalidOptionError, /inputSize/],
      ];
      for (const [options, type, message] of cases) {
        const error = await expectNoLeakOnThrow(() => xaiDecoder({ ...base, ...options }));
        expect(error, JSON.stringify(options)).to.be.instanceOf(type);
        expect((error as Error).message).to.match(message);
      }
      expect(await caught(xaiDecoder({ ...base, inputs: tf.zeros([2, 2]) as tf.Tensor }))).to.be.instanceOf(InvalidInputError);
    });
  });
});
