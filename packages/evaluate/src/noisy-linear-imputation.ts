import { InvalidInputError, type RandomSource } from '@tfxai/core';
import { standardNormal } from './normal-noise.js';

/** Offsets (row, column) of the eight neighbours and their weights, as in ROAD's reference code (direct 1/6, diagonal 1/12). */
const NEIGHBOURS: readonly [number, number, number][] = [
  [1, 1, 1 / 12], [0, 1, 1 / 6], [-1, 1, 1 / 12], [1, -1, 1 / 12],
  [0, -1, 1 / 6], [-1, -1, 1 / 12], [1, 0, 1 / 6], [-1, 0, 1 / 6],
];

/**
 * ROAD's noisy linear imputation (Rong, Leemann, Borisov, Kasneci & Kasneci
 * 2022, "A Consistent and Efficient Evaluation Strategy for Attribution
 * Methods", ICML): every removed pixel takes the weighted mean of its
 * in-image neighbours, removed or not,
 *
 *   sum_{j in N(i)} w_ij (x_i - x_j) = 0   for every removed i,
 *
 * a sparse symmetric positive definite system per channel (solved here by
 * conjugate gradients to a relative residual of 1e-8), then Gaussian noise of
 * standard deviation `noise` is added to the imputed values.
 * @param image (H, W, C) row-major
 * @param removed (H, W), 1 for a pixel to impute
 * @returns a new (H, W, C) image
 * @throws InvalidInputError when every pixel is removed (nothing to impute from)
 */
export function noisyLinearImputation(image: Float32Array, height: number, width: number, channels: number, removed: Uint8Array, noise: number, random: RandomSource): Float32Array {
  const unknown: number[] = [];
  const index = new Int32Array(height * width).fill(-1);
  for (let p = 0; p < height * width; p++) if (removed[p]) index[p] = unknown.push(p) - 1;
  const out = Float32Array.from(image);
  if (unknown.length === 0) return out;
  if (unknown.length === height * width) throw new InvalidInputError('noisy linear imputation needs at least one pixel that is kept; every pixel was removed');
  const n = unknown.length;
  // Per unknown: the diagonal (sum of in-image neighbour weights) and its unknown neighbours.
  const diagonal = new Float64Array(n);
  const neighbourOf: { j: number; w: number }[][] = [];
  const knownOf: { p: number; w: number }[][] = [];
  for (let u = 0; u < n; u++) {
    const [row, col] = [Math.floor(unknown[u]! / width), unknown[u]! % width];
    const inner: { j: number; w: number }[] = [];
    const outer: { p: number; w: number }[] = [];
    for (const [dr, dc, w] of NEIGHBOURS) {
      const [r, c] = [row + dr, col + dc];
      if (r < 0 || c < 0 || r >= height || c >= width) continue;
      diagonal[u] += w;
      const q = r * width + c;
      if (index[q]! >= 0) inner.push({ j: index[q]!, w });
      else outer.push({ p: q, w });
    }
    neighbourOf.push(inner);
    knownOf.push(outer);
  }
  const multiply = (v: Float64Array, into: Float64Array) => {
    for (let u = 0; u < n; u++) {
      let s = diagonal[u]! * v[u]!;
      for (const { j, w } of neighbourOf[u]!) s -= w * v[j]!;
      into[u] = s;
    }
  };
  for (let c = 0; c < channels; c++) {
    const b = new Float64Array(n);
    for (let u = 0; u < n; u++) for (const { p, w } of knownOf[u]!) b[u] += w * image[p * channels + c]!;
    const x = new Float64Array(n);
    const r = Float64Array.from(b);
    const d = Float64Array.from(b);
    const q = new Float64Array(n);
    const bNorm = Math.sqrt(b.reduce((s, v) => s + v * v, 0));
    let rr = bNorm * bNorm;
    for (let it = 0; it < 10 * n && Math.sqrt(rr) > 1e-8 * Math.max(bNorm, 1e-30); it++) {
      multiply(d, q);
      const alpha = rr / d.reduce((s, v, k) => s + v * q[k]!, 0);
      for (let k = 0; k < n; k++) {
        x[k] += alpha * d[k]!;
        r[k] -= alpha * q[k]!;
      }
      const next = r.reduce((s, v) => s + v * v, 0);
      for (let k = 0; k < n; k++) d[k] = r[k]! + (next / rr) * d[k]!;
      rr = next;
    }
    for (let u = 0; u < n; u++) out[unknown[u]! * channels + c] = x[u]! + noise * standardNormal(random);
  }
  return out;
}
