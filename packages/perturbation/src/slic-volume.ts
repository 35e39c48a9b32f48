import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, gaussianBlur3d } from '@tfxai/core';
import { colourFeatures } from './colour-features.js';
import { relabel, type Segmentation } from './segmentation.js';
import { enforceConnectivity, resolveSlicOptions, type SlicOptions } from './slic.js';

/**
 * SLIC supervoxels of one volume (D, H, W, C) or (1, D, H, W, C): the 3-D form
 * of {@link slic} (Achanta et al. 2012 describe supervoxels the same way), with
 * the same options and meanings: about `nSegments` supervoxels seeded on a
 * regular 3-D grid, `compactness` balancing intensity against distance in
 * voxels, `sigma` a 3-D Gaussian smoothing, connectivity enforced in 3-D (6-connected).
 * @throws InvalidInputError for another shape; InvalidOptionError for bad options
 */
export async function slicVolume(volume: tf.Tensor, options: SlicOptions = {}): Promise<Segmentation> {
  const o = resolveSlicOptions(options);
  if (!(volume.rank === 4 || (volume.rank === 5 && volume.shape[0] === 1))) {
    throw new InvalidInputError(`3-D SLIC segments one volume, (D, H, W, C) or (1, D, H, W, C); got shape [${volume.shape}]`);
  }
  const [depth, height, width, channels] = volume.shape.slice(-4) as [number, number, number, number];
  const smoothed = tf.tidy(() => {
    const batch = volume.reshape([1, depth, height, width, channels]).toFloat() as tf.Tensor5D;
    return o.sigma > 0 ? gaussianBlur3d(batch, o.sigma) : batch.clone();
  });
  const voxels = await smoothed.data<'float32'>();
  smoothed.dispose();
  return slicFromVoxels(voxels, depth, height, width, channels, o);
}

/**
 * 3-D SLIC on raw voxel values (row-major D x H x W x C). `sigma` is not applied
 * here (use {@link slicVolume} for smoothing).
 */
