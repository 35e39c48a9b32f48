// What the pipeline guarantees whatever the method, model or files do: no
// NaN or out-of-range map is written, resume keeps only outputs of the same
// setup, the output folder, hidden entries, links, FIFOs and devices are
// handled and counted, and image sizes never reach a backend unchecked.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import sharp from 'sharp';
import { InvalidOptionError, NonFiniteError, UnsupportedModelError, createRegistry, defineMethod, minMaxNormalize, toImageBatch, type XaiMethod } from '@tfxai/core';
import {
  DEFAULT_OVERLAY_ALPHA,
  ImageReadError,
  ImageSizeError,
  InvalidMapError,
  MAX_IMAGE_PIXELS,
  RECORD_KEYWORD,
  pngFacts,
  xaiDecoder,
  type DecoderResult,
  type XaiDecoderOptions,
} from '@tfxai/node';
import { forEachBackend } from '@tfxai/test-utils';
import { FirstChannelMethod, encodeTestPng, listFiles, testPng, meanScoreModel, removeFolder, tempFolder } from './fixtures.js';

/** A method whose map is the first channel, except on an all-black image, where it returns `bad` everywhere. */
class BadOnBlack implements XaiMethod {
  readonly name = 'bad-on-black';
  constructor(private readonly bad: number) {}
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
    const batch = toImageBatch(image);
    const black = tf.tidy(() => batch.max().dataSync()[0]) === 0;
    const map = tf.tidy(() =>
      black ? (tf.fill(batch.shape.slice(1, 3) as [number, number], this.bad) as tf.Tensor2D) : minMaxNormalize(batch.slice([0, 0, 0, 0], [1, -1, -1, 1]).reshape(batch.shape.slice(1, 3)) as tf.Tensor2D, eps),
    );
    batch.dispose();
    void classIndex;
    return map;
  }
}

/** A registry with two first-channel methods (the second inverted) taking an option `power` (the map to that power). */
function powerRegistry() {
  const make = (invert: boolean) =>
    class implements XaiMethod {
      readonly name = invert ? 'inverted' : 'powered';
      constructor(private readonly power: number) {}
      async computeHeatmap(image: tf.Tensor, _classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
        const batch = toImageBatch(image);
        const map = tf.tidy(() => {
          const first = minMaxNormalize(batch.slice([0, 0, 0, 0], [1, -1, -1, 1]).reshape(batch.shape.slice(1, 3)) as tf.Tensor2D, eps);
          return tf.pow(invert ? tf.sub(1, first) : first, this.power) as tf.Tensor2D;
        });
        batch.dispose();
        return map;
      }
    };
  const [Powered, Inverted] = [make(false), make(true)];
  return createRegistry(
    defineMethod({ name: 'powered', create: (_m, o) => new Powered(Number((o as { power?: number }).power ?? 1)) }),
    defineMethod({ name: 'inverted', create: (_m, o) => new Inverted(Number((o as { power?: number }).power ?? 1)) }),
  );
}

/** Deterministic weights: value k of weight i is scale * f(k + i). */
function setFixedWeights(model: tf.LayersModel, f: (x: tf.Tensor) => tf.Tensor, scale: number): tf.LayersModel {
  const weights = model.getWeights().map((w, i) => tf.tidy(() => tf.mul(f(tf.range(0, w.size).add(i)), scale).reshape(w.shape)));
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/** A free-size classifier: conv 3x3 (valid) -> global average pooling -> dense softmax, fixed weights. */
function freeSizeModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [null, null, 3], filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 3, activation: 'softmax' })],
  });
  return setFixedWeights(model, tf.sin, 0.1);
}

/** A 16x16 RGB classifier with fixed weights. */
function fixedSizeModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 3, activation: 'softmax' })],
  });
  return setFixedWeights(model, tf.cos, 0.01);
}

const statuses = (result: DecoderResult) => result.samples.map((s) => [s.sample, s.status]);

