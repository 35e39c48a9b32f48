import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import sharp from 'sharp';
import { MedicalReadError, SECONDARY_CAPTURE_SOP_CLASS, colormapColor, dicomString, encodeNifti1, explainMedical, readDicomFile, readDicomSeries, readNifti, voxelToWorld } from '@tfxai/node';
import { forEachBackend } from '@tfxai/test-utils';
import { FirstChannelMethod, removeFolder, tempFolder } from '../fixtures.js';
import { lpsOf, obliqueSeries, writeDicomSeries, dicomSlice } from './dicom-fixtures.js';
import { DIMS, blockVolume, obliqueAffine } from './medical-fixtures.js';

/** A 2-D function model: class 0 scores the sum of squares, so saliency's |d/dx| = 2|x| is brightest where the slice is. */
const squareModel = (x: tf.Tensor4D) => tf.tidy(() => tf.stack([x.square().sum([1, 2, 3]), tf.zeros([x.shape[0]])], 1));

describe('explainMedical', () => {
  let folder: string;
  beforeEach(async () => (folder = await tempFolder('tfxai-medical-')));
  afterEach(async () => removeFolder(folder));

  forEachBackend(() => {
    it('explains a DICOM series with a registered method (saliency) and writes the heatmap with the series geometry (LPS -> RAS)', async () => {
      const series = obliqueSeries({ stored: (i, j, k) => (i === 4 && j === 2 && k === 5 ? 1600 : 1024) });
      const input = path.join(folder, 'series');
      await mkdir(input);
      await writeDicomSeries(input, series);
      const before = tf.memory().numTensors;
      const result = await explainMedical({ inputs: [input], model: squareModel, method: 'saliency', classes: [0], outDir: path.join(folder, 'out'), window: { center: 300, width: 600 } });
      expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
      const [sample] = result.samples;
      expect(sample!.status, sample!.error?.message).to.equal('done');
      expect(sample!.peak!.voxel).to.deep.equal([4, 2, 5]);
      const lps = lpsOf(series, 4, 2, 5);
      sample!.peak!.world.forEach((v, n) => expect(v).to.be.closeTo(n < 2 ? -lps[n]! : lps[n]!, 1e-4));
      const heatmap = await readNifti(path.join(folder, 'out', 'series.class_0.nii.gz'));
      expect(heatmap.dims).to.deep.equal([6, 5, 7]);
      const corner = lpsOf(series, 5, 4, 6);
      voxelToWorld(heatmap.affine, [5, 4, 6]).forEach((v, n) => expect(v).to.be.closeTo(n < 2 ? -corner[n]! : corner[n]!, 1e-4));
      expect(sample!.files.map((f) => path.basename(f))).to.deep.equal(['series.class_0.nii.gz', 'series.class_0.png']);
    });
  });

  it('--dicom-out writes the overlay as an RGB Secondary Capture series in the source study, referencing each source slice', async () => {
    const series = obliqueSeries({ stored: (i, j, k) => (i === 4 && j === 2 && k === 5 ? 1600 : 1024 + 10 * i) });
    const input = path.join(folder, 'series');
    await mkdir(input);
    await writeDicomSeries(input, series);
    const out = path.join(folder, 'out');
    const result = await explainMedical({ inputs: [input], model: squareModel, method: new FirstChannelMethod(), outDir: out, window: { center: 300, width: 600 }, dicomOut: true, alpha: 0.5 });
    expect(result.samples[0]!.files.map((f) => path.basename(f))).to.deep.equal(['series.nii.gz', 'series.png', 'series.dicom']);
    const source = await readDicomSeries(input);
    const files = (await readdir(path.join(out, 'series.dicom'))).sort();
    expect(files).to.have.length(7);
    const uids = new Set<string>();
    for (const [k, name] of files.entries()) {
      const { dataset } = await readDicomFile(path.join(out, 'series.dicom', name));
      expect(dataset['SOPClassUID']).to.equal(SECONDARY_CAPTURE_SOP_CLASS);
      expect(dicomString(dataset, 'StudyInstanceUID')).to.equal(source.dicom!.studyInstanceUid);
      uids.add(dicomString(dataset, 'SeriesInstanceUID')!);
      const reference = (dataset['ReferencedImageSequence'] as Record<string, unknown>[])[0]!;
      expect(reference['ReferencedSOPInstanceUID']).to.equal(source.dicom!.sopInstanceUids[k]);
    }
    expect(uids.size).to.equal(1);
    expect([...uids][0]).to.not.equal(source.dicom!.seriesInstanceUid);
    // Read back as a series: RGB, on the source's grid and geometry.
    const overlay = await readDicomSeries(path.join(out, 'series.dicom'));
    expect([overlay.dims, overlay.channels]).to.deep.equal([[6, 5, 7], 3]);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(overlay.affine[r]![c]).to.be.closeTo(source.affine[r]![c]!, 1e-4);
    // Voxel (0, 0, 0): HU 0 -> window 0..600 -> 0; the map there is 0 (the slice minimum): alpha * 255 * jet(0) + 0.
    const jet0 = colormapColor('jet', 0).map((v) => Math.trunc(v * 255 * 0.5));
    expect(Array.from(overlay.data.subarray(0, 3))).to.deep.equal(jet0);
    // The peak voxel (map 1, HU 576 -> 244.8): alpha * 255 * jet(255) + 0.5 * 244.8, truncated.
    const peak = 3 * (4 + 6 * (2 + 5 * 5));
    const jet255 = colormapColor('jet', 255).map((v) => Math.trunc(v * 255 * 0.5 + 0.5 * (576 * 255) / 600));
    expect(Array.from(overlay.data.subarray(peak, peak + 3))).to.deep.equal(jet255);
  });

  it('explains a projection X-ray (one DICOM file) as one 2-D image and says it has no patient geometry', async () => {
    const file = path.join(folder, 'chest.dcm');
    const xray = obliqueSeries({ columns: 9, rows: 7, slices: 1, projection: true, window: [200, 600], stored: (i, j) => 1024 + 40 * i + j });
    await writeFile(file, new Uint8Array(dicomSlice(xray, 0)));
    const result = await explainMedical({ inputs: [file], model: squareModel, method: new FirstChannelMethod(), outDir: path.join(folder, 'out') });
    const [sample] = result.samples;
    expect(sample!.status, sample!.error?.message).to.equal('done');
    expect(sample!.dims).to.deep.equal([9, 7, 1]);
    expect(sample!.intensity).to.match(/WindowCenter/);
    expect(sample!.notes.join()).to.match(/no ImagePositionPatient/);
    // The brightest pixel of the windowed X-ray (i = 8, j = 6: HU 326, inside the window -100 to 500) is the map's peak.
    expect(sample!.peak!.voxel).to.deep.equal([8, 6, 0]);
    const png = await sharp(path.join(folder, 'out', 'chest.png')).metadata();
    expect(png.height).to.equal(256);
  });

  it('reports a broken input per file and goes on; resume skips what is finished', async () => {
    const good = path.join(folder, 'good.nii.gz');
    await writeFile(good, encodeNifti1(blockVolume(), DIMS, obliqueAffine()));
    const broken = path.join(folder, 'broken.nii.gz');
    const bytes = encodeNifti1(blockVolume(), DIMS, obliqueAffine());
    await writeFile(broken, bytes.subarray(0, bytes.length / 2));
    const out = path.join(folder, 'out');
    const progress: string[] = [];
    const options = { inputs: [broken, good], model: squareModel, method: new FirstChannelMethod(), outDir: out, saveMaps: true, onProgress: (p: { sample: string; status: string }) => progress.push(`${p.sample}:${p.status}`) };
    const first = await explainMedical(options);
    expect([first.done, first.failed]).to.deep.equal([1, 1]);
    expect(first.samples[0]!.error).to.be.instanceOf(MedicalReadError).and.to.include({ code: 'MEDICAL_CORRUPT' });
    expect(progress).to.deep.equal(['broken:failed', 'good:done']);
    expect((await readdir(out)).sort()).to.deep.equal(['good.nii.gz', 'good.npy', 'good.png']);
    const written = (await stat(path.join(out, 'good.nii.gz'))).mtimeMs;
    const second = await explainMedical({ ...options, resume: true });
    expect([second.skipped, second.failed]).to.deep.equal([1, 1]);
    expect((await stat(path.join(out, 'good.nii.gz'))).mtimeMs).to.equal(written);
  });

  it('draws three planes through the peak over the windowed scan, with a colour bar from 0 (bottom) to 1 (top)', async () => {
    const good = path.join(folder, 'scan.nii.gz');
    await writeFile(good, encodeNifti1(blockVolume(), DIMS, obliqueAffine()));
    await explainMedical({ inputs: [good], model: squareModel, method: new FirstChannelMethod(), outDir: path.join(folder, 'out'), window: { center: 500, width: 1000 } });
    const { data, info } = await sharp(path.join(folder, 'out', 'scan.png')).raw().toBuffer({ resolveWithObject: true });
    expect(info.height).to.equal(256);
    // Panels at the voxels' physical aspect: k plane 16 x 20 voxels of 1.2 x 0.8 mm (rows j, columns i) -> 256 * 16 / 19.2 = 213 px wide.
    const kWidth = Math.round((256 * 20 * 0.8) / (16 * 1.2));
    const jWidth = Math.round((256 * 20 * 0.8) / (10 * 3));
    const iWidth = Math.round((256 * 16 * 1.2) / (10 * 3));
    expect(info.width).to.equal(kWidth + jWidth + iWidth + 3 * 8 + 16 + 28);
    const bar = kWidth + jWidth + iWidth + 3 * 8;
    const pixel = (x: number, y: number) => Array.from(data.subarray(3 * (y * info.width + x), 3 * (y * info.width + x) + 3));
    const jet = (level: number) => colormapColor('jet', level).map((c) => Math.round(c * 255));
    expect(pixel(bar, 0)).to.deep.equal(jet(255));
    expect(pixel(bar, 255)).to.deep.equal(jet(0));
  });
});
