/** The sRGB gamma curve undone: a channel in [0, 1] to linear light. */
function linearize(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** CIE Lab's cube-root compression, with its linear segment near zero. */
function labCompress(t: number): number {
  const delta = 6 / 29;
  return t > delta ** 3 ? Math.cbrt(t) : t / (3 * delta * delta) + 4 / 29;
}

/**
 * sRGB in [0, 1] to CIE L*a*b* (D65 white), as skimage's `rgb2lab` computes it:
 * L in [0, 100], a and b roughly in [-100, 100].
 */
export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const [lr, lg, lb] = [linearize(r), linearize(g), linearize(b)];
  const x = (0.412453 * lr + 0.35758 * lg + 0.180423 * lb) / 0.95047;
  const y = 0.212671 * lr + 0.71516 * lg + 0.072169 * lb;
  const z = (0.019334 * lr + 0.119193 * lg + 0.950227 * lb) / 1.08883;
  const [fx, fy, fz] = [labCompress(x), labCompress(y), labCompress(z)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}
