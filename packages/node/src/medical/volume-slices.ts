import { InvalidOptionError } from '@tfxai/core';
import type { Affine } from './affine.js';

/** The anatomical plane a 2-D model sees: slices taken across the voxel axis closest to S (axial), A (coronal) or R (sagittal). */
export type SliceAxis = 'axial' | 'coronal' | 'sagittal';
export const SLICE_AXES: readonly SliceAxis[] = ['axial', 'coronal', 'sagittal'];

/** @throws InvalidOptionError for a name that is not one of {@link SLICE_AXES} */
export function checkSliceAxis(name: string): SliceAxis {
  if (!SLICE_AXES.includes(name as SliceAxis)) throw new InvalidOptionError('slice-axis', `got '${name}'; allowed ${SLICE_AXES.join(', ')}`);
  return name as SliceAxis;
}

/**
 * The voxel axis (0 = i, 1 = j, 2 = k) that runs across `plane`: the one
 * whose direction in the affine is most along world z (axial), y (coronal)
 * or x (sagittal). Ties and oblique scans take the largest component.
 */
export function voxelAxisOf(plane: SliceAxis, affine: Affine): 0 | 1 | 2 {
  const world = { sagittal: 0, coronal: 1, axial: 2 }[plane];
  // Assign world axes to voxel axes greedily by the largest direction cosine, so that the three planes use three different voxel axes.
  const cosines = [0, 1, 2].map((c) => {
    const length = Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!) || 1;
    return [0, 1, 2].map((r) => Math.abs(affine[r]![c]!) / length);
  });
  const pairs = [0, 1, 2].flatMap((c) => [0, 1, 2].map((r) => ({ c, r, v: cosines[c]![r]! }))).sort((a, b) => b.v - a.v);
  const usedC = new Set<number>();
  const usedR = new Set<number>();
  for (const { c, r } of pairs) {
    if (usedC.has(c) || usedR.has(r)) continue;
    usedC.add(c);
    usedR.add(r);
    if (r === world) return c as 0 | 1 | 2;
  }
  return 2;
}

/** How the slices across one voxel axis are laid out as 2-D images. */
export interface SliceLayout {
  /** The voxel axis the slices are taken across. */
  axis: 0 | 1 | 2;
  count: number;
  /** Image rows and columns: the other two voxel axes, the higher one as rows (axial: rows j, columns i, as DICOM stores them). */
  height: number;
  width: number;
  rowAxis: 0 | 1 | 2;
  columnAxis: 0 | 1 | 2;
}

export function sliceLayout(dims: readonly [number, number, number], axis: 0 | 1 | 2): SliceLayout {
  const others = ([0, 1, 2] as const).filter((a) => a !== axis);
  const [columnAxis, rowAxis] = others as [0 | 1 | 2, 0 | 1 | 2];
  return { axis, count: dims[axis], height: dims[rowAxis], width: dims[columnAxis], rowAxis, columnAxis };
}

/** Voxel index (one channel) of pixel (row, column) of slice `s`. */
function voxelOf(dims: readonly [number, number, number], layout: SliceLayout, s: number, row: number, column: number): number {
  const ijk = [0, 0, 0];
  ijk[layout.axis] = s;
  ijk[layout.rowAxis] = row;
  ijk[layout.columnAxis] = column;
  return ijk[0]! + dims[0] * (ijk[1]! + dims[1] * ijk[2]!);
}

/**
 * The volume cut into its slices, (N, H, W, C) row-major: the batch a 2-D model takes.
 * @param first the first slice (default 0)
 * @param count how many (default: all from `first`), so that a large volume is cut one batch at a time
 */
export function extractSlices(values: Float32Array, dims: readonly [number, number, number], channels: number, layout: SliceLayout, first = 0, count = layout.count - first): Float32Array {
  const out = new Float32Array(count * layout.height * layout.width * channels);
  let n = 0;
  for (let s = first; s < first + count; s++) {
    for (let row = 0; row < layout.height; row++) {
      for (let column = 0; column < layout.width; column++) {
        const v = voxelOf(dims, layout, s, row, column) * channels;
        for (let c = 0; c < channels; c++) out[n++] = values[v + c]!;
      }
    }
  }
  return out;
}

/** Slice maps (each H * W, row-major, in slice order) put back on the voxel grid: the inverse of {@link extractSlices}. */
export function assembleSliceMaps(maps: readonly Float32Array[], dims: readonly [number, number, number], layout: SliceLayout): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  maps.forEach((map, s) => {
    let n = 0;
    for (let row = 0; row < layout.height; row++) for (let column = 0; column < layout.width; column++) out[voxelOf(dims, layout, s, row, column)] = map[n++]!;
  });
  return out;
}

/** The voxel (i, j, k) of the largest value (the first one, in storage order, on ties). */
export function peakVoxel(map: Float32Array, dims: readonly [number, number, number]): [number, number, number] {
  let best = 0;
  for (let n = 1; n < map.length; n++) if (map[n]! > map[best]!) best = n;
  return [best % dims[0], Math.floor(best / dims[0]) % dims[1], Math.floor(best / (dims[0] * dims[1]))];
}
