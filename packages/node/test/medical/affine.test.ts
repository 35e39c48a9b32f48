import zlib from 'node:zlib';
import { expect } from 'chai';
import * as niftiReader from 'nifti-reader-js';
import { affineToQuaternion, encodeNifti1, lpsToRas, type Affine } from '@tfxai/node';

/** Rotation about a unit axis by an angle (Rodrigues), written out here. */
function rotation(axis: readonly number[], angle: number): number[][] {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / n) as [number, number, number];
  const [c, s, t] = [Math.cos(angle), Math.sin(angle), 1 - Math.cos(angle)];
  return [
    [t * x * x + c, t * x * y - s * z, t * x * z + s * y],
    [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
    [t * x * z - s * y, t * y * z + s * x, t * z * z + c],
  ];
}

function affineOf(r: number[][], spacing: readonly number[], flip: readonly number[], origin: readonly number[]): Affine {
  return [0, 1, 2].map((row) => [...[0, 1, 2].map((col) => r[row]![col]! * spacing[col]! * flip[col]!), origin[row]!]).concat([[0, 0, 0, 1]]);
}

describe('affine <-> qform', () => {
  const cases: [string, Affine][] = [
    ['identity', affineOf(rotation([0, 0, 1], 0), [1, 1, 1], [1, 1, 1], [0, 0, 0])],
    ['oblique, anisotropic', affineOf(rotation([1, 2, 3], 0.7), [0.5, 0.9, 3], [1, 1, 1], [10, -20, 30])],
    ['flipped i (left-handed)', affineOf(rotation([0, 0, 1], Math.PI / 6), [0.8, 1.2, 3], [-1, 1, 1], [40, -25, 12])],
    ['flipped k', affineOf(rotation([1, 0, 0], 0.3), [1, 1, 2], [1, 1, -1], [0, 0, 0])],
    ['180 degrees about x', affineOf(rotation([1, 0, 0], Math.PI), [1, 2, 3], [1, 1, 1], [1, 2, 3])],
    ['180 degrees about y', affineOf(rotation([0, 1, 0], Math.PI), [1, 2, 3], [1, 1, 1], [1, 2, 3])],
    ['180 degrees about z, flipped', affineOf(rotation([0, 0, 1], Math.PI), [1, 2, 3], [-1, 1, 1], [1, 2, 3])],
    ['LPS DICOM axial, as RAS', lpsToRas(affineOf(rotation([0, 0, 1], 0), [0.7, 0.7, 2.5], [1, 1, 1], [-100, -120, 50]))],
  ];
  for (const [name, affine] of cases) {
    it(`stores ${name} as a qform that nifti-reader-js turns back into the same matrix`, () => {
      const q = affineToQuaternion(affine)!;
      expect(q).to.not.equal(undefined);
      const bytes = zlib.gunzipSync(encodeNifti1(new Float32Array(8), [2, 2, 2], affine, { sformCode: 0 }));
      const header = niftiReader.readHeader(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      const back = header.getQformMat();
      for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(back[r]![c], `[${r}][${c}]`).to.be.closeTo(affine[r]![c]!, 2e-6 * Math.max(1, Math.abs(affine[r]![c]!)));
    });
  }

  it('has no qform for a sheared affine, and the writer then sets only the sform', () => {
    const sheared: Affine = [[1, 0.5, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    expect(affineToQuaternion(sheared)).to.equal(undefined);
    const bytes = zlib.gunzipSync(encodeNifti1(new Float32Array(8), [2, 2, 2], sheared));
    expect([bytes.readInt16LE(252), bytes.readInt16LE(254)]).to.deep.equal([0, 1]);
  });
});