describe('xaiDecoder safety', () => {
  let folder: string;
  beforeEach(async () => (folder = await tempFolder('tfxai-safety-')));
  afterEach(async () => removeFolder(folder));

  forEachBackend(() => {
    describe('maps are checked before they are written', () => {
      for (const [bad, reason, code] of [
        [Number.NaN, 'not-finite', 'MAP_NOT_FINITE'],
        [47, 'out-of-range', 'MAP_OUT_OF_RANGE'],
      ] as const) {
        it(`a ${reason} map (${bad}) is a failed image, nothing is written for it, the others are done`, async () => {
          const inputs = path.join(folder, 'in');
          await mkdir(inputs);
          await writeFile(path.join(inputs, 'a.png'), testPng(1));
          await writeFile(path.join(inputs, 'b-black.png'), encodeTestPng(8, 6, 3, 8, new Array(8 * 6 * 3).fill(0)));
          await writeFile(path.join(inputs, 'c.png'), testPng(2));
          const out = path.join(folder, 'out');
          const before = tf.memory().numTensors;
          const result = await xaiDecoder({ inputs, model: meanScoreModel(), method: new BadOnBlack(bad), outDir: out, saveMaps: true });
          expect(tf.memory().numTensors).to.equal(before);
          expect(statuses(result)).to.deep.equal([['a.png', 'done'], ['b-black.png', 'failed'], ['c.png', 'done']]);
          expect([result.done, result.failed]).to.deep.equal([2, 1]);
          const error = result.samples[1]!.error as InvalidMapError;
          expect(error).to.be.instanceOf(InvalidMapError);
          expect([error.code, error.reason, error.classIndex]).to.deep.equal([code, reason, result.samples[1]!.classes[0]]);
          expect(error.message).to.contain(`48 of 48 values; the first, at index 0, is ${bad}`);
          expect(await listFiles(out)).to.deep.equal(['a.npy', 'a.png', 'c.npy', 'c.png']);
        });
      }

      it("a model whose scores are NaN gives NaN gradients: saliency's maps fail, none is written", async () => {
        await writeFile(path.join(folder, 'a.png'), testPng(1));
        const nanModel = (x: tf.Tensor4D) => tf.tidy(() => tf.mul(meanScoreModel()(x), tf.scalar(Number.NaN)) as tf.Tensor2D);
        const out = path.join(folder, 'out');
        const result = await xaiDecoder({ inputs: path.join(folder, 'a.png'), model: nanModel, method: 'saliency', outDir: out, classes: [0, 1] });
        expect(result.failed).to.equal(1);
        // The method's own result check (core's lifecycle) stops it before the pipeline's map check.
        expect(result.samples[0]!.error).to.be.instanceOf(NonFiniteError);
        expect(result.samples[0]!.error!.code).to.equal('NON_FINITE_RESULT');
        expect(await readdir(out)).to.deep.equal([]);
      });
    });

    describe('image sizes', () => {
      it('a fixed-size model never gets an oversized file at full size on the backend: sharp decodes it shrunk', async () => {
        const [width, height] = [4200, 4200];
        const raw = Buffer.alloc(width * height * 3);
        for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) % 251;
        const big = path.join(folder, 'big.png');
        await sharp(raw, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toFile(big);
        const model = fixedSizeModel();
        const method = new FirstChannelMethod();
        const profile = await tf.profile(async () => {
          const result = await xaiDecoder({ inputs: big, model, method, standardize: 'rescale' });
          expect(result.samples[0]!.status).to.equal('done');
          // floor(4200 * sqrt(4096^2 / 4200^2)) = 4096: the working image, overlay and map have this size.
          expect([result.samples[0]!.image!.width, result.samples[0]!.image!.height]).to.deep.equal([4096, 4096]);
          expect(4096 * 4096).to.equal(MAX_IMAGE_PIXELS);
        });
        // No kernel ever saw the full size; the resize to the model's 16x16 started from the shrunk image.
        const shapes = profile.kernels.flatMap((k) => [...k.inputShapes, ...k.outputShapes]);
        expect(shapes.filter((shape) => shape?.includes(4200))).to.deep.equal([]);
        const resize = profile.kernels.find((k) => k.name === 'ResizeBilinear')!;
        expect([resize.inputShapes[0], resize.outputShapes[0]]).to.deep.equal([[1, 4096, 4096, 3], [1, 16, 16, 3]]);
        // Full size as float32 would be 4200 * 4200 * 3 * 4 bytes per copy.
        expect(profile.peakBytes).to.be.below(3 * 4200 * 4200 * 3 * 4);
        expect(method.calls[0]!.shape).to.deep.equal([1, 16, 16, 3]);
        model.dispose();
      });

      it('a free-size model: too small and too large files fail alone; the good ones equal a run without them', async () => {
        const inputs = path.join(folder, 'in');
        await mkdir(inputs);
        await writeFile(path.join(inputs, 'a.png'), testPng(1, 12, 10));
        await writeFile(path.join(inputs, 'b-tiny.png'), testPng(5, 2, 2));
        // 4097 x 4096 pixels: one row more than the limit, refused from its header (a blank PNG compresses to little).
        await sharp({ create: { width: 4097, height: 4096, channels: 3, background: { r: 9, g: 9, b: 9 } } }).png().toFile(path.join(inputs, 'c-huge.png'));
        await writeFile(path.join(inputs, 'd.png'), testPng(2, 9, 11));
        const model = freeSizeModel();
        const run = (files: string[]) => xaiDecoder({ inputs: files.map((f) => path.join(inputs, f)), model, method: 'saliency', standardize: 'rescale' });
        const before = tf.memory().numTensors;
        const all = await run(['a.png', 'b-tiny.png', 'c-huge.png', 'd.png']);
        const good = await run(['a.png', 'd.png']);
        expect(tf.memory().numTensors).to.equal(before);
        expect(statuses(all)).to.deep.equal([['a.png', 'done'], ['b-tiny.png', 'failed'], ['c-huge.png', 'failed'], ['d.png', 'done']]);
        const [tiny, huge] = [all.samples[1]!.error as ImageSizeError, all.samples[2]!.error as ImageSizeError];
        expect([tiny, tiny.reason, tiny.code]).to.satisfy(([e, r, c]: [unknown, string, string]) => e instanceof ImageSizeError && r === 'too-small' && c === 'IMAGE_TOO_SMALL');
        expect(tiny.message).to.match(/2x2 is too small for the model: layer '.*conv2d.*' would have an empty output \[1, 0, 0, 2\]/);
        expect([huge.reason, huge.code]).to.deep.equal(['too-large', 'IMAGE_TOO_LARGE']);
        expect(huge.message).to.contain('4097x4096 has 16781312 pixels; at most 16777216');
        for (const [i, j] of [[0, 0], [3, 1]] as const) {
          expect(all.samples[i]!.classes).to.deep.equal(good.samples[j]!.classes);
          expect([...all.samples[i]!.maps![0]!.map]).to.deep.equal([...good.samples[j]!.maps![0]!.map]);
        }
        // Not a constant map: the comparison above compares real gradients.
        const map = good.samples[0]!.maps![0]!.map;
        expect(Math.max(...map) - Math.min(...map)).to.be.above(0.5);
        model.dispose();
      });
    });
  });

  describe('resume keeps only whole outputs of the same setup', () => {
    const inputsOf = async () => {
      const inputs = path.join(folder, 'in');
      await mkdir(inputs, { recursive: true });
      for (let i = 0; i < 4; i++) await writeFile(path.join(inputs, `img-${i}.png`), testPng(i));
      return inputs;
    };
    const base = (inputs: string, out: string, extra: Partial<XaiDecoderOptions> = {}): XaiDecoderOptions => ({
      inputs,
      model: meanScoreModel(),
      method: 'powered',
      registry: powerRegistry(),
      methodOptions: { power: 2 },
      outDir: out,
      saveMaps: true,
      resume: true,
      ...extra,
    });

    it('records method, canonical options, model and settings in each overlay; another method or option redoes it', async () => {
      const inputs = await inputsOf();
      const out = path.join(folder, 'out');
      const first = await xaiDecoder(base(inputs, out, { methodOptions: { power: 2, extra: { b: 1, a: [1, 2] } } }));
      expect(first.done).to.equal(4);
      const facts = pngFacts(await readFile(path.join(out, 'img-0.png')))!;
      expect([facts.width, facts.height]).to.deep.equal([8, 6]);
      expect(facts.record).to.deep.include({ method: 'powered', options: { extra: { a: [1, 2], b: 1 }, power: 2 }, model: 'function', standardize: 'none', eps: 1e-8, alpha: DEFAULT_OVERLAY_ALPHA, colormap: 'jet' });
      expect(RECORD_KEYWORD).to.equal('tfxai-run');
      const bytes = await readFile(path.join(out, 'img-1.png'));

      // The same options in another key order: the same canonical record, every image skipped.
      const same = await xaiDecoder(base(inputs, out, { methodOptions: { extra: { a: [1, 2], b: 1 }, power: 2 } }));
      expect([same.skipped, same.done]).to.deep.equal([4, 0]);
      // Another option value, another method, another colormap: each redoes every image.
      for (const extra of [{ methodOptions: { power: 3 } }, { method: 'inverted', methodOptions: { power: 3 } }, { method: 'inverted', methodOptions: { power: 3 }, colormap: 'gray' as const }]) {
        const again = await xaiDecoder(base(inputs, out, extra));
        expect([again.skipped, again.done], JSON.stringify(extra)).to.deep.equal([0, 4]);
        expect(pngFacts(await readFile(path.join(out, 'img-0.png')))!.record).to.deep.include({ method: extra.method ?? 'powered', options: { power: 3 } });
      }
      // Back to the first setup: computed again, and byte for byte what it wrote the first time.
      const back = await xaiDecoder(base(inputs, out, { methodOptions: { power: 2, extra: { b: 1, a: [1, 2] } } }));
      expect(back.done).to.equal(4);
      expect((await readFile(path.join(out, 'img-1.png'))).equals(bytes)).to.equal(true);
    });

    forEachBackend(() => {
      it('another model (its weights) redoes it; the same weights in another model object are skipped', async () => {
        const inputs = await inputsOf();
        const out = path.join(folder, 'out');
        const one = freeSizeModel();
        const same = freeSizeModel();
        const other = freeSizeModel();
        setFixedWeights(other, tf.sin, 0.2);
        const runWith = (model: tf.LayersModel) => xaiDecoder(base(inputs, out, { model }));
        expect((await runWith(one)).done).to.equal(4);
        expect((await runWith(same)).skipped).to.equal(4);
        expect((await runWith(other)).done).to.equal(4);
        expect(pngFacts(await readFile(path.join(out, 'img-0.png')))!.record!.model).to.match(/^sha256:[0-9a-f]{64}$/);
        for (const model of [one, same, other]) model.dispose();
      });
    });

    it('an empty, truncated or damaged overlay, or a bad .npy header or length, is redone; whole ones are skipped', async () => {
      const inputs = await inputsOf();
      const out = path.join(folder, 'out');
      await xaiDecoder(base(inputs, out, { resume: false }));
      const original = await Promise.all([0, 1, 2, 3].map((i) => readFile(path.join(out, `img-${i}.png`))));
      const damages: [string, () => Promise<void>][] = [
        ['empty png', () => truncate(path.join(out, 'img-0.png'), 0)],
        ['truncated png', async () => truncate(path.join(out, 'img-1.png'), (await stat(path.join(out, 'img-1.png'))).size - 20)],
        [
          'flipped byte in the pixels',
          async () => {
            const bytes = await readFile(path.join(out, 'img-2.png'));
            bytes[bytes.length - 20] ^= 0xff;
            await writeFile(path.join(out, 'img-2.png'), bytes);
          },
        ],
        ['bad npy header', async () => writeFile(path.join(out, 'img-3.npy'), Buffer.from('not a numpy file at all, but long enough'))],
      ];
      for (const [, damage] of damages) await damage();
      const second = await xaiDecoder(base(inputs, out));
      expect(statuses(second)).to.deep.equal([0, 1, 2, 3].map((i) => [`img-${i}.png`, 'done']));
      for (let i = 0; i < 4; i++) expect((await readFile(path.join(out, `img-${i}.png`))).equals(original[i]!), `img-${i}`).to.equal(true);
      // A .npy one value short: redone; the rest skipped.
      await truncate(path.join(out, 'img-2.npy'), (await stat(path.join(out, 'img-2.npy'))).size - 4);
      const third = await xaiDecoder(base(inputs, out));
      expect(statuses(third)).to.deep.equal([['img-0.png', 'skipped'], ['img-1.png', 'skipped'], ['img-2.png', 'done'], ['img-3.png', 'skipped']]);
    });
  });

  describe('what the folder walk takes, leaves out and counts', () => {
    it('an output folder inside the input folder is not an input on the next run; the input folder itself is refused as output', async () => {
      const inputs = path.join(folder, 'in');
      await mkdir(inputs);
      for (let i = 0; i < 3; i++) await writeFile(path.join(inputs, `img-${i}.png`), testPng(i));
      const out = path.join(inputs, 'heatmaps');
      const options: XaiDecoderOptions = { inputs, model: meanScoreModel(), method: new FirstChannelMethod(), outDir: out };
      const first = await xaiDecoder(options);
      const second = await xaiDecoder(options);
      expect([first.total, second.total]).to.deep.equal([3, 3]);
      expect(second.ignored).to.deep.equal({ hidden: 0, symlinks: 0, special: 0, excluded: 1 });
      expect(await readdir(out)).to.have.length(3);
      const error = await xaiDecoder({ ...options, outDir: inputs }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(InvalidOptionError);
      expect((error as Error).message).to.match(/is also an input folder; its overlays would overwrite its images/);
    });

    it('counts hidden entries, links not followed and FIFOs; a FIFO given by name fails at once instead of blocking', async () => {
      const inputs = path.join(folder, 'in');
      await mkdir(path.join(inputs, 'sub'), { recursive: true });
      await mkdir(path.join(inputs, '.git'));
      await writeFile(path.join(inputs, 'a.png'), testPng(1));
      await writeFile(path.join(inputs, 'sub/b.png'), testPng(2));
      await writeFile(path.join(inputs, '.hidden.png'), testPng(3));
      await writeFile(path.join(inputs, '.git/c.png'), testPng(4));
      await symlink(path.join(inputs, 'a.png'), path.join(inputs, 'link-to-file.png'));
      await symlink(path.join(inputs, 'sub'), path.join(inputs, 'link-to-folder'));
      await symlink(path.join(folder, 'nowhere.png'), path.join(inputs, 'broken.png'));
      execFileSync('mkfifo', [path.join(inputs, 'pipe.png')]);
      await symlink(path.join(inputs, 'pipe.png'), path.join(inputs, 'link-to-pipe.png'));
      const result = await xaiDecoder({ inputs, model: meanScoreModel(), method: new FirstChannelMethod() });
      expect(result.samples.map((s) => s.sample)).to.deep.equal(['a.png', 'link-to-file.png', 'sub/b.png']);
      expect(result.ignored).to.deep.equal({ hidden: 2, symlinks: 3, special: 1, excluded: 0 });
      // Named directly, the FIFO is opened without blocking, seen not to be a file, and refused.
      const direct = await xaiDecoder({ inputs: [path.join(inputs, 'pipe.png'), path.join(inputs, 'a.png')], model: meanScoreModel(), method: new FirstChannelMethod() });
      expect(statuses(direct)).to.deep.equal([['pipe.png', 'failed'], ['a.png', 'done']]);
      const error = direct.samples[0]!.error as ImageReadError;
      expect([error.constructor, error.reason]).to.deep.equal([ImageReadError, 'unreadable']);
      expect(error.message).to.match(/pipe\.png': it is a FIFO, not a regular file/);
      // A character device is refused the same way.
      const device = await xaiDecoder({ inputs: '/dev/zero', model: meanScoreModel(), method: new FirstChannelMethod() });
      expect(device.samples[0]!.error!.message).to.match(/it is a character device, not a regular file/);
    });
  });

  describe('models that do not take images', () => {
    it('several inputs, another rank, or channels that contradict the model: typed errors before any image', async () => {
      await writeFile(path.join(folder, 'a.png'), testPng(1, 16, 16));
      const a = tf.input({ shape: [16, 16, 3], name: 'left' });
      const b = tf.input({ shape: [16, 16, 3], name: 'right' });
      const joined = tf.layers.globalAveragePooling2d({}).apply(tf.layers.add().apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
      const twoInputs = tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 2 }).apply(joined) as tf.SymbolicTensor });
      const flat = tf.sequential({ layers: [tf.layers.dense({ inputShape: [10], units: 2 })] });
      const rgb = fixedSizeModel();
      const method = new FirstChannelMethod();
      const cases: [Partial<XaiDecoderOptions>, new (...args: never[]) => Error, RegExp][] = [
        [{ model: twoInputs }, UnsupportedModelError, /the model has 2 inputs \('left', 'right'\); the image pipeline explains models with one image input/],
        [{ model: flat }, UnsupportedModelError, /the model's input has shape \[null, 10\] \(rank 2\); the image pipeline needs an image input of shape \(N, height, width, channels\)/],
        [{ model: rgb, channels: 1 }, InvalidOptionError, /option 'channels': got 1, but the model's input \[null, 16, 16, 3\] takes 3 channel\(s\)/],
      ];
      for (const [options, type, message] of cases) {
        const error = await xaiDecoder({ inputs: path.join(folder, 'a.png'), method, ...options } as XaiDecoderOptions).then(() => undefined, (e: unknown) => e);
        expect(error, String(message)).to.be.instanceOf(type);
        expect((error as Error).message).to.match(message);
      }
      expect(method.calls).to.deep.equal([]);
      for (const model of [twoInputs, flat, rgb]) model.dispose();
    });
  });
});
