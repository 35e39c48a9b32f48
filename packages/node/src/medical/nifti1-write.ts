import zlib from 'node:zlib';
import { affineToQuaternion, type Affine } from './affine.js';

/**
 * The NIfTI-1 writer: one 348-byte header (nifti1.h field offsets), a
 * 4-byte empty extension flag, then the voxels, little-endian, gzip by
 * default. No well-kept npm package writes NIfTI, so this file is the one
 * place that does; tests read its output back with two other readers.
 */

/** Options of {@link encodeNifti1}. */
export interface Nifti1WriteOptions {
  /** qform_code written (0: no qform). Default: 1 (scanner anatomical). 0 also when the affine is sheared (a qform cannot hold it). */
  qformCode?: number;
  /** sform_code written. Default: 1 (scanner anatomical). */
  sformCode?: number;
  /** scl_slope / scl_inter stored (the voxels are written as given). Default: 1 and 0. */
  sclSlope?: number;
  sclInter?: number;
  /** cal_min / cal_max (display range). Default: 0 and 0 (none). */
  calMin?: number;
  calMax?: number;
  /** descrip (at most 79 ASCII characters). Default: 'tfxai'. */
  description?: string;
  /** Gzip the file (.nii.gz). Default: true. */
  gzip?: boolean;
}

const DATATYPE = new Map<Function, [code: number, bits: number]>([
  [Uint8Array, [2, 8]],
  [Int16Array, [4, 16]],
  [Float32Array, [16, 32]],
]);

/**
 * Encodes a 3-D volume as NIfTI-1 with `affine` as both sform and qform
 * (pixdim from its column lengths, qfac from its handedness).
 * @param values voxels, i fastest: Float32Array (float32), Int16Array (int16) or Uint8Array (uint8)
 * @param dims voxels along i, j, k
 */
export function encodeNifti1(values: Float32Array | Int16Array | Uint8Array, dims: readonly [number, number, number], affine: Affine, options: Nifti1WriteOptions = {}): Uint8Array {
  const [code, bits] = DATATYPE.get(values.constructor)!;
  if (values.length !== dims[0] * dims[1] * dims[2]) throw new RangeError(`encodeNifti1: ${values.length} values for dims ${dims.join('x')}`);
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0); // sizeof_hdr
  header.write('r', 38, 'latin1'); // regular
  header.writeInt16LE(3, 40); // dim[0]
  dims.forEach((d, i) => header.writeInt16LE(d, 42 + 2 * i));
  for (let i = 4; i < 8; i++) header.writeInt16LE(1, 40 + 2 * i);
  header.writeInt16LE(code, 70); // datatype
  header.writeInt16LE(bits, 72); // bitpix
  const quaternion = affineToQuaternion(affine);
  const spacing = [0, 1, 2].map((c) => Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!));
  header.writeFloatLE(quaternion?.qfac ?? 1, 76); // pixdim[0] = qfac
  spacing.forEach((s, i) => header.writeFloatLE(s, 80 + 4 * i));
  for (let i = 4; i < 8; i++) header.writeFloatLE(1, 76 + 4 * i);
  header.writeFloatLE(352, 108); // vox_offset
  header.writeFloatLE(options.sclSlope ?? 1, 112);
  header.writeFloatLE(options.sclInter ?? 0, 116);
  header.writeUInt8(2, 123); // xyzt_units: millimetres
  header.writeFloatLE(options.calMax ?? 0, 124);
  header.writeFloatLE(options.calMin ?? 0, 128);
  header.write((options.description ?? 'tfxai').slice(0, 79), 148, 'latin1');
  const qformCode = quaternion ? (options.qformCode ?? 1) : 0;
  header.writeInt16LE(qformCode, 252);
  header.writeInt16LE(options.sformCode ?? 1, 254);
  if (quaternion) {
    // Readers rebuild a = sqrt(1 - b² - c² - d²) from the float32 b, c, d. For a 180-degree rotation (a = 0) plain
    // rounding can leave 1 - sum at ~1e-8, so a ~ 1e-4 and the axes tilt by that much: round away from zero instead.
    const half = Math.abs(quaternion.b) + Math.abs(quaternion.c) + Math.abs(quaternion.d) > 0 && 1 - (quaternion.b ** 2 + quaternion.c ** 2 + quaternion.d ** 2) < 1e-6;
    const bcd = [quaternion.b, quaternion.c, quaternion.d].map((v) => (half ? float32AwayFromZero(v) : v));
    [...bcd, ...quaternion.offset].forEach((v, i) => header.writeFloatLE(v, 256 + 4 * i));
  }
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) header.writeFloatLE(affine[r]![c]!, 280 + 16 * r + 4 * c);
  header.write('n+1\0', 344, 'latin1'); // magic of a single .nii file
  // Bytes 348..351: the extension flag, all zero (no extensions).
  const body = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  // Typed arrays are in the machine's byte order: swap on a big-endian machine so the file stays little-endian.
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const voxels = little ? body : swapBytes(Buffer.from(body), bits / 8);
  const file = Buffer.concat([header, voxels]);
  return options.gzip === false ? file : zlib.gzipSync(file);
}

function swapBytes(bytes: Buffer, size: number): Buffer {
  if (size === 2) return bytes.swap16();
  if (size === 4) return bytes.swap32();
  return bytes;
}

/** The float32 nearest to `v` that is not smaller in magnitude. */
function float32AwayFromZero(v: number): number {
  const rounded = Math.fround(v);
  if (Math.abs(rounded) >= Math.abs(v) || v === 0) return rounded;
  const bits = new Float32Array([rounded]);
  const word = new Uint32Array(bits.buffer);
  word[0] = word[0]! + 1; // the next float32 away from zero (same sign)
  return bits[0]!;
}
