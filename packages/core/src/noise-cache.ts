import { fillRandomNormal } from './normal-noise.js';

/**
 * Standard normal noise images, kept between calls.
 *
 * Why: SmoothGrad, NoiseTunnel and GradientSHAP draw sample s of seed q from its own stream
 * (`mixSeed(q, s)`), so with a fixed seed (the default) every map of one size draws the same
 * noise. Drawing it is single-threaded host work: about 150 ms per map for 50 samples at
 * 224x224x3, a sixth of a two-thread SmoothGrad map; a folder of images would redraw it for
 * every image. Kept up to {@link NOISE_CACHE_BYTES}; the least recently used streams go first.
 */

/** The most bytes of noise kept: 64 MiB, about 100 samples at 224x224x3. */
export const NOISE_CACHE_BYTES = 64 * 1024 * 1024;

/** Keyed by stream seed and size; Map order is recency (a hit moves to the end). */
const cache = new Map<string, Float32Array>();
let cachedBytes = 0;

/**
 * `size` standard normal values of stream `streamSeed` (see fillRandomNormal), from the cache when
 * drawn before. The array is shared with the cache: read it, never write to it.
 */
export function cachedNormalNoise(size: number, streamSeed: number): Float32Array {
  const key = `${streamSeed}:${size}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const values = new Float32Array(size);
  fillRandomNormal(values, 0, size, streamSeed);
  if (values.byteLength <= NOISE_CACHE_BYTES) {
    for (const [oldest, old] of cache) {
      if (cachedBytes + values.byteLength <= NOISE_CACHE_BYTES) break;
      cache.delete(oldest);
      cachedBytes -= old.byteLength;
    }
    cache.set(key, values);
    cachedBytes += values.byteLength;
  }
  return values;
}

/** Bytes of noise kept now. */
export function noiseCacheBytes(): number {
  return cachedBytes;
}

/** Drops every kept noise image (the memory is freed when nothing else holds it). */
export function clearNoiseCache(): void {
  cache.clear();
  cachedBytes = 0;
}
