import { InvalidInputError, InvalidOptionError } from '@tfxai/core';
import { colormapLut, type ColormapName } from './colormaps.js';
import type { RasterImage } from './raster-image.js';

/** Options of {@link overlayHeatmap}. */
export interface OverlayOptions {
  /** Weight of the coloured map, in [0, 1]. Default: 0.25 (AUCMEDI's). */
  alpha?: number;
  /** Colormap of the heatmap. Default: 'jet' (AUCMEDI's). */
  colormap?: ColormapName;
}

/**
 * AUCMEDI's `visualize_heatmap`, value for value:
 * `uint8(alpha * 255 * cmap(uint8(255 * map)) + (1 - alpha) * image)`,
 * with the map level truncated to an integer as NumPy's `uint8` cast does,
 * the blend in float64 and the result truncated to 8 bits. A grayscale
 * image is repeated to RGB first.
 * @param map width * height values in [0, 1] (values outside are clamped), at the image's size
 * @returns RGB pixels, row-major (H, W, 3)
 */
export function overlayHeatmap(image: RasterImage, map: Float32Array, options: OverlayOptions = {}): Uint8Array {
  const alpha = options.alpha ?? 0.25;
  if (!(typeof alpha === 'number' && alpha >= 0 && alpha <= 1)) {
    throw new InvalidOptionError('alpha', `got ${String(alpha)}; allowed: a number from 0 (image only) to 1 (heatmap only)`);
  }
  const lut = colormapLut(options.colormap ?? 'jet');
  const pixels = image.width * image.height;
  if (map.length !== pixels) {
    throw new InvalidInputError(`the map has ${map.length} values but the image is ${image.height}x${image.width} (${pixels} pixels)`);
  }
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    // np.uint8(heatmap * 255) on a float32 map: the product in float32, then truncation.
    const scaled = Math.fround(map[p]! * 255);
    const level = Number.isNaN(scaled) ? 0 : Math.min(255, Math.max(0, Math.trunc(scaled)));
    for (let c = 0; c < 3; c++) {
      const source = image.data[image.channels === 1 ? p : 3 * p + c]!;
      const blended = lut[3 * level + c]! * 255 * alpha + (1 - alpha) * source;
      out[3 * p + c] = Math.min(255, Math.max(0, Math.trunc(blended)));
    }
  }
  return out;
}
