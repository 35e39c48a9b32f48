import { readFile } from 'node:fs/promises';
import dcmjs from 'dcmjs';
import { MedicalReadError } from './medical-errors.js';

// dcmjs logs a warning per unknown private tag and per PixelData without VR; the pipeline reports its own errors.
dcmjs.log.setLevel('error');

/** Transfer syntaxes whose pixels are stored as plain little-endian values: read. */
export const UNCOMPRESSED_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
};

/** Compressed (or retired) transfer syntaxes, by UID, for the error that refuses them. */
const REFUSED_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian (retired)',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless, First-Order Prediction (Process 14, SV1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 (Lossless Only)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 (Lossless Only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL (Lossless Only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

/** A DICOM Part 10 file's dataset, naturalised by dcmjs (keyword -> value). */
export interface DicomFile {
  file: string;
  transferSyntax: string;
  dataset: Record<string, unknown>;
}

/** Whether the bytes start like a DICOM Part 10 file (128-byte preamble, then 'DICM'). */
export function looksLikeDicom(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * Reads a DICOM Part 10 file with dcmjs.
 * @throws MedicalReadError 'corrupt' (not DICOM, damaged) or 'compressed-syntax' (names the transfer syntax)
 */
export async function readDicomFile(file: string): Promise<DicomFile> {
  const bytes = await readFile(file);
  return parseDicom(file, bytes);
}

/** {@link readDicomFile} on bytes already read. */
export function parseDicom(file: string, bytes: Uint8Array): DicomFile {
  if (!looksLikeDicom(bytes)) throw new MedicalReadError(file, 'corrupt', "not a DICOM Part 10 file (no 'DICM' after the 128-byte preamble)");
  let parsed;
  try {
    parsed = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (error) {
    throw new MedicalReadError(file, 'corrupt', `dcmjs cannot parse it (${(error as Error).message})`);
  }
  const transferSyntax = String(parsed.meta['00020010']?.Value?.[0] ?? '1.2.840.10008.1.2').replace(/\0/g, '').trim();
  if (!(transferSyntax in UNCOMPRESSED_SYNTAXES)) {
    const name = REFUSED_SYNTAXES[transferSyntax] ?? 'an unknown transfer syntax';
    throw new MedicalReadError(
      file,
      'compressed-syntax',
      `its transfer syntax ${transferSyntax} (${name}) is not decoded; allowed ${Object.entries(UNCOMPRESSED_SYNTAXES).map(([uid, n]) => `${uid} (${n})`).join(', ')}; ` +
        'convert it first, e.g. `gdcmconv --raw in.dcm out.dcm` or `dcmdjpeg in.dcm out.dcm`',
    );
  }
  return { file, transferSyntax, dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(parsed.dict) };
}

/** A numeric attribute (the first value of a multi-valued one), or undefined. */
export function dicomNumber(dataset: Record<string, unknown>, keyword: string): number | undefined {
  const value = dataset[keyword];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null || first === '') return undefined;
  const n = Number(first);
  return Number.isFinite(n) ? n : undefined;
}

/** A numeric vector attribute (e.g. ImagePositionPatient), or undefined. */
export function dicomNumbers(dataset: Record<string, unknown>, keyword: string): number[] | undefined {
  const value = dataset[keyword];
  if (!Array.isArray(value)) return value === undefined ? undefined : [Number(value)];
  const numbers = value.map(Number);
  return numbers.every(Number.isFinite) ? numbers : undefined;
}

/** A string attribute, or undefined. */
export function dicomString(dataset: Record<string, unknown>, keyword: string): string | undefined {
  const value = dataset[keyword];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  if (typeof first === 'object' && first !== null && 'Alphabetic' in first) return String((first as { Alphabetic: string }).Alphabetic);
  return String(first).trim();
}
