import { InvalidInputError } from '@tfxai/core';
import { rgbToLab } from './lab-color.js';

/**
 * SLIC's per-pixel (per-voxel) colour features: CIE Lab for RGB, else the channels
 * scaled to [0, 100], after bringing values to [0, 1] (as they are, / 255, or min-max).
 * @throws InvalidInputError for a wrong value count or a non-finite value
 */
export function colourFeatures(pixels: ArrayLike<number>, n: number, channels: number, colorSpace: 'lab' | 'raw'): Float64Array {
  if (pixels.length !== n * channels) throw new InvalidInputError(`expected ${n * channels} pixel values, got ${pixels.length}`);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (!Number.isFinite(v)) throw new InvalidInputError(`image holds ${v} at flat index ${i}; only finite values are allowed`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Bring values to [0, 1]: [0, 1] images as they are, [0, 255] images divided by 255, others min-max.
  const [offset, scale] = min >= 0 && max <= 1 ? [0, 1] : min >= 0 && max <= 255 ? [0, 1 / 255] : [min, max > min ? 1 / (max - min) : 0];
  const unit = (v: number) => (v - offset) * scale;
  const features = new Float64Array(n * channels);
  for (let p = 0; p < n; p++) {
    const at = p * channels;
    if (colorSpace === 'lab' && channels === 3) {
      features.set(rgbToLab(unit(pixels[at]!), unit(pixels[at + 1]!), unit(pixels[at + 2]!)), at);
    } else {
      for (let j = 0; j < channels; j++) features[at + j] = 100 * unit(pixels[at + j]!);
    }
  }
  return features;
}

