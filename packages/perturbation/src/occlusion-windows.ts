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
