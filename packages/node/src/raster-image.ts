/**
 * A decoded image in memory: row-major (H, W, C) pixels on the 0..255 scale
 * whatever the file's bit depth (16-bit values are divided by 257, so no
 * precision is lost), 1 channel (grayscale) or 3 (RGB).
 */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** width * height * channels values in [0, 255]. */
  readonly data: Float32Array;
  /** Bits per channel in the source: 8 or 16 (tensors count as 8). */
  readonly bitDepth: 8 | 16;
}