export function slicFromVoxels(voxels: ArrayLike<number>, depth: number, height: number, width: number, channels: number, options: SlicOptions = {}): Segmentation {
  const o = resolveSlicOptions(options);
  const plane = height * width;
  const n = depth * plane;
  const features = colourFeatures(voxels, n, channels, o.colorSpace);
  const f = features.length / n;
  const size = [depth, height, width];

  // Seeds on a regular grid of about nSegments cells, the interval S the cube root of the volume per supervoxel.
  const interval = Math.cbrt(n / o.nSegments);
  const grid = size.map((side) => Math.min(side, Math.max(1, Math.round(side / interval))));
  const step = size.map((side, axis) => side / grid[axis]!);
  const k = grid[0]! * grid[1]! * grid[2]!;
  const stride = f + 3; // a centre is [z, y, x, feature...]
  const centres = new Float64Array(k * stride);
  const gradient = gradientMagnitude3d(features, depth, height, width, f);
  const index = (z: number, y: number, x: number) => (z * height + y) * width + x;
  for (let gz = 0; gz < grid[0]!; gz++) {
    for (let gy = 0; gy < grid[1]!; gy++) {
      for (let gx = 0; gx < grid[2]!; gx++) {
        const at = [gz, gy, gx].map((g, axis) => Math.min(size[axis]! - 1, Math.floor((g + 0.5) * step[axis]!)));
        // Move the seed to the lowest gradient in its 3x3x3 neighbourhood, off edges and noisy voxels.
        let best = [...at];
        let lowest = gradient[index(at[0]!, at[1]!, at[2]!)]!;
        for (let dz = -1; dz <= 1; dz++) {
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const [z, y, x] = [at[0]! + dz, at[1]! + dy, at[2]! + dx];
              if (z < 0 || z >= depth || y < 0 || y >= height || x < 0 || x >= width) continue;
              if (gradient[index(z, y, x)]! < lowest) [lowest, best] = [gradient[index(z, y, x)]!, [z, y, x]];
            }
          }
        }
        const base = ((gz * grid[1]! + gy) * grid[2]! + gx) * stride;
        centres.set(best, base);
        centres.set(features.subarray(index(best[0]!, best[1]!, best[2]!) * f, index(best[0]!, best[1]!, best[2]!) * f + f), base + 3);
      }
    }
  }

  // Start from the grid cells so that a voxel no centre reaches still has a label.
  const cell = (v: number, axis: number) => Math.min(grid[axis]! - 1, Math.floor(v / step[axis]!));
  let labels: Int32Array = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    labels[p] = (cell(Math.floor(p / plane), 0) * grid[1]! + cell(Math.floor(p / width) % height, 1)) * grid[2]! + cell(p % width, 2);
  }
  const spatialWeight = (o.compactness / Math.cbrt(step[0]! * step[1]! * step[2]!)) ** 2;
  const radius = step.map(Math.ceil); // the paper's 2S search window, per axis
  const distance = new Float64Array(n);
  for (let iteration = 0; iteration < o.maxIterations; iteration++) {
    const next = labels.slice();
    distance.fill(Infinity);
    for (let centre = 0; centre < k; centre++) {
      const base = centre * stride;
      const [cz, cy, cx] = [centres[base]!, centres[base + 1]!, centres[base + 2]!];
      const [zStart, zEnd] = [Math.max(0, Math.floor(cz - radius[0]!)), Math.min(depth - 1, Math.ceil(cz + radius[0]!))];
      const [yStart, yEnd] = [Math.max(0, Math.floor(cy - radius[1]!)), Math.min(height - 1, Math.ceil(cy + radius[1]!))];
      const [xStart, xEnd] = [Math.max(0, Math.floor(cx - radius[2]!)), Math.min(width - 1, Math.ceil(cx + radius[2]!))];
      for (let z = zStart; z <= zEnd; z++) {
        for (let y = yStart; y <= yEnd; y++) {
          for (let x = xStart; x <= xEnd; x++) {
            const p = index(z, y, x);
            let colour = 0;
            for (let j = 0; j < f; j++) colour += (features[p * f + j]! - centres[base + 3 + j]!) ** 2;
            const d = colour + spatialWeight * ((z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2);
            if (d < distance[p]!) {
              distance[p] = d;
              next[p] = centre;
            }
          }
        }
      }
    }
    const changed = next.some((label, p) => label !== labels[p]);
    labels = next;
    updateCentres3d(centres, labels, features, height, width, f, k);
    if (!changed) break;
  }
  if (o.enforceConnectivity) labels = enforceConnectivity(labels, height, width, Math.max(1, Math.floor((o.minSizeFactor * n) / k)), depth);
  return relabel(labels, height, width, depth);
}

/** Squared intensity gradient by central differences along depth, rows and columns (edges clamped). */
function gradientMagnitude3d(features: Float64Array, depth: number, height: number, width: number, f: number): Float64Array {
  const clamp = (v: number, size: number) => Math.min(size - 1, Math.max(0, v));
  const at = (z: number, y: number, x: number, j: number) => features[((clamp(z, depth) * height + clamp(y, height)) * width + clamp(x, width)) * f + j]!;
  const out = new Float64Array(depth * height * width);
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let g = 0;
        for (let j = 0; j < f; j++) {
          g += (at(z, y, x + 1, j) - at(z, y, x - 1, j)) ** 2 + (at(z, y + 1, x, j) - at(z, y - 1, x, j)) ** 2 + (at(z + 1, y, x, j) - at(z - 1, y, x, j)) ** 2;
        }
        out[(z * height + y) * width + x] = g;
      }
    }
  }
  return out;
}

/** Each centre becomes the mean position and intensity of its voxels; an empty one stays where it is. */
function updateCentres3d(centres: Float64Array, labels: Int32Array, features: Float64Array, height: number, width: number, f: number, k: number): void {
  const stride = f + 3;
  const sums = new Float64Array(k * stride);
  const counts = new Float64Array(k);
  for (let p = 0; p < labels.length; p++) {
    const base = labels[p]! * stride;
    counts[labels[p]!]!++;
    sums[base]! += Math.floor(p / (height * width));
    sums[base + 1]! += Math.floor(p / width) % height;
    sums[base + 2]! += p % width;
    for (let j = 0; j < f; j++) sums[base + 3 + j]! += features[p * f + j]!;
  }
  for (let centre = 0; centre < k; centre++) {
    if (counts[centre] === 0) continue;
    for (let j = 0; j < stride; j++) centres[centre * stride + j] = sums[centre * stride + j]! / counts[centre]!;
  }
}
