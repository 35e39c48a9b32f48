import { expect } from 'chai';
import { assembleSliceMaps, extractSlices, peakVoxel, sliceLayout, voxelAxisOf, type Affine } from '@tfxai/node';

describe('volume slices', () => {
  const dims: [number, number, number] = [4, 3, 5];
  const values = Float32Array.from({ length: 60 }, (_, n) => n);

  it('cuts slices as (N, H, W) with the other two axes (higher as rows) and puts maps back where they came from', () => {
    for (const axis of [0, 1, 2] as const) {
      const layout = sliceLayout(dims, axis);
      const slices = extractSlices(values, dims, 1, layout);
      const size = layout.height * layout.width;
      // Voxel (i, j, k) read directly: slice s, pixel (row, column) is the voxel with those coordinates on the layout's axes.
      for (let s = 0; s < layout.count; s++)
        for (let row = 0; row < layout.height; row++)
          for (let column = 0; column < layout.width; column++) {
            const ijk = [0, 0, 0];
            [ijk[axis], ijk[layout.rowAxis], ijk[layout.columnAxis]] = [s, row, column];
            expect(slices[s * size + row * layout.width + column]).to.equal(ijk[0]! + 4 * (ijk[1]! + 3 * ijk[2]!));
          }
      // A batch cut alone equals the same slices of the whole.
      expect(Array.from(extractSlices(values, dims, 1, layout, 1, 2))).to.deep.equal(Array.from(slices.subarray(size, 3 * size)));
      const maps = Array.from({ length: layout.count }, (_, s) => slices.slice(s * size, (s + 1) * size));
      expect(Array.from(assembleSliceMaps(maps, dims, layout))).to.deep.equal(Array.from(values));
    }
  });

  it('finds the axial, coronal and sagittal voxel axes from the affine, also when the axes are permuted and flipped', () => {
    const ras: Affine = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    expect([voxelAxisOf('axial', ras), voxelAxisOf('coronal', ras), voxelAxisOf('sagittal', ras)]).to.deep.equal([2, 1, 0]);
    // A coronal DICOM series: i along -x, j along -z, k along +y.
    const coronal: Affine = [[-0.5, 0, 0, 0], [0, 0, 3, 0], [0, -0.5, 0, 0], [0, 0, 0, 1]];
    expect([voxelAxisOf('axial', coronal), voxelAxisOf('coronal', coronal), voxelAxisOf('sagittal', coronal)]).to.deep.equal([1, 2, 0]);
  });

  it('finds the peak voxel', () => {
    const map = new Float32Array(60);
    map[2 + 4 * (1 + 3 * 4)] = 1;
    expect(peakVoxel(map, dims)).to.deep.equal([2, 1, 4]);
  });
});
