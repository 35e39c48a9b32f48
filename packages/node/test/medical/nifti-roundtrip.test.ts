import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import niftiJs from 'nifti-js';
import * as niftiReader from 'nifti-reader-js';
import { MedicalReadError, encodeNifti1, explainMedical, readNifti, voxelToWorld, type Affine } from '@tfxai/node';
import { forEachBackend } from '@tfxai/test-utils';
import { FirstChannelMethod, removeFolder, tempFolder } from '../fixtures.js';
import { BLOCK, DIMS, blockCentreWorld, voxelWorldByHand, blockFiles, blockVolume, encodeNifti2, obliqueAffine } from './medical-fixtures.js';

function expectAffine(actual: Affine, expected: Affine, tolerance = 1e-5): void {
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(actual[r]![c], `affine[${r}][${c}]`).to.be.closeTo(expected[r]![c]!, tolerance);
}

/** nifti-js logs a warning for every file with an sform ("ignored"): silenced while it parses. */
function quietly<T>(action: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return action();
  } finally {
    console.warn = warn;
  }
}

describe('NIfTI in and out', () => {
  let folder: string;
  beforeEach(async () => (folder = await tempFolder('tfxai-nifti-')));
  afterEach(async () => removeFolder(folder));

  it('reads NIfTI-1 and NIfTI-2, plain and gzip, int16 with scl_slope/scl_inter and float32, with the sform', async () => {
    const expected = blockVolume();
    for (const { name, bytes, format } of blockFiles()) {
      const file = path.join(folder, name);
      await writeFile(file, bytes);
      const volume = await readNifti(file);
      expect(volume.format, name).to.equal(format);
      expect(volume.dims, name).to.deep.equal(DIMS);
      expect(volume.affineSource, name).to.equal('sform');
      expectAffine(volume.affine, obliqueAffine());
      // 0 -> stored 50 -> 50 * 2 - 100 = 0; 800 -> 450; 1000 -> 550: exact in float32.
      expect(Array.from(volume.data), name).to.deep.equal(Array.from(expected));
      expect(voxelToWorld(volume.affine, BLOCK.centre).map((v, n) => v - blockCentreWorld()[n]!).every((d) => Math.abs(d) < 1e-4), name).to.equal(true);
    }
  });

  it('chooses the affine as viewers do: sform when sform_code > 0, else qform, else pixdim', async () => {
    const values = blockVolume();
    const affine = obliqueAffine();
    // qform only (sform_code 0): the qform, rebuilt by nifti-reader-js from the quaternion the writer stored.
    await writeFile(path.join(folder, 'q.nii'), encodeNifti1(values, DIMS, affine, { sformCode: 0, qformCode: 1, gzip: false }));
    const q = await readNifti(path.join(folder, 'q.nii'));
    expect(q.affineSource).to.equal('qform');
    expectAffine(q.affine, affine, 1e-4);
    // Neither: pixdim scaling alone (NIfTI's method 1).
    await writeFile(path.join(folder, 'none.nii'), encodeNifti1(values, DIMS, affine, { sformCode: 0, qformCode: 0, gzip: false }));
    const none = await readNifti(path.join(folder, 'none.nii'));
    expect(none.affineSource).to.equal('pixdim');
    expectAffine(none.affine, [[0.8, 0, 0, 0], [0, 1.2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 1]], 1e-6);
  });

  it('takes one volume of a 4-D file by volumeIndex and says so', async () => {
    const one = blockVolume();
    const two = Float32Array.from(one, (v) => v + 7);
    const both = new Float32Array(one.length * 2);
    both.set(one);
    both.set(two, one.length);
    await writeFile(path.join(folder, 'four.nii'), encodeNifti2(both, [...DIMS, 2], obliqueAffine(), { gzip: false }));
    const second = await readNifti(path.join(folder, 'four.nii'), { volumeIndex: 1 });
    expect(Array.from(second.data)).to.deep.equal(Array.from(two));
    expect(second.volumeCount).to.equal(2);
    expect(second.notes.join()).to.match(/2 volumes: volume 1 taken/);
    const error = await readNifti(path.join(folder, 'four.nii'), { volumeIndex: 2 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(MedicalReadError).and.to.have.property('reason', 'unsupported');
  });

  it('refuses a truncated .nii.gz and a truncated .nii with a typed error', async () => {
    const gz = encodeNifti1(blockVolume(), DIMS, obliqueAffine());
    await writeFile(path.join(folder, 'cut.nii.gz'), gz.subarray(0, gz.length - 200));
    const error = await readNifti(path.join(folder, 'cut.nii.gz')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(MedicalReadError).and.to.include({ reason: 'corrupt', code: 'MEDICAL_CORRUPT' });
    const plain = zlib.gunzipSync(gz);
    await writeFile(path.join(folder, 'cut.nii'), plain.subarray(0, plain.length - 10));
    const short = await readNifti(path.join(folder, 'cut.nii')).catch((e: unknown) => e);
    expect(short).to.be.instanceOf(MedicalReadError);
    expect((short as Error).message).to.match(/truncated/);
  });

  it('writes a header that an independent reader (nifti-js) and nifti-reader-js agree on, field for field and voxel for voxel', async () => {
    const values = Float32Array.from(blockVolume(), (v) => v / 1000);
    const affine = obliqueAffine();
    const bytes = zlib.gunzipSync(encodeNifti1(values, DIMS, affine, { qformCode: 1, sformCode: 1 }));
    const header = quietly(() => niftiJs.parseNIfTIHeader(new Uint8Array(bytes)));
    expect(header.dim.slice(0, 4)).to.deep.equal([3, ...DIMS]);
    expect(header.datatype).to.equal('float');
    expect([header.qform_code, header.sform_code]).to.deep.equal([1, 1]);
    expect(header.pixdim[0]).to.equal(-1); // i flipped: a left-handed grid, qfac -1
    [0.8, 1.2, 3].forEach((s, n) => expect(header.pixdim[n + 1]).to.be.closeTo(s, 1e-6));
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(header.srow[4 * r + c]).to.be.closeTo(affine[r]![c]!, 1e-5);
    // nifti-js turns the quaternion into axis directions with its own code: they must be the affine's columns.
    const parsed = quietly(() => niftiJs.parse(new Uint8Array(bytes)));
    expect(parsed.sizes).to.deep.equal(DIMS);
    for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) expect(parsed.spaceDirections![c]![r]).to.be.closeTo(affine[r]![c]!, 1e-5);
    parsed.spaceOrigin!.forEach((v, r) => expect(v).to.be.closeTo(affine[r]![3]!, 1e-5));
    expect(Array.from(parsed.data)).to.deep.equal(Array.from(values));
    // And nifti-reader-js, reading the qform alone, rebuilds the same matrix.
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const reader = niftiReader.readHeader(buffer);
    expectAffine(reader.getQformMat(), affine, 1e-5);
  });

  forEachBackend(() => {
    it('explains a volume slice by slice and writes the heatmap on the source grid, with its affine and its peak at the block', async () => {
      for (const { name, bytes } of blockFiles()) {
        const input = path.join(folder, name);
        await writeFile(input, bytes);
      }
      const out = path.join(folder, 'out');
      const before = tf.memory().numTensors;
      // The "map" is the windowed intensity itself: its peak must be the block's brightest voxel.
      const result = await explainMedical({
        inputs: blockFiles().map(({ name }) => path.join(folder, name)),
        model: (x) => tf.tidy(() => tf.stack([x.mean([1, 2, 3]), x.mean([1, 2, 3]).neg()], 1)),
        method: new FirstChannelMethod(),
        outDir: out,
        window: { center: 500, width: 1000 },
      });
      expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
      expect(result.done).to.equal(4);
      // Independent expectation: window 0..1000 -> 0..255, then each axial slice (k: the voxel axis most along world z) min-max normalised alone.
      const windowed = Float32Array.from(blockVolume(), (v) => Math.min(255, Math.max(0, (v * 255) / 1000)));
      const sliceSize = DIMS[0] * DIMS[1];
      const expected = new Float32Array(windowed.length);
      for (let k = 0; k < DIMS[2]; k++) {
        const slice = windowed.subarray(k * sliceSize, (k + 1) * sliceSize);
        const [min, max] = [Math.min(...slice), Math.max(...slice)];
        slice.forEach((v, n) => (expected[k * sliceSize + n] = (v - min) / (max - min + 1e-8)));
      }
      const inBlock = ([i, j, k]: readonly number[]) => i! >= BLOCK.i[0]! && i! <= BLOCK.i[1]! && j! >= BLOCK.j[0]! && j! <= BLOCK.j[1]! && k! >= BLOCK.k[0]! && k! <= BLOCK.k[1]!;
      for (const sample of result.samples) {
        expect(sample.status, sample.sample).to.equal('done');
        // The peak is in the block, at the world position the source's affine gives it (computed by hand in voxelWorldByHand).
        expect(inBlock(sample.peak!.voxel), `peak ${sample.peak!.voxel}`).to.equal(true);
        sample.peak!.world.forEach((v, n) => expect(v).to.be.closeTo(voxelWorldByHand(sample.peak!.voxel)[n]!, 1e-4));
        const written = path.join(out, `${sample.sample}.nii.gz`);
        expect(sample.files).to.include(written);
        const heatmap = await readNifti(written);
        expect(heatmap.dims).to.deep.equal(DIMS);
        expect(heatmap.affineSource).to.equal('sform');
        expectAffine(heatmap.affine, obliqueAffine());
        heatmap.data.forEach((v, n) => expect(v, `voxel ${n}`).to.be.closeTo(expected[n]!, 1e-5));
        // The block's brightest voxel is 1 in the heatmap, and so at the block's world coordinates.
        const [ci, cj, ck] = BLOCK.centre;
        expect(heatmap.data[ci + DIMS[0] * (cj + DIMS[1] * ck)]).to.be.closeTo(1, 1e-6);
        voxelToWorld(heatmap.affine, BLOCK.centre).forEach((v, n) => expect(v).to.be.closeTo(blockCentreWorld()[n]!, 1e-4));
        const raw = zlib.gunzipSync(await readFile(written));
        const header = quietly(() => niftiJs.parseNIfTIHeader(new Uint8Array(raw)));
        expect([header.qform_code > 0, header.sform_code > 0, header.datatype]).to.deep.equal([true, true, 'float']);
      }
    });
  });
});
