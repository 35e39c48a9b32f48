// The three class-defining 3-D structures. Each is a binary mask that exactly
// fills its size^3 bounding box, so the recorded box is tight for every class.

export const CLASS_NAMES = ['cross', 'frame', 'diagonal'];
export const STROKE = 2; // bar thickness in voxels

/** Returns a Uint8Array(size^3) mask (depth, row, column order; 1 = structure voxel). */
export function structureMask(cls, size) {
  const mask = new Uint8Array(size ** 3);
  const bar = (v) => v >= Math.floor((size - STROKE) / 2) && v < Math.floor((size - STROKE) / 2) + STROKE;
  const edge = (v) => v < STROKE || v >= size - STROKE;
  for (let d = 0; d < size; d++) {
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        let on;
        if (cls === 0) {
          // cross: three orthogonal bars through the centre (a 3-D "+")
          on = (bar(r) && bar(c)) || (bar(d) && bar(c)) || (bar(d) && bar(r));
        } else if (cls === 1) {
          // frame: the twelve edges of the box (a wireframe cube)
          on = [edge(d), edge(r), edge(c)].filter(Boolean).length >= 2;
        } else if (cls === 2) {
          // diagonal: the four space diagonals, about STROKE voxels thick
          const m = size - 1;
          on = [[r, c], [r, m - c], [m - r, c], [m - r, m - c]].some(([a, b]) => Math.abs(a - d) <= STROKE / 2 && Math.abs(b - d) <= STROKE / 2);
        } else {
          throw new Error(`unknown class ${cls}`);
        }
        mask[(d * size + r) * size + c] = on ? 1 : 0;
      }
    }
  }
  return mask;
}
