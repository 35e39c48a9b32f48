import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { MedicalReadError, readNifti } from '@tfxai/node';
import { removeFolder, tempFolder } from '../fixtures.js';

/**
 * A minimal NIfTI-1 file written here field by field (sizeof_hdr, dim,
 * datatype, bitpix, pixdim, vox_offset, scl_slope/inter, sform, magic), in
 * either byte order, with the voxels written by `put`.
 */
function niftiFile(code: number, bytes: number, values: readonly number[], little: boolean, put: (view: DataView, offset: number, v: number) => void, scale = { slope: 0, inter: 0 }): Buffer {
  const file = Buffer.alloc(352 + values.length * bytes);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  view.setInt32(0, 348, little);
  [3, values.length, 1, 1, 1, 1, 1, 1].forEach((d, n) => view.setInt16(40 + 2 * n, d, little));
  view.setInt16(70, code, little);
  view.setInt16(72, bytes * 8, little);
  [1, 2, 2, 2, 1, 1, 1, 1].forEach((p, n) => view.setFloat32(76 + 4 * n, p, little));
  view.setFloat32(108, 352, little);
  view.setFloat32(112, scale.slope, little);
  view.setFloat32(116, scale.inter, little);
  view.setInt16(254, 1, little); // sform_code
  [[2, 0, 0, 5], [0, 2, 0, 6], [0, 0, 2, 7]].flat().forEach((v, n) => view.setFloat32(280 + 4 * n, v, little));
  file.write('n+1\0', 344, 'latin1');
  values.forEach((v, n) => put(view, 352 + n * bytes, v));
  return file;
}

const TYPES: { name: string; code: number; bytes: number; values: number[]; put: (little: boolean) => (view: DataView, offset: number, v: number) => void }[] = [
  { name: 'uint8', code: 2, bytes: 1, values: [0, 1, 200, 255], put: () => (v, o, x) => v.setUint8(o, x) },
  { name: 'int8', code: 256, bytes: 1, values: [-128, -1, 0, 127], put: () => (v, o, x) => v.setInt8(o, x) },
  { name: 'int16', code: 4, bytes: 2, values: [-32768, -1000, 0, 32767], put: (l) => (v, o, x) => v.setInt16(o, x, l) },
  { name: 'uint16', code: 512, bytes: 2, values: [0, 1, 40000, 65535], put: (l) => (v, o, x) => v.setUint16(o, x, l) },
  { name: 'int32', code: 8, bytes: 4, values: [-2000000, -1, 0, 16777216], put: (l) => (v, o, x) => v.setInt32(o, x, l) },
  { name: 'uint32', code: 768, bytes: 4, values: [0, 1, 3000000, 16777216], put: (l) => (v, o, x) => v.setUint32(o, x, l) },
  { name: 'int64', code: 1024, bytes: 8, values: [-5000, 0, 1, 16777216], put: (l) => (v, o, x) => v.setBigInt64(o, BigInt(x), l) },
  { name: 'uint64', code: 1280, bytes: 8, values: [0, 1, 9, 16777216], put: (l) => (v, o, x) => v.setBigUint64(o, BigInt(x), l) },
  { name: 'float32', code: 16, bytes: 4, values: [-1.5, 0, 0.25, 1e6], put: (l) => (v, o, x) => v.setFloat32(o, x, l) },
  { name: 'float64', code: 64, bytes: 8, values: [-1.5, 0, 0.125, 3e6], put: (l) => (v, o, x) => v.setFloat64(o, x, l) },
];

describe('NIfTI datatypes and byte orders', () => {
  let folder: string;
  before(async () => (folder = await tempFolder('tfxai-nifti-types-')));
  after(async () => removeFolder(folder));

  for (const little of [true, false]) {
    it(`reads every common datatype, ${little ? 'little' : 'big'}-endian, values exact (all representable in float32)`, async () => {
      for (const type of TYPES) {
        const file = path.join(folder, `${type.name}-${little ? 'le' : 'be'}.nii`);
        await writeFile(file, niftiFile(type.code, type.bytes, type.values, little, type.put(little)));
        const volume = await readNifti(file);
        expect(Array.from(volume.data), type.name).to.deep.equal(type.values);
        expect(volume.affine[1], type.name).to.deep.equal([0, 2, 0, 6]);
      }
    });
  }

  it('applies scl_slope and scl_inter (slope 0: none, as the standard says)', async () => {
    const put = (v: DataView, o: number, x: number) => v.setInt16(o, x, true);
    await writeFile(path.join(folder, 'scaled.nii'), niftiFile(4, 2, [0, 10, -10], true, put, { slope: 0.5, inter: -3 }));
    expect(Array.from((await readNifti(path.join(folder, 'scaled.nii'))).data)).to.deep.equal([-3, 2, -8]);
    await writeFile(path.join(folder, 'zero.nii'), niftiFile(4, 2, [0, 10, -10], true, put, { slope: 0, inter: 100 }));
    expect(Array.from((await readNifti(path.join(folder, 'zero.nii'))).data)).to.deep.equal([0, 10, -10]);
  });

  it('refuses complex and RGB datatypes with a typed error naming what is read', async () => {
    await writeFile(path.join(folder, 'complex.nii'), niftiFile(32, 8, [0, 0], true, () => {}));
    const error = await readNifti(path.join(folder, 'complex.nii')).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(MedicalReadError).and.to.include({ code: 'MEDICAL_UNSUPPORTED' });
    expect((error as Error).message).to.match(/datatype 32 .*allowed uint8, int16/);
  });
});
