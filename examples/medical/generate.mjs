// Writes small synthetic scans for docs/medical-images.md (run: node examples/medical/generate.mjs):
//   scans/ct-chest.nii.gz   CT-like, int16 with scl_slope 1 / scl_inter -1024 (HU), 64x64x12 voxels,
//                           0.7 x 0.7 x 2.5 mm, rotated 20 degrees about z and flipped in i (oblique sform and qform)
//   scans/mr-head.nii.gz    MR-like float32 intensities (arbitrary units, a few bright outliers), same grid
//   scans/ct-series/        the CT as a DICOM series (one file per slice, names shuffled), via dcmjs
//   scans/xray.dcm          a projection X-ray, MONOCHROME1, with its own WindowCenter/WindowWidth
// Each scan holds one synthetic-shapes structure (a "ring", class 1 of the example model) in slices 5-7,
// so the bundled 2-D model has something to find there. scans/truth.json records where.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { encodeNifti1 } from '@tfxai/node';
import { shapeMask } from '../synthetic-shapes/shapes.mjs';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scans');
const [NX, NY, NZ] = [64, 64, 12];
const RING = { i: 20, j: 30, size: 14, k: [5, 6, 7] };

/** HU: air -1000 outside a body ellipse of soft tissue (40 HU), a bright ring (700 HU) in slices 5-7. */
function ctVolume() {
  const hu = new Float32Array(NX * NY * NZ).fill(-1000);
  const mask = shapeMask(1, RING.size);
  for (let k = 0; k < NZ; k++)
    for (let j = 0; j < NY; j++)
      for (let i = 0; i < NX; i++) {
        const inBody = ((i - 32) / 28) ** 2 + ((j - 32) / 24) ** 2 < 1;
        if (inBody) hu[i + NX * (j + NY * k)] = 40 + ((i * 7 + j * 13 + k * 3) % 21) - 10;
      }
  for (const k of RING.k)
    for (let r = 0; r < RING.size; r++) for (let c = 0; c < RING.size; c++) if (mask[r * RING.size + c]) hu[RING.i + c + NX * (RING.j + r + NY * k)] = 700;
  return hu;
}

/** 20 degrees about z, i flipped, 0.7 x 0.7 x 2.5 mm: a non-identity RAS affine. */
function affine() {
  const a = (20 * Math.PI) / 180;
  const [c, s] = [Math.cos(a), Math.sin(a)];
  return [
    [-0.7 * c, -0.7 * s, 0, 30],
    [-0.7 * s, 0.7 * c, 0, -20],
    [0, 0, 2.5, -15],
    [0, 0, 0, 1],
  ];
}

fs.mkdirSync(path.join(OUT, 'ct-series'), { recursive: true });
const hu = ctVolume();
const A = affine();
fs.writeFileSync(path.join(OUT, 'ct-chest.nii.gz'), encodeNifti1(Int16Array.from(hu, (v) => v + 1024), [NX, NY, NZ], A, { sclSlope: 1, sclInter: -1024, description: 'synthetic CT' }));
// MR: tissue ~ 300 a.u., the ring 900, and 0.2 % of voxels as bright outliers (5000) that a percentile clip removes.
const mr = Float32Array.from(hu, (v, n) => (n % 499 === 0 ? 5000 : v < -500 ? 5 : v > 500 ? 900 : 300 + (v - 40) * 3));
fs.writeFileSync(path.join(OUT, 'mr-head.nii.gz'), encodeNifti1(mr, [NX, NY, NZ], A, { description: 'synthetic MR' }));

// DICOM: LPS = RAS with x and y negated; row direction = the i column of the affine, column direction = the j column.
const lps = A.slice(0, 3).map((row, r) => (r < 2 ? row.map((v) => -v) : row));
const unit = (col) => { const v = [0, 1, 2].map((r) => lps[r][col]); const n = Math.hypot(...v); return v.map((x) => x / n); };
const study = '1.2.826.0.1.3680043.8.498.7001';
const series = '1.2.826.0.1.3680043.8.498.7002';
function writeDicom(file, dataset, sop) {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: sop,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: '1.2.826.0.1.3680043.8.498.1',
  };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset({ ...dataset, SOPInstanceUID: sop, _vrMap: { PixelData: 'OW' } });
  fs.writeFileSync(file, new Uint8Array(dict.write()));
}
for (let k = 0; k < NZ; k++) {
  const pixels = Int16Array.from(hu.subarray(k * NX * NY, (k + 1) * NX * NY), (v) => v + 1024);
  const position = [0, 1, 2].map((r) => lps[r][2] * k + lps[r][3]);
  writeDicom(path.join(OUT, 'ct-series', `IM${String((k * 7) % NZ).padStart(4, '0')}-${k}.dcm`), {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2', StudyInstanceUID: study, SeriesInstanceUID: series, SeriesDescription: 'synthetic CT',
    Modality: 'CT', PatientID: 'SYNTHETIC', PatientName: 'Synthetic^Scan', InstanceNumber: k + 1,
    Rows: NY, Columns: NX, BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 1, SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2', ImagePositionPatient: position, ImageOrientationPatient: [...unit(0), ...unit(1)],
    PixelSpacing: [0.7, 0.7], SliceThickness: 2.5, RescaleSlope: 1, RescaleIntercept: -1024, WindowCenter: 40, WindowWidth: 400,
    PixelData: pixels.buffer,
  }, `${series}.${k + 1}`);
}
// X-ray: slice 6 as a 64x64 projection, MONOCHROME1 (stored dark = dense), window from the file.
const xray = Uint16Array.from(hu.subarray(6 * NX * NY, 7 * NX * NY), (v) => 4095 - Math.max(0, Math.min(4095, v + 1024)));
writeDicom(path.join(OUT, 'xray.dcm'), {
  SOPClassUID: '1.2.840.10008.5.1.4.1.1.1.1', StudyInstanceUID: '1.2.826.0.1.3680043.8.498.7101', SeriesInstanceUID: '1.2.826.0.1.3680043.8.498.7102',
  Modality: 'DX', PatientID: 'SYNTHETIC', Rows: NY, Columns: NX, BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 0,
  SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME1', ImagerPixelSpacing: [0.14, 0.14], WindowCenter: 3500, WindowWidth: 1200,
  PixelData: xray.buffer,
}, '1.2.826.0.1.3680043.8.498.7103');
fs.writeFileSync(path.join(OUT, 'truth.json'), JSON.stringify({ ring: { voxels: { i: [RING.i, RING.i + RING.size - 1], j: [RING.j, RING.j + RING.size - 1], k: RING.k }, class: 1, className: 'ring' } }, null, 1) + '\n');
console.log(`wrote ${OUT}: ct-chest.nii.gz, mr-head.nii.gz, ct-series/ (${NZ} files), xray.dcm, truth.json`);
