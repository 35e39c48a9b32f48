import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, type XaiMethod } from '@tfxai/core';
import { VolumeInputError, encodeNifti1, explainMedical, readNifti } from '@tfxai/node';
import { expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { removeFolder, tempFolder } from '../fixtures.js';
import { DIMS, obliqueAffine } from './medical-fixtures.js';

/**
 * A method that returns its input's first channel as the map, unnormalised:
 * what the 3-D path does around the method (resizing both ways, orientation,
 * normalisation) is then checked against a host reference voxel by voxel.
 */
class VolumeEchoMethod implements XaiMethod {
  readonly name = 'volume-echo';
  calls: { classIndex: number; shape: number[] }[] = [];
  async computeHeatmap(image: tf.Tensor, classIndex: number): Promise<tf.Tensor2D> {
    this.calls.push({ classIndex, shape: image.shape });
    const [, d, h, w] = image.shape as number[];
    // The XaiMethod type of this build says Tensor2D; the volume contract returns (D, H, W).
    return tf.tidy(() => image.slice([0, 0, 0, 0, 0], [1, -1, -1, -1, 1]).reshape([d!, h!, w!])) as unknown as tf.Tensor2D;
  }
}

/**
 * Trilinear resize with half-voxel centres, a plain host loop independent of
 * tfjs: output voxel o of n samples the input at (o + 0.5) * m / n - 0.5,
 * clamped to [0, m - 1], linearly between the two neighbours, per axis.
 */
function trilinear(values: Float32Array, from: readonly number[], to: readonly number[]): Float64Array {
  const sample = (o: number, n: number, m: number) => {
    const x = Math.min(Math.max(((o + 0.5) * m) / n - 0.5, 0), m - 1);
    const lo = Math.floor(x);
    return { lo, hi: Math.min(lo + 1, m - 1), t: x - lo };
  };
  const [fd, fh, fw] = from as [number, number, number];
  const [td, th, tw] = to as [number, number, number];
  const out = new Float64Array(td * th * tw);
  const at = (d: number, h: number, w: number) => values[(d * fh + h) * fw + w]!;
  for (let d = 0; d < td; d++) {
    const z = sample(d, td, fd);
    for (let h = 0; h < th; h++) {
      const y = sample(h, th, fh);
      for (let w = 0; w < tw; w++) {
        const x = sample(w, tw, fw);
        const plane = (dd: number) =>
          (1 - y.t) * ((1 - x.t) * at(dd, y.lo, x.lo) + x.t * at(dd, y.lo, x.hi)) + y.t * ((1 - x.t) * at(dd, y.hi, x.lo) + x.t * at(dd, y.hi, x.hi));
        out[(d * th + h) * tw + w] = (1 - z.t) * plane(z.lo) + z.t * plane(z.hi);
      }
    }
  }
  return out;
}

/** A smooth, asymmetric test scan on DIMS (i fastest): a different slope along each axis, so a swapped or flipped axis shows. */
function rampVolume(): Float32Array {
  const [ni, nj, nk] = DIMS;
  const data = new Float32Array(ni * nj * nk);
  for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) data[i + ni * (j + nj * k)] = 10 * i + 3 * j * j + 40 * k;
  return data;
}

/** A 3-D layers model declaring the grid [D, H, W, C]; the echo method never calls it, it only declares the input. */
function volumeModel(grid: [number, number, number, number], classes = 2): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.conv3d({ inputShape: grid, filters: 2, kernelSize: 1, kernelInitializer: 'ones' }), tf.layers.flatten(), tf.layers.dense({ units: classes, kernelInitializer: 'ones' })],
  });
}

