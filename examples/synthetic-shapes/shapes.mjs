// The three class-defining structures. Each is a binary mask that exactly fills
// its size x size bounding box, so the recorded box is tight for every class.

export const CLASS_NAMES = ['plus', 'ring', 'x'];
export const STROKE = 2; // line thickness in pixels

/** Returns a Uint8Array(size*size) mask (row-major, 1 = structure pixel). */
export function shapeMask(cls, size) {
  const mask = new Uint8Array(size * size);
  const barStart = Math.floor((size - STROKE) / 2); // centred bar for 'plus'
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let on;
      if (cls === 0) {
        // plus: one horizontal and one vertical bar through the centre
        on = (r >= barStart && r < barStart + STROKE) || (c >= barStart && c < barStart + STROKE);
      } else if (cls === 1) {
        // ring: hollow square outline
        on = r < STROKE || r >= size - STROKE || c < STROKE || c >= size - STROKE;
      } else if (cls === 2) {
        // x: both diagonals, about STROKE pixels thick
        on = Math.abs(r - c) <= STROKE / 2 || Math.abs(r + c - (size - 1)) <= STROKE / 2;
      } else {
        throw new Error(`unknown class ${cls}`);
      }
      mask[r * size + c] = on ? 1 : 0;
    }
  }
  return mask;
}
