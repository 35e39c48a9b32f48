import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { scalingAffine, type Affine } from './affine.js';
import { MedicalReadError } from './medical-errors.js';
import type { MedicalVolume } from './medical-volume.js';

/** NIfTI datatype codes tfxai reads, with their byte size and a DataView getter. */
type TypedArrayClass = new (buffer: ArrayBuffer) => ArrayLike<number>;
const DATATYPES: Record<number, { name: string; bytes: number; get: (view: DataView, offset: number, little: boolean) => number; array?: TypedArrayClass }> = {
  2: { name: 'uint8', bytes: 1, get: (v, o) => v.getUint8(o), array: Uint8Array },
  4: { name: 'int16', bytes: 2, get: (v, o, l) => v.getInt16(o, l), array: Int16Array },
  8: { name: 'int32', bytes: 4, get: (v, o, l) => v.getInt32(o, l), array: Int32Array },
  16: { name: 'float32', bytes: 4, get: (v, o, l) => v.getFloat32(o, l), array: Float32Array },
  64: { name: 'float64', bytes: 8, get: (v, o, l) => v.getFloat64(o, l), array: Float64Array },
  256: { name: 'int8', bytes: 1, get: (v, o) => v.getInt8(o), array: Int8Array },
  512: { name: 'uint16', bytes: 2, get: (v, o, l) => v.getUint16(o, l), array: Uint16Array },
  768: { name: 'uint32', bytes: 4, get: (v, o, l) => v.getUint32(o, l), array: Uint32Array },
  1024: { name: 'int64', bytes: 8, get: (v, o, l) => Number(v.getBigInt64(o, l)) },
  1280: { name: 'uint64', bytes: 8, get: (v, o, l) => Number(v.getBigUint64(o, l)) },
};

const MACHINE_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Options of {@link readNifti}. */
export interface NiftiReadOptions {
  /** For 4-D (and higher) files: which 3-D volume to take, 0-based. Default: 0. */
  volumeIndex?: number;
}

/** Whether a file name is a NIfTI file (.nii or .nii.gz). */
export function isNiftiPath(file: string): boolean {
  return /\.nii(\.gz)?$/i.test(file);
}

/**
 * Reads a NIfTI-1 or NIfTI-2 file (.nii or .nii.gz) with nifti-reader-js:
 * values with scl_slope/scl_inter applied (slope 0 means none, as the
 * standard says), the affine chosen as viewers do (sform when sform_code > 0,
 * else qform when qform_code > 0, else pixdim alone), one volume of a 4-D file.
 * @throws MedicalReadError 'corrupt' (truncated, bad gzip, not NIfTI) or 'unsupported' (datatype, dimensions)
 */
export async function readNifti(file: string, options: NiftiReadOptions = {}): Promise<MedicalVolume> {
  let bytes: Uint8Array = await readFile(file);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (error) {
      throw new MedicalReadError(file, 'corrupt', `the gzip stream is damaged or truncated (${(error as Error).message})`);
    }
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  if (buffer.byteLength < 348 || !nifti.isNIFTI(buffer)) {
    throw new MedicalReadError(file, 'corrupt', 'not a NIfTI-1 or NIfTI-2 file (no valid header; a separate .hdr/.img pair is not read)');
  }
  const header = nifti.readHeader(buffer);
  const format = nifti.isNIFTI2(buffer) ? 'nifti-2' : 'nifti-1';
  const ndim = header.dims[0]!;
  if (ndim < 2 || ndim > 7) throw new MedicalReadError(file, 'corrupt', `dim[0] is ${ndim}; allowed 2 to 7`);
  const dims = [1, 2, 3].map((d) => (d <= ndim ? Math.max(1, header.dims[d]!) : 1)) as [number, number, number];
  let volumeCount = 1;
  for (let d = 4; d <= ndim; d++) volumeCount *= Math.max(1, header.dims[d]!);
  const volumeIndex = options.volumeIndex ?? 0;
  if (!Number.isInteger(volumeIndex) || volumeIndex < 0 || volumeIndex >= volumeCount) {
    throw new MedicalReadError(file, 'unsupported', `--volume-index ${volumeIndex} is out of range: the file has ${volumeCount} volume(s), allowed 0 to ${volumeCount - 1}`);
  }
  const type = DATATYPES[header.datatypeCode];
  if (!type) {
    throw new MedicalReadError(
      file,
      'unsupported',
      `NIfTI datatype ${header.datatypeCode} (${header.getDatatypeCodeString(header.datatypeCode)}) is not read; allowed ${Object.values(DATATYPES).map((t) => t.name).join(', ')}`,
    );
  }
  const voxels = dims[0] * dims[1] * dims[2];
  const start = header.vox_offset + volumeIndex * voxels * type.bytes;
  const end = start + voxels * type.bytes;
  if (end > buffer.byteLength) {
    throw new MedicalReadError(file, 'corrupt', `the file is truncated: volume ${volumeIndex} needs bytes ${start} to ${end}, the file has ${buffer.byteLength}`);
  }
  const view = new DataView(buffer);
  const slope = Number.isFinite(header.scl_slope) && header.scl_slope !== 0 ? header.scl_slope : 1;
  const inter = Number.isFinite(header.scl_inter) && header.scl_slope !== 0 ? header.scl_inter : 0;
  const data = new Float32Array(voxels);
  if (type.array && header.littleEndian === MACHINE_LITTLE_ENDIAN) {
    // Same byte order as the machine: read through a typed array (a copy, so any alignment works), 5-10x faster than DataView.
    const raw = new type.array(buffer.slice(start, end));
    for (let v = 0; v < voxels; v++) data[v] = raw[v]! * slope + inter;
  } else {
    for (let v = 0; v < voxels; v++) data[v] = type.get(view, start + v * type.bytes, header.littleEndian) * slope + inter;
  }

  const spacing = [1, 2, 3].map((d) => (header.pixDims[d]! > 0 ? header.pixDims[d]! : 1)) as [number, number, number];
  const copy = (m: number[][]): Affine => m.map((row) => [...row]);
  let affine: Affine;
  let affineSource: MedicalVolume['affineSource'];
  // nifti-reader-js's `affine` is the sform when sform_code > 0, else the qform when qform_code > 0.
  if (header.sform_code > 0) [affine, affineSource] = [copy(header.affine), 'sform'];
  else if (header.qform_code > 0) [affine, affineSource] = [copy(header.getQformMat()), 'qform'];
  else [affine, affineSource] = [scalingAffine(spacing), 'pixdim'];
  const notes: string[] = [];
  if (volumeCount > 1) notes.push(`${format} file with ${volumeCount} volumes: volume ${volumeIndex} taken (--volume-index)`);
  return {
    source: file,
    format,
    dims,
    channels: 1,
    data,
    affine,
    affineSource,
    qformCode: header.qform_code,
    sformCode: header.sform_code,
    volumeIndex,
    volumeCount,
    notes,
  };
}
