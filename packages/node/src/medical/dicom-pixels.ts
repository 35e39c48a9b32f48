import { MedicalReadError } from './medical-errors.js';
import { dicomNumber, dicomString, type DicomFile } from './dicom-dataset.js';

/** One DICOM frame's values after RescaleSlope/Intercept, row-major, channels innermost. */
export interface DicomFrame {
  rows: number;
  columns: number;
  channels: 1 | 3;
  values: Float32Array;
  photometric: string;
}

/**
 * The pixel values of a single-frame DICOM dataset, rescaled (HU for CT):
 * 8 or 16 bits, signed or unsigned, MONOCHROME1/2 or RGB (either planar configuration).
 * MONOCHROME1 is returned as stored (physical values); the intensity step inverts its display.
 * @throws MedicalReadError 'unsupported' for other layouts, 'corrupt' for short pixel data
 */
export function decodeDicomFrame({ file, dataset }: DicomFile): DicomFrame {
  const rows = dicomNumber(dataset, 'Rows');
  const columns = dicomNumber(dataset, 'Columns');
  const bits = dicomNumber(dataset, 'BitsAllocated');
  const samples = dicomNumber(dataset, 'SamplesPerPixel') ?? 1;
  const signed = dicomNumber(dataset, 'PixelRepresentation') === 1;
  const photometric = (dicomString(dataset, 'PhotometricInterpretation') ?? 'MONOCHROME2').toUpperCase();
  const frames = dicomNumber(dataset, 'NumberOfFrames') ?? 1;
  if (!rows || !columns) throw new MedicalReadError(file, 'unsupported', 'it has no image (Rows/Columns missing)');
  if (frames !== 1) throw new MedicalReadError(file, 'unsupported', `multi-frame DICOM (${frames} frames) is not read; allowed single-frame files, one per slice`);
  if (bits !== 8 && bits !== 16) throw new MedicalReadError(file, 'unsupported', `BitsAllocated ${bits} is not read; allowed 8 or 16`);
  const rgb = photometric === 'RGB' && samples === 3;
  if (!rgb && !(samples === 1 && (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2'))) {
    throw new MedicalReadError(file, 'unsupported', `PhotometricInterpretation ${photometric} with ${samples} samples is not read; allowed MONOCHROME1, MONOCHROME2, RGB`);
  }
  const pixelData = dataset['PixelData'];
  const buffer = (Array.isArray(pixelData) ? pixelData[0] : pixelData) as ArrayBuffer | undefined;
  const count = rows * columns * samples;
  if (!buffer || buffer.byteLength < (count * bits) / 8) {
    throw new MedicalReadError(file, 'corrupt', `PixelData holds ${buffer?.byteLength ?? 0} bytes, ${(count * bits) / 8} expected for ${columns}x${rows}x${samples} at ${bits} bits`);
  }
  const raw = bits === 8 ? (signed ? new Int8Array(buffer, 0, count) : new Uint8Array(buffer, 0, count)) : signed ? new Int16Array(buffer.slice(0, count * 2)) : new Uint16Array(buffer.slice(0, count * 2));
  // BitsStored < BitsAllocated with signed values: sign-extend from the high bit.
  const stored = dicomNumber(dataset, 'BitsStored') ?? bits;
  const slope = dicomNumber(dataset, 'RescaleSlope') ?? 1;
  const intercept = dicomNumber(dataset, 'RescaleIntercept') ?? 0;
  const values = new Float32Array(count);
  const planar = rgb && dicomNumber(dataset, 'PlanarConfiguration') === 1;
  const pixels = rows * columns;
  for (let n = 0; n < count; n++) {
    // Planar RGB stores RRR..GGG..BBB..: read it into interleaved order.
    const source = planar ? (n % 3) * pixels + Math.floor(n / 3) : n;
    let v = raw[source]!;
    if (!signed && stored < bits) v &= (1 << stored) - 1;
    if (signed && stored < bits) {
      const shift = 32 - stored;
      v = (v << shift) >> shift;
    }
    values[n] = v * slope + intercept;
  }
  return { rows, columns, channels: rgb ? 3 : 1, values, photometric };
}
