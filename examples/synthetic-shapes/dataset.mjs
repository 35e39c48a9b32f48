// Seeded synthetic data: a noisy gradient background, a few faint blobs as
// distractors, and exactly one bright structure whose SHAPE alone is the label.
// No TensorFlow import here, so tests can use it with any backend.
import { makeRng } from './prng.mjs';
import { CLASS_NAMES, shapeMask } from './shapes.mjs';

export { CLASS_NAMES };
export const IMAGE_SIZE = 64;
export const CHANNELS = 3;
export const MIN_SHAPE = 10;
export const MAX_SHAPE = 14;

// HSV -> RGB for the bright structure colour (full value, high saturation).
function hsvToRgb(h, s, v) {
  const f = (n) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

/** Writes one sample into `out` (Float32Array view of 64*64*3, HWC) and returns its box. */
function drawSample(rng, cls, out) {
  const S = IMAGE_SIZE;
  // Low-contrast background: linear colour gradient in a random direction.
  const c0 = [0, 1, 2].map(() => rng.uniform(0.1, 0.5));
  const c1 = [0, 1, 2].map(() => rng.uniform(0.1, 0.5));
  const angle = rng.uniform(0, 2 * Math.PI);
  const dx = Math.cos(angle), dy = Math.sin(angle);
  // Faint blobs: texture the model must learn to ignore (never bright, never shaped).
  const blobs = Array.from({ length: rng.int(0, 3) }, () => ({
    x: rng.uniform(0, S), y: rng.uniform(0, S), r: rng.uniform(3, 7),
    amp: [0, 1, 2].map(() => rng.uniform(-0.15, 0.15)),
  }));
  const noise = rng.uniform(0.02, 0.07);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const t = ((x / (S - 1) - 0.5) * dx + (y / (S - 1) - 0.5) * dy) / Math.SQRT2 + 0.5;
      for (let ch = 0; ch < 3; ch++) {
        let v = c0[ch] + (c1[ch] - c0[ch]) * t + rng.uniform(-noise, noise);
        for (const b of blobs) {
          v += b.amp[ch] * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
        }
        out[(y * S + x) * 3 + ch] = v;
      }
    }
  }
  // The structure: random size, position and bright colour, independent of class.
  const size = rng.int(MIN_SHAPE, MAX_SHAPE);
  const bx = rng.int(2, S - size - 2);
  const by = rng.int(2, S - size - 2);
  const colour = hsvToRgb(rng.next(), rng.uniform(0.5, 1), rng.uniform(0.9, 1));
  const mask = shapeMask(cls, size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (!mask[r * size + c]) continue;
      const o = ((by + r) * S + (bx + c)) * 3;
      for (let ch = 0; ch < 3; ch++) out[o + ch] = colour[ch] + rng.uniform(-0.03, 0.03);
    }
  }
  for (let i = 0; i < S * S * 3; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return { x: bx, y: by, width: size, height: size };
}

/**
 * makeDataset({count, seed}) -> {images, shape, labels, boxes}
 *  images: Float32Array of count*64*64*3 values in [0,1], NHWC order
 *          (use tf.tensor4d(images, shape) to get a Tensor4D)
 *  shape:  [count, 64, 64, 3]
 *  labels: number[] class indices (0 plus, 1 ring, 2 x), balanced: label = i % 3
 *  boxes:  {x, y, width, height}[] pixel box of the structure in each image
 */
export function makeDataset({ count, seed }) {
  const rng = makeRng(seed);
  const per = IMAGE_SIZE * IMAGE_SIZE * CHANNELS;
  const images = new Float32Array(count * per);
  const labels = [];
  const boxes = [];
  for (let i = 0; i < count; i++) {
    const cls = i % CLASS_NAMES.length;
    labels.push(cls);
    boxes.push(drawSample(rng, cls, images.subarray(i * per, (i + 1) * per)));
  }
  return { images, shape: [count, IMAGE_SIZE, IMAGE_SIZE, CHANNELS], labels, boxes };
}
