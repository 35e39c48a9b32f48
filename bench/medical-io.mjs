#!/usr/bin/env node
// Medical I/O speed: reading a CT-sized NIfTI (256 x 256 x 128 int16, gzip and plain), writing its float32
// heatmap (.nii.gz), and reading a 128-slice DICOM series (256 x 256, dcmjs). Median of 3 runs, ms.
//   npm run build && node bench/medical-io.mjs
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { encodeNifti1, readDicomSeries, readNifti } from '@tfxai/node';

const [NX, NY, NZ] = [256, 256, 128];
const folder = mkdtempSync(path.join(os.tmpdir(), 'tfxai-bench-medical-'));
const affine = [[-0.7, 0, 0, 90], [0, 0.7, 0, -90], [0, 0, 2.5, -160], [0, 0, 0, 1]];
const stored = Int16Array.from({ length: NX * NY * NZ }, (_, n) => ((n * 2654435761) >>> 20) % 2000);
writeFileSync(path.join(folder, 'ct.nii.gz'), encodeNifti1(stored, [NX, NY, NZ], affine, { sclSlope: 1, sclInter: -1024 }));
writeFileSync(path.join(folder, 'ct.nii'), encodeNifti1(stored, [NX, NY, NZ], affine, { sclSlope: 1, sclInter: -1024, gzip: false }));
const series = path.join(folder, 'series');
mkdirSync(series);
for (let k = 0; k < NZ; k++) {
  const meta = { FileMetaInformationVersion: new Uint8Array([0, 1]).buffer, MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.2', MediaStorageSOPInstanceUID: `1.2.3.${k}`, TransferSyntaxUID: '1.2.840.10008.1.2.1', ImplementationClassUID: '1.2.3' };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2', SOPInstanceUID: `1.2.3.${k}`, SeriesInstanceUID: '1.2.3', StudyInstanceUID: '1.2', Modality: 'CT',
    Rows: NY, Columns: NX, BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 1, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2',
    ImagePositionPatient: [-90, -90, 2.5 * k], ImageOrientationPatient: [1, 0, 0, 0, 1, 0], PixelSpacing: [0.7, 0.7], RescaleSlope: 1, RescaleIntercept: -1024,
    PixelData: stored.slice(k * NX * NY, (k + 1) * NX * NY).buffer, _vrMap: { PixelData: 'OW' },
  });
  writeFileSync(path.join(series, `IM${(k * 37) % NZ}-${k}.dcm`), new Uint8Array(dict.write()));
}
const heatmap = new Float32Array(NX * NY * NZ).map((_, n) => (n % 997) / 997);

async function median(action) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await action();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[1];
}
const rows = {
  'readNifti .nii.gz (256x256x128 int16)': await median(() => readNifti(path.join(folder, 'ct.nii.gz'))),
  'readNifti .nii (same)': await median(() => readNifti(path.join(folder, 'ct.nii'))),
  'encodeNifti1 float32 heatmap, gzip': await median(() => encodeNifti1(heatmap, [NX, NY, NZ], affine)),
  'readDicomSeries (128 files of 256x256)': await median(() => readDicomSeries(series)),
};
for (const [name, ms] of Object.entries(rows)) console.log(`${name.padEnd(42)} ${ms.toFixed(0).padStart(6)} ms`);
rmSync(folder, { recursive: true, force: true });
