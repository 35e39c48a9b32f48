import type * as tf from '@tensorflow/tfjs';
import { MAX_IMAGE_PIXELS, inferLayerShapes, type ModelAdapter } from '@tfxai/core';
import { ImageSizeError } from './errors.js';

export { MAX_IMAGE_PIXELS };

/**
 * Checks one decoded image against a model without a fixed input size,
 * before any tensor is made: at most {@link MAX_IMAGE_PIXELS}, and (for a
 * layers model) large enough that no layer's output is empty.
 * @throws ImageSizeError
 */
export function checkFreeSizeImage(adapter: ModelAdapter, sample: string, height: number, width: number, channels: number): void {
  if (height * width > MAX_IMAGE_PIXELS) throw new ImageSizeError(sample, 'too-large', `${width}x${height} has ${height * width} pixels; at most ${MAX_IMAGE_PIXELS} (4096x4096) are explained for a model without a fixed input size`);
  if (adapter.kind !== 'layers') return;
  // Core's shape inference (the lifecycle refuses the same images later; here no tensor is made yet).
  const shapes = inferLayerShapes(adapter.model as tf.LayersModel, [height, width, channels], true);
  const empty = shapes?.find((s) => Array.isArray(s.shape) && (s.shape as unknown[]).some((d) => typeof d === 'number' && d <= 0));
  if (empty) {
    throw new ImageSizeError(
      sample,
      'too-small',
      `${width}x${height} is too small for the model: layer '${empty.layer}' would have an empty output [${(empty.shape as unknown[]).join(', ')}]; give larger images, or a fixed --input-size`,
    );
  }
}
