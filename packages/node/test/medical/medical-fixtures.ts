import zlib from 'node:zlib';
import { encodeNifti1, type Affine } from '@tfxai/node';

/** An oblique, flipped, anisotropic voxel-to-world matrix: 30 degrees about z, i flipped, spacing 0.8 x 1.2 x 3 mm. */
export function obliqueAffine(): Affine {
  const a = Math.PI / 6;
  const [c, s] = [Math.cos(a), Math.sin(a)];
  const spacing = [0.8, 1.2, 3.0];
  // Columns: R * diag(-0.8, 1.2, 3) with R the rotation about z.
  const r = [
    [c, -s, 0],
    [s, c, 0],
    [0, 0, 1],
  ];
  const flip = [-1, 1, 1];
  const origin = [40, -25, 12];
  return [0, 1, 2].map((row) => [...[0, 1, 2].map((col) => r[row]![col]! * spacing[col]! * flip[col]!), origin[row]!]).concat([[0, 0, 0, 1]]);
}

export const DIMS: [number, number, number] = [20, 16, 10];
/** The block's voxels (inclusive ranges) and its one brightest voxel, its centre. */
export const BLOCK = { i: [12, 14], j: [3, 5], k: [6, 8], centre: [13, 4, 7] as [number, number, number] };

/** Physical values: 0 background, 800 in the block, 1000 at its centre. */
export function blockVolume(): Float32Array {
  const data = new Float32Array(DIMS[0] * DIMS[1] * DIMS[2]);
  for (let k = BLOCK.k[0]!; k <= BLOCK.k[1]!; k++)
    for (let j = BLOCK.j[0]!; j <= BLOCK.j[1]!; j++) for (let i = BLOCK.i[0]!; i <= BLOCK.i[1]!; i++) data[i + DIMS[0] * (j + DIMS[1] * k)] = 800;
  const [ci, cj, ck] = BLOCK.centre;
  data[ci + DIMS[0] * (cj + DIMS[1] * ck)] = 1000;
  return data;
}

/** The block centre's world position, computed here by hand (rotation about z, flip, spacing, origin), not with the library's affine helpers. */
export function blockCentreWorld(): [number, number, number] {
  return voxelWorldByHand(BLOCK.centre);
}

/** A voxel's world position under {@link obliqueAffine}, written out by hand. */
export function voxelWorldByHand([i, j, k]: readonly number[]): [number, number, number] {
  const a = Math.PI / 6;
  const x = -0.8 * i!; // i flipped
  const y = 1.2 * j!;
  return [Math.cos(a) * x - Math.sin(a) * y + 40, Math.sin(a) * x + Math.cos(a) * y - 25, 3 * k! + 12];
}

/**
 * A NIfTI-2 file (540-byte header, nifti2.h offsets) written by the test
 * itself: int16 (with scaling) or float32, sform and qform codes as given
 * (the qform parameters are left zero: the sform is what viewers use).
 */
export function encodeNifti2(values: Int16Array | Float32Array, dims: readonly number[], affine: Affine, options: { slope?: number; inter?: number; gzip: boolean; sformCode?: number }): Buffer {
  const header = Buffer.alloc(544);
  header.writeInt32LE(540, 0);
  header.write('n+2\0\r\n\x1a\n', 4, 'latin1');
  const int16 = values instanceof Int16Array;
  header.writeInt16LE(int16 ? 4 : 16, 12);
  header.writeInt16LE(int16 ? 16 : 32, 14);
  header.writeBigInt64LE(BigInt(dims.length), 16);
  dims.forEach((d, n) => header.writeBigInt64LE(BigInt(d), 24 + 8 * n));
  for (let n = dims.length + 1; n < 8; n++) header.writeBigInt64LE(1n, 16 + 8 * n);
  header.writeDoubleLE(1, 104);
  [0, 1, 2].forEach((c) => header.writeDoubleLE(Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!), 112 + 8 * c));
  header.writeBigInt64LE(544n, 168);
  header.writeDoubleLE(options.slope ?? 1, 176);
  header.writeDoubleLE(options.inter ?? 0, 184);
  header.writeInt32LE(0, 344);
  header.writeInt32LE(options.sformCode ?? 2, 348);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) header.writeDoubleLE(affine[r]![c]!, 400 + 32 * r + 8 * c);
  header.writeInt32LE(2, 500);
  const file = Buffer.concat([header, Buffer.from(values.buffer, values.byteOffset, values.byteLength)]);
  return options.gzip ? zlib.gzipSync(file) : file;
}

/** The block volume stored as int16 with scl_slope 2 and scl_inter -100: stored = (value + 100) / 2. */
export function scaledInt16(values: Float32Array): Int16Array {
  return Int16Array.from(values, (v) => (v + 100) / 2);
}

/** The four source files of the round-trip checks. */
export function blockFiles(): { name: string; bytes: Uint8Array; format: 'nifti-1' | 'nifti-2' }[] {
  const affine = obliqueAffine();
  const values = blockVolume();
  return [
    { name: 'n1-int16-scaled.nii', format: 'nifti-1', bytes: encodeNifti1(scaledInt16(values), DIMS, affine, { sclSlope: 2, sclInter: -100, gzip: false, sformCode: 2, qformCode: 1 }) },
    { name: 'n1-float32.nii.gz', format: 'nifti-1', bytes: encodeNifti1(values, DIMS, affine, { sformCode: 2, qformCode: 1 }) },
    { name: 'n2-float32.nii.gz', format: 'nifti-2', bytes: encodeNifti2(values, DIMS, affine, { gzip: true }) },
    { name: 'n2-int16-scaled.nii', format: 'nifti-2', bytes: encodeNifti2(scaledInt16(values), DIMS, affine, { slope: 2, inter: -100, gzip: false }) },
  ];
}
