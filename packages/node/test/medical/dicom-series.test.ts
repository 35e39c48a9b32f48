import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { MedicalReadError, applyIntensity, chooseIntensity, dicomFileVolume, readDicomFile, readDicomSeries, voxelToWorld } from '@tfxai/node';
import { removeFolder, tempFolder } from '../fixtures.js';
import { dicomSlice, lpsOf, obliqueSeries, writeDicomSeries } from './dicom-fixtures.js';

async function failure(promise: Promise<unknown>): Promise<MedicalReadError> {
  const error = await promise.then(() => expect.fail('expected a MedicalReadError'), (e: unknown) => e);
  expect(error).to.be.instanceOf(MedicalReadError);
  return error as MedicalReadError;
}

describe('DICOM series', () => {
  let folder: string;
  beforeEach(async () => (folder = await tempFolder('tfxai-dicom-')));
  afterEach(async () => removeFolder(folder));

  it('reads a shuffled series in slice order, with spacing from the positions, HU values and the LPS->RAS affine', async () => {
    const series = obliqueSeries();
    await writeDicomSeries(folder, series);
    const volume = await readDicomSeries(folder);
    expect(volume.dims).to.deep.equal([6, 5, 7]);
    expect(volume.format).to.equal('dicom-series');
    for (let k = 0; k < 7; k++)
      for (let j = 0; j < 5; j++)
        for (let i = 0; i < 6; i++) expect(volume.data[i + 6 * (j + 5 * k)], `voxel ${i},${j},${k}`).to.equal(series.stored(i, j, k) - 1024);
    // NIfTI world = DICOM LPS with x and y negated.
    for (const voxel of [[0, 0, 0], [5, 0, 0], [0, 4, 0], [0, 0, 6], [5, 4, 6], [2, 3, 4]] as [number, number, number][]) {
      const lps = lpsOf(series, ...voxel);
      const ras = voxelToWorld(volume.affine, voxel);
      [-lps[0]!, -lps[1]!, lps[2]!].forEach((v, n) => expect(ras[n], `voxel ${voxel} axis ${n}`).to.be.closeTo(v, 1e-4));
    }
    // Slice spacing from the positions: 2.5 mm along the normal.
    expect(Math.hypot(volume.affine[0]![2]!, volume.affine[1]![2]!, volume.affine[2]![2]!)).to.be.closeTo(2.5, 1e-6);
    expect(volume.dicom!.sopInstanceUids.map((uid) => uid.split('.').at(-2))).to.deep.equal(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('orders slices whose positions run against the normal too', async () => {
    // Slice k is placed at -k along the normal: sorting by the projection puts the last written first.
    const series = obliqueSeries({ sliceSpacing: -2.5 });
    await writeDicomSeries(folder, series);
    const volume = await readDicomSeries(folder);
    for (let k = 0; k < 7; k++) expect(volume.data[6 * 5 * k]).to.equal(series.stored(0, 0, 6 - k) - 1024);
    const lps = lpsOf(series, 0, 0, 6);
    voxelToWorld(volume.affine, [0, 0, 0]).forEach((v, n) => expect(v).to.be.closeTo(n < 2 ? -lps[n]! : lps[n]!, 1e-4));
  });

  it('refuses a folder of two series, naming both, and reads the one chosen', async () => {
    await writeDicomSeries(folder, obliqueSeries({ seriesUid: '1' }));
    await writeDicomSeries(folder, obliqueSeries({ seriesUid: '2', slices: 3 }));
    const error = await failure(readDicomSeries(folder));
    expect(error.reason).to.equal('two-series');
    expect(error.message).to.include('1.2.826.0.1.3680043.8.498.200.1').and.to.include('1.2.826.0.1.3680043.8.498.200.2').and.to.include('--series-uid');
    const chosen = await readDicomSeries(folder, { seriesUid: '1.2.826.0.1.3680043.8.498.200.2' });
    expect(chosen.dims).to.deep.equal([6, 5, 3]);
  });

  it('refuses a missing slice and an inconsistent spacing with typed errors', async () => {
    await writeDicomSeries(folder, obliqueSeries(), [3]);
    const missing = await failure(readDicomSeries(folder));
    expect(missing).to.include({ reason: 'missing-slice', code: 'DICOM_MISSING_SLICE' });
    expect(missing.message).to.match(/1 slice\(s\) missing/);

    const uneven = path.join(folder, 'uneven');
    await mkdir(uneven);
    const series = obliqueSeries();
    const names = await writeDicomSeries(uneven, series);
    // Slice 4 moved 0.7 mm along the normal (to 4.28 slices): gaps 3.2 and 1.8 mm beside 2.5 mm elsewhere.
    await writeFile(path.join(uneven, names[4]!), new Uint8Array(dicomSlice(series, 4, lpsOf(series, 0, 0, 4.28))));
    const spacing = await failure(readDicomSeries(uneven));
    expect(spacing).to.include({ reason: 'inconsistent-spacing', code: 'DICOM_INCONSISTENT_SPACING' });
  });

  it('refuses a compressed transfer syntax, naming it', async () => {
    const file = path.join(folder, 'jpeg.dcm');
    await writeFile(file, new Uint8Array(dicomSlice(obliqueSeries({ transferSyntax: '1.2.840.10008.1.2.4.50' }), 0)));
    const error = await failure(readDicomFile(file));
    expect(error).to.include({ reason: 'compressed-syntax', code: 'DICOM_COMPRESSED_SYNTAX' });
    expect(error.message).to.include('1.2.840.10008.1.2.4.50').and.to.include('JPEG Baseline');
  });

  it("uses the file's window by default and inverts MONOCHROME1", async () => {
    const file = path.join(folder, 'one.dcm');
    await writeFile(file, new Uint8Array(dicomSlice(obliqueSeries({ window: [-900, 200], photometric: 'MONOCHROME1' }), 0)));
    const volume = dicomFileVolume(await readDicomFile(file));
    const mode = chooseIntensity(volume);
    expect(mode).to.deep.include({ kind: 'window', window: { center: -900, width: 200 } });
    const display = applyIntensity(volume, mode);
    // HU h -> 255 * (h - (-1000)) / 200, clamped, then inverted: 255 - that.
    volume.data.forEach((hu, n) => expect(display[n]).to.be.closeTo(255 - Math.min(255, Math.max(0, (255 * (hu + 1000)) / 200)), 1e-3));
  });
});
