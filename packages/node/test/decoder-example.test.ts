import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { DEFAULT_OVERLAY_ALPHA, decodeImage, loadModelFromFile, readImage, xaiDecoder, type RasterImage, type XaiDecoderOptions } from '@tfxai/node';
import { forEachBackend } from '@tfxai/test-utils';
import { EXAMPLE_IMAGES, EXAMPLE_MODEL, FirstChannelMethod, listFiles, removeFolder, tempFolder } from './fixtures.js';
import { readNpy } from './npy-reader.js';
import { jetReference } from './jet-reference.js';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}


/** The largest deviation of an overlay from AUCMEDI's formula, computed straightforwardly. */
function overlayDeviation(overlay: RasterImage, image: RasterImage, map: Float32Array, alpha: number): number {
  let worst = 0;
  for (let p = 0; p < image.width * image.height; p++) {
    const color = jetReference(Math.trunc(Math.fround(map[p]! * 255)) / 255);
    for (let c = 0; c < 3; c++) {
      const expected = Math.trunc(alpha * 255 * color[c]! + (1 - alpha) * image.data[3 * p + c]!);
      worst = Math.max(worst, Math.abs(overlay.data[3 * p + c]! - expected));
    }
  }
  return worst;
}

describe('xaiDecoder end to end on the bundled example model', function () {
  const samples = ['plus-01.png', 'sub/ring-01.png', 'x-01.png'];
  let inputs: string;
  let boxes: Record<string, { class: number; box: Box }>;

  before(async () => {
    inputs = await tempFolder('tfxai-example-');
    await mkdir(path.join(inputs, 'sub'));
    for (const sample of samples) await copyFile(path.join(EXAMPLE_IMAGES, path.basename(sample)), path.join(inputs, sample));
    boxes = JSON.parse(await readFile(path.join(EXAMPLE_IMAGES, 'boxes.json'), 'utf8'));
  });
  after(async () => removeFolder(inputs));

  forEachBackend(() => {
    let out: string;
    beforeEach(async () => (out = await tempFolder('tfxai-out-')));
    afterEach(async () => removeFolder(out));

    const igOptions = (): XaiDecoderOptions => ({
      inputs,
      model: EXAMPLE_MODEL,
      method: 'ig',
      methodOptions: { numSteps: 4 },
      standardize: 'rescale',
      batchSize: 2,
    });

    it('writes AUCMEDI-named overlays and .npy maps; the maps round-trip bit-exactly and sit on the structure', async () => {
      const before = tf.memory().numTensors;
      const written = await xaiDecoder({ ...igOptions(), outDir: out, saveMaps: true });
      expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
      expect([written.total, written.done, written.failed, written.skipped]).to.deep.equal([3, 3, 0, 0]);
      expect(await listFiles(out)).to.deep.equal(['plus-01.npy', 'plus-01.png', 'sub.ring-01.npy', 'sub.ring-01.png', 'x-01.npy', 'x-01.png']);
      // The model's own prediction picks each image's true class.
      expect(written.samples.map((s) => s.classes)).to.deep.equal([[0], [1], [2]]);

      const returned = await xaiDecoder(igOptions());
      for (const [i, sample] of samples.entries()) {
        const stem = sample.replace('/', '.').replace(/\.png$/, '');
        const npy = readNpy(await readFile(path.join(out, `${stem}.npy`)));
        expect(npy.descr).to.equal('<f4');
        expect(npy.shape).to.deep.equal([64, 64]);
        const map = returned.samples[i]!.maps![0]!.map;
        expect([...new Uint32Array(npy.data.buffer)], `${sample} bits`).to.deep.equal([...new Uint32Array(map.buffer, map.byteOffset, map.length)]);

        const image = await readImage(path.join(inputs, sample));
        const overlay = await readImage(path.join(out, `${stem}.png`));
        // The decoder's default weight (0.5; AUCMEDI's 0.25 is one option away).
        expect(overlayDeviation(overlay, image, npy.data, DEFAULT_OVERLAY_ALPHA), `${sample} overlay vs formula`).to.be.at.most(1);
        // Where the map is hot the overlay differs from the image.
        let hot = 0;
        let changed = 0;
        for (let p = 0; p < 64 * 64; p++) {
          if (npy.data[p]! < 0.6) continue;
          hot++;
          if ([0, 1, 2].some((c) => overlay.data[3 * p + c] !== image.data[3 * p + c])) changed++;
        }
        expect(hot).to.be.above(0);
        expect(changed).to.equal(hot);
        // The peak lies on the structure that decides the class (box from the example's boxes.json, 2 px margin).
        const box = boxes[path.basename(sample)]!.box;
        const peak = npy.data.indexOf(Math.max(...npy.data));
        const [py, px] = [Math.floor(peak / 64), peak % 64];
        expect(px, `${sample} peak x`).to.be.within(box.x - 2, box.x + box.width + 1);
        expect(py, `${sample} peak y`).to.be.within(box.y - 2, box.y + box.height + 1);
      }
    });

    it('with alpha 0 the overlay equals the input image exactly', async () => {
      await xaiDecoder({ inputs, model: EXAMPLE_MODEL, method: new FirstChannelMethod(), standardize: 'rescale', outDir: out, alpha: 0 });
      for (const sample of samples) {
        const image = await readImage(path.join(inputs, sample));
        const overlay = await decodeImage(await readFile(path.join(out, sample.replace('/', '.'))), sample);
        expect([...overlay.data]).to.deep.equal([...image.data]);
      }
    });

    it('names per-class maps x.class_<c>.png for allClasses and classes; preds choose the class', async () => {
      const method = new FirstChannelMethod();
      const common = { inputs, model: EXAMPLE_MODEL, method, standardize: 'rescale' as const };
      const all = await xaiDecoder({ ...common, outDir: path.join(out, 'all'), allClasses: true });
      expect(all.samples.map((s) => s.classes)).to.deep.equal([[0, 1, 2], [0, 1, 2], [0, 1, 2]]);
      expect(await listFiles(path.join(out, 'all'))).to.deep.equal(
        ['plus-01', 'sub.ring-01', 'x-01'].flatMap((stem) => [0, 1, 2].map((c) => `${stem}.class_${c}.png`)).sort(),
      );
      await xaiDecoder({ ...common, outDir: path.join(out, 'two'), classes: [2] });
      expect(await listFiles(path.join(out, 'two'))).to.deep.equal(['plus-01.class_2.png', 'sub.ring-01.class_2.png', 'x-01.class_2.png']);
      method.calls = [];
      const preds = await xaiDecoder({ ...common, preds: [[0, 0, 1], [0.9, 0.1, 0], [0, 1, 0]] });
      expect(preds.samples.map((s) => s.classes)).to.deep.equal([[2], [0], [1]]);
      expect(method.calls.map((c) => c.classIndex)).to.deep.equal([2, 0, 1]);
    });

    it('keeps a model it was given and disposes one it loaded: no tensor leaks either way', async () => {
      const { model } = await loadModelFromFile(EXAMPLE_MODEL);
      const before = tf.memory().numTensors;
      await xaiDecoder({ inputs, model, method: new FirstChannelMethod(), standardize: 'rescale' });
      expect(tf.memory().numTensors).to.equal(before);
      // Still usable.
      const probe = tf.tidy(() => (model as tf.LayersModel).predict(tf.zeros([1, 64, 64, 3])) as tf.Tensor);
      expect(probe.shape).to.deep.equal([1, 3]);
      probe.dispose();
      model.dispose();
    });
  });
});