describe('explainMedical with a 3-D model (the volume path)', () => {
  let folder: string;
  beforeEach(async () => (folder = await tempFolder('tfxai-medical3d-')));
  afterEach(async () => removeFolder(folder));

  forEachBackend(() => {
    it('resizes the scan to the model grid, the map back to the source grid (both trilinear), normalises over the volume, and writes it with the source affine', async () => {
      const scanFile = path.join(folder, 'ramp.nii.gz');
      const affine = obliqueAffine();
      const ramp = rampVolume();
      await writeFile(scanFile, encodeNifti1(ramp, DIMS, affine));
      // Model grid (D, H, W) = (4, 7, 9) against the scan's (k, j, i) = (10, 16, 20): every axis resized, by different factors.
      const model = volumeModel([4, 7, 9, 1]);
      const method = new VolumeEchoMethod();
      const window = { center: 600, width: 1200 };
      const result = await expectNoLeak(() => explainMedical({ inputs: [scanFile], model, method, classes: [1], window, outDir: path.join(folder, 'out') }));
      const [sample] = result.samples;
      expect(sample!.status, sample!.error?.message).to.equal('done');
      expect(method.calls).to.deep.equal([{ classIndex: 1, shape: [1, 4, 7, 9, 1] }]);
      expect(sample!.volume).to.deep.equal({ classes: [1], modelGrid: [4, 7, 9] });
      expect(sample!.sliceAxis).to.equal(undefined);

      // Reference: the window (0..1200 -> 0..255, clamped), down to the model grid, back to the scan grid, min-max over the volume.
      const windowed = ramp.map((v) => Math.min(255, Math.max(0, (v * 255) / 1200)));
      const source = [DIMS[2], DIMS[1], DIMS[0]];
      const back = trilinear(Float32Array.from(trilinear(windowed, source, [4, 7, 9])), [4, 7, 9], source);
      const [min, max] = [Math.min(...back), Math.max(...back)];
      const expected = back.map((v) => (v - min) / (max - min));

      const heatmap = await readNifti(path.join(folder, 'out', 'ramp.class_1.nii.gz'));
      expect(heatmap.dims).to.deep.equal(DIMS);
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(heatmap.affine[r]![c]).to.be.closeTo(affine[r]![c]!, 1e-5);
      let worst = 0;
      heatmap.data.forEach((v, n) => (worst = Math.max(worst, Math.abs(v - expected[n]!))));
      expect(worst, 'largest difference from the host reference').to.be.below(1e-5);

      // One scale for the whole volume: max 1 and min 0 overall, while most axial slices stay below 1 (per-slice normalisation would give each a 1).
      expect(Math.max(...heatmap.data)).to.equal(1);
      expect(Math.min(...heatmap.data)).to.equal(0);
      const slice = DIMS[0] * DIMS[1];
      const sliceMaxima = Array.from({ length: DIMS[2] }, (_, k) => Math.max(...heatmap.data.subarray(k * slice, (k + 1) * slice)));
      expect(sliceMaxima.filter((m) => m === 1)).to.have.length(1);
      // The first slice's own maximum, as the reference has it (about 0.73), not 1.
      expect(sliceMaxima[0]).to.be.closeTo(Math.max(...expected.subarray(0, slice)), 1e-5).and.below(0.8);
      expect(sample!.peak!.slicesAtMaximum).to.equal(1);
      // The ramp grows along every axis: the peak is the far corner (i, j, k) = (19, 15, 9).
      expect(sample!.peak!.voxel).to.deep.equal([DIMS[0] - 1, DIMS[1] - 1, DIMS[2] - 1]);
      model.dispose();
    });

    it("explains the volume's top class when no class is given, with the model's declared grid kept as it is", async () => {
      const scanFile = path.join(folder, 'same.nii.gz');
      await writeFile(scanFile, encodeNifti1(rampVolume(), DIMS, obliqueAffine()));
      // Class 1's weights are all zero and class 0's one: the scan (all >= 0) scores class 0 higher.
      const model = volumeModel([DIMS[2], DIMS[1], DIMS[0], 1]);
      const dense = model.layers[2]!;
      const [kernel, bias] = dense.getWeights();
      const weights = tf.tidy(() => [tf.concat([tf.onesLike(kernel!).slice([0, 0], [-1, 1]), tf.zerosLike(kernel!).slice([0, 0], [-1, 1])], 1), tf.zerosLike(bias!)]);
      dense.setWeights(weights);
      tf.dispose(weights);
      const method = new VolumeEchoMethod();
      const result = await expectNoLeak(() => explainMedical({ inputs: [scanFile], model, method, window: { center: 600, width: 1200 }, outDir: path.join(folder, 'out') }));
      expect(result.samples[0]!.status, result.samples[0]!.error?.message).to.equal('done');
      expect(method.calls).to.deep.equal([{ classIndex: 0, shape: [1, DIMS[2], DIMS[1], DIMS[0], 1] }]);
      expect(result.samples[0]!.volume!.classes).to.deep.equal([0]);
      // No resizing: the map is the windowed scan itself, min-max normalised over the volume (no class given: no class suffix on the file).
      const heatmap = await readNifti(path.join(folder, 'out', 'same.nii.gz'));
      const windowed = rampVolume().map((v) => Math.min(255, (v * 255) / 1200));
      const max = Math.max(...windowed);
      heatmap.data.forEach((v, n) => expect(v).to.be.closeTo(windowed[n]! / max, 1e-6));
      model.dispose();
    });

    it('reports a one-slice input and a channel mismatch as VolumeInputError per input, and goes on, leaving no tensor behind', async () => {
      const flat = path.join(folder, 'flat.nii.gz');
      await writeFile(flat, encodeNifti1(new Float32Array(20 * 16), [20, 16, 1], obliqueAffine()));
      const good = path.join(folder, 'good.nii.gz');
      await writeFile(good, encodeNifti1(rampVolume(), DIMS, obliqueAffine()));
      const model = volumeModel([4, 7, 9, 1]);
      const result = await expectNoLeak(() => explainMedical({ inputs: [flat, good], model, method: new VolumeEchoMethod(), classes: [0], outDir: path.join(folder, 'out') }));
      expect([result.done, result.failed]).to.deep.equal([1, 1]);
      const error = result.samples[0]!.error!;
      expect(error).to.be.instanceOf(VolumeInputError).and.to.include({ code: 'VOLUME_INPUT_MISMATCH' });
      expect(error.message).to.match(/single 2-D image \(20x16x1 voxels\).*explain it with a 2-D model/);
      model.dispose();

      const rgbModel = volumeModel([4, 7, 9, 3]);
      const mismatch = await expectNoLeak(() => explainMedical({ inputs: [good], model: rgbModel, method: new VolumeEchoMethod(), classes: [0], outDir: path.join(folder, 'out3') }));
      expect(mismatch.samples[0]!.error).to.be.instanceOf(VolumeInputError);
      expect(mismatch.samples[0]!.error!.message).to.match(/the model takes 3 channel\(s\) and the scan has 1/);
      const badOption = await expectNoLeakOnThrow(() => explainMedical({ inputs: [good], model: rgbModel, method: new VolumeEchoMethod(), channels: 1, outDir: path.join(folder, 'out4') }));
      expect(badOption).to.be.instanceOf(InvalidOptionError);
      expect((badOption as Error).message).to.match(/the 3-D model takes 3 channel\(s\) and --channels says 1/);
      rgbModel.dispose();
    });
  });
});
