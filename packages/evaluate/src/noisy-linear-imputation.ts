import { InvalidInputError, type RandomSource } from '@tfxai/core';
import { standardNormal } from './normal-noise.js';

/** An offset (depth, row, column) to a neighbour and its weight. */
type Neighbour = readonly [number, number, number, number];

/** The eight 2-D neighbours (row, column) and their weights, as in ROAD's reference code (direct 1/6, diagonal 1/12). */
const NEIGHBOURS_2D: readonly Neighbour[] = [
  [0, 1, 1, 1 / 12], [0, 0, 1, 1 / 6], [0, -1, 1, 1 / 12], [0, 1, -1, 1 / 12],
  [0, 0, -1, 1 / 6], [0, -1, -1, 1 / 12], [0, 1, 0, 1 / 6], [0, -1, 0, 1 / 6],
];

/**
 * The 3-D neighbours: the paper's weights by distance, carried to a voxel
 * grid. The 6 face neighbours (distance 1) take the direct weight 1/6, the 12
 * edge neighbours (distance sqrt 2, what the 2-D diagonals are) the diagonal
 * weight 1/12; the 8 corners (distance sqrt 3) have no weight in the paper and
 * are left out. The set is symmetric, so a linear function is still its own
 * weighted neighbour mean.
 */
const NEIGHBOURS_3D: readonly Neighbour[] = (() => {
  const out: Neighbour[] = [];
  for (let dz = -1; dz <= 1; dz++) {
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const distance = Math.abs(dz) + Math.abs(dr) + Math.abs(dc);
        if (distance === 1) out.push([dz, dr, dc, 1 / 6]);
        else if (distance === 2) out.push([dz, dr, dc, 1 / 12]);
      }
    }
  }
  return out;
})();

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
  return imputeOnGrid(image, [1, height, width], channels, removed, noise, random, NEIGHBOURS_2D, 'pixel');
}

/**
 * {@link noisyLinearImputation} on a volume: the same sparse system with the
 * 3-D neighbourhood (6 face neighbours at weight 1/6, 12 edge neighbours at
 * 1/12; see `NEIGHBOURS_3D` for why).
 * @param volume (D, H, W, C) row-major
 * @param removed (D, H, W), 1 for a voxel to impute
 * @returns a new (D, H, W, C) volume
 * @throws InvalidInputError when every voxel is removed
 */
export function noisyLinearImputation3d(volume: Float32Array, depth: number, height: number, width: number, channels: number, removed: Uint8Array, noise: number, random: RandomSource): Float32Array {
  return imputeOnGrid(volume, [depth, height, width], channels, removed, noise, random, NEIGHBOURS_3D, 'voxel');
}

function imputeOnGrid(image: Float32Array, grid: readonly [number, number, number], channels: number, removed: Uint8Array, noise: number, random: RandomSource, neighbours: readonly Neighbour[], unit: string): Float32Array {
  const [depth, height, width] = grid;
  const size = depth * height * width;
  const unknown: number[] = [];
  const index = new Int32Array(size).fill(-1);
  for (let p = 0; p < size; p++) if (removed[p]) index[p] = unknown.push(p) - 1;
  const out = Float32Array.from(image);
  if (unknown.length === 0) return out;
  if (unknown.length === size) throw new InvalidInputError(`noisy linear imputation needs at least one ${unit} that is kept; every ${unit} was removed`);
  const n = unknown.length;
  // Per unknown: the diagonal (sum of in-image neighbour weights) and its unknown neighbours.
  const diagonal = new Float64Array(n);
  const neighbourOf: { j: number; w: number }[][] = [];
  const knownOf: { p: number; w: number }[][] = [];
  for (let u = 0; u < n; u++) {
    const p = unknown[u]!;
    const [slice, row, col] = [Math.floor(p / (height * width)), Math.floor(p / width) % height, p % width];
    const inner: { j: number; w: number }[] = [];
    const outer: { p: number; w: number }[] = [];
    for (const [dz, dr, dc, w] of neighbours) {
      const [z, r, c] = [slice + dz, row + dr, col + dc];
      if (z < 0 || r < 0 || c < 0 || z >= depth || r >= height || c >= width) continue;
      diagonal[u] += w;
      const q = (z * height + r) * width + c;
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
