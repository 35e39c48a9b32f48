import type { Segmentation } from '@tfxai/perturbation';

/**
 * The number of connected pieces of each label, by flood fill (an independent
 * check of SLIC's connectivity): 4-connected for an image, 6-connected for a
 * volume (a segmentation without `depth` is one slice).
 */
export function piecesPerLabel(s: Segmentation): number[] {
  const [depth, height, width] = [s.depth ?? 1, s.height, s.width];
  const seen = new Uint8Array(s.labels.length);
  const pieces = new Array<number>(s.count).fill(0);
  for (let start = 0; start < s.labels.length; start++) {
    if (seen[start]) continue;
    pieces[s.labels[start]!]!++;
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const [d, r, c] = [Math.floor(p / (height * width)), Math.floor(p / width) % height, p % width];
      for (const [dd, rr, cc] of [[d - 1, r, c], [d + 1, r, c], [d, r - 1, c], [d, r + 1, c], [d, r, c - 1], [d, r, c + 1]] as const) {
        if (dd < 0 || dd >= depth || rr < 0 || rr >= height || cc < 0 || cc >= width) continue;
        const q = (dd * height + rr) * width + cc;
        if (seen[q] || s.labels[q] !== s.labels[p]) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
  }
  return pieces;
}

/** True when every label forms one connected piece. */
export function allConnected(s: Segmentation): boolean {
  return piecesPerLabel(s).every((n) => n === 1);
}
