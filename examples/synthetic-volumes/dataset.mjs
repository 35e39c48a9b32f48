// Seeded synthetic volumes: a smooth, noisy background with faint blobs as
// distractors, and exactly one bright structure whose SHAPE alone is the label.
// Single channel, like a CT or MR volume. No TensorFlow import here.
import { makeRng } from '../synthetic-shapes/prng.mjs';
import { CLASS_NAMES, structureMask } from './structures.mjs';

export { CLASS_NAMES };
export const VOLUME_SIZE = 24;
export const CHANNELS = 1;
export const MIN_STRUCTURE = 6;
export const MAX_STRUCTURE = 8;

/** Writes one sample into `out` (Float32Array view of 24^3, DHW) and returns its box. */
function drawSample(rng, cls, out) {
  const S = VOLUME_SIZE;
  const base = rng.uniform(0.15, 0.45);
  const slope = [0, 1, 2].map(() => rng.uniform(-0.15, 0.15));
  const blobs = Array.from({ length: rng.int(0, 3) }, () => ({
    at: [0, 1, 2].map(() => rng.uniform(0, S)), r: rng.uniform(2, 4), amp: rng.uniform(-0.2, 0.2),
  }));
  const noise = rng.uniform(0.02, 0.07);
  for (let d = 0; d < S; d++) {
    for (let r = 0; r < S; r++) {
      for (let c = 0; c < S; c++) {
        const p = [d, r, c];
        let v = base + p.reduce((s, x, a) => s + slope[a] * (x / (S - 1) - 0.5), 0) + rng.uniform(-noise, noise);
        for (const b of blobs) v += b.amp * Math.exp(-p.reduce((s, x, a) => s + (x - b.at[a]) ** 2, 0) / (2 * b.r * b.r));
        out[(d * S + r) * S + c] = v;
      }
    }
  }
  // The structure: random size, position and brightness, independent of class.
  const size = rng.int(MIN_STRUCTURE, MAX_STRUCTURE);
  const [bd, br, bc] = [0, 1, 2].map(() => rng.int(1, S - size - 1));
  const brightness = rng.uniform(0.8, 1);
  const mask = structureMask(cls, size);
  for (let d = 0; d < size; d++) {
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        if (mask[(d * size + r) * size + c]) out[((bd + d) * S + br + r) * S + bc + c] = brightness + rng.uniform(-0.03, 0.03);
      }
    }
  }
  for (let i = 0; i < S ** 3; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return { depth: bd, row: br, column: bc, size };
}

/**
 * makeVolumes({count, seed}) -> {volumes, shape, labels, boxes}
 *  volumes: Float32Array of count*24*24*24 values in [0,1], NDHWC order (C = 1)
 *  shape:   [count, 24, 24, 24, 1]
 *  labels:  number[] class indices (0 cross, 1 frame, 2 diagonal), balanced: label = i % 3
 *  boxes:   {depth, row, column, size}[] voxel box of the structure (a cube of `size`)
 */
export function makeVolumes({ count, seed }) {
  const rng = makeRng(seed);
  const per = VOLUME_SIZE ** 3 * CHANNELS;
  const volumes = new Float32Array(count * per);
  const labels = [];
  const boxes = [];
  for (let i = 0; i < count; i++) {
    const cls = i % CLASS_NAMES.length;
    labels.push(cls);
    boxes.push(drawSample(rng, cls, volumes.subarray(i * per, (i + 1) * per)));
  }
  return { volumes, shape: [count, VOLUME_SIZE, VOLUME_SIZE, VOLUME_SIZE, CHANNELS], labels, boxes };
}
