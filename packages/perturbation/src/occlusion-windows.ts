/**
 * What happens where the last window would cross the image border (when
 * (size - patch) is not a multiple of the stride):
 * - 'clip': one more window starts a stride after the last full one and is cut
 *   at the border (AUCMEDI's numpy slicing does this), so with stride =
 *   patch every pixel is occluded exactly once;
 * - 'shift': the last window is moved back to end at the border, so every
 *   occlusion hides the same area (it overlaps its neighbour).
 */
export type EdgeWindows = 'clip' | 'shift';
export const EDGE_WINDOWS: readonly EdgeWindows[] = ['clip', 'shift'];

/** One window along an axis: pixels [start, end). */
export interface Span {
  start: number;
  end: number;
}

/**
 * The windows along one axis of `size` pixels: starts 0, stride, 2 stride, ...
 * while the window fits, then one edge window (see {@link EdgeWindows}) if
 * pixels remain uncovered. Needs 1 <= stride <= patch <= size, so every pixel is covered.
 */
export function windowSpans(size: number, patch: number, stride: number, edge: EdgeWindows): Span[] {
  const spans: Span[] = [];
  let start = 0;
  for (; start + patch <= size; start += stride) spans.push({ start, end: start + patch });
  const covered = spans[spans.length - 1]!.end;
  if (covered < size) {
    spans.push(edge === 'shift' ? { start: size - patch, end: size } : { start, end: Math.min(size, start + patch) });
  }
  return spans;
}

/**
 * Every window of an image (H, W) or a volume (D, H, W): the product of each
 * axis's {@link windowSpans}, the first axis outermost (rows, then columns; for
 * a volume slices, then rows, then columns), so every pixel (voxel) is covered.
 * @param size the spatial shape; @param patch and @param stride one entry per axis
 */
export function windowBoxes(size: readonly number[], patch: readonly number[], stride: readonly number[], edge: EdgeWindows): Span[][] {
  const axes = size.map((side, axis) => windowSpans(side, patch[axis]!, stride[axis]!, edge));
  return axes.reduce<Span[][]>((boxes, spans) => boxes.flatMap((box) => spans.map((span) => [...box, span])), [[]]);
}

/**
 * Calls `run(start, length)` for each contiguous run of a box in the row-major
 * flat index of `size` (one run per row of the box: along the last axis).
 */
export function forEachBoxRun(box: readonly Span[], size: readonly number[], run: (start: number, length: number) => void): void {
  const last = box.length - 1;
  const { start: first, end } = box[last]!;
  const visit = (axis: number, offset: number): void => {
    if (axis === last) return run(offset * size[last]! + first, end - first);
    for (let i = box[axis]!.start; i < box[axis]!.end; i++) visit(axis + 1, offset * size[axis]! + i);
  };
  visit(0, 0);
}
