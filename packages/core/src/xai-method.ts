import type * as tf from '@tensorflow/tfjs';
import type { Heatmap, ImageBatch } from './image-batch.js';

/** What {@link XaiMethod.attribute} returns; the caller owns (and disposes) `attributions`. */
export interface AttributionResult<A extends ImageBatch = ImageBatch> {
  /** Raw signed attributions, batched like the input: (N, H, W, C) for images, (N, D, H, W, C) for volumes (C may be 1 for methods that reduce channels). */
  attributions: A;
  /**
   * Per example, for methods with a completeness property (Integrated Gradients):
   * `sum(attributions) - (F(x)[t] - F(baseline)[t])`, signed. Undefined elsewhere.
   */
  convergenceDelta?: number[];
}

/** Injection token and contract of every XAI method (AUCMEDI's `XAImethod_Base`). */
export const XaiMethod = Symbol('XaiMethod');
/**
 * What a method implements. A plugin that only explains images returns a
 * `tf.Tensor2D` and conforms; callers get the rank-precise {@link Explainer} view.
 */
export interface XaiMethod {
  /** The canonical registry name of the method, e.g. `'integrated-gradients'`. */
  readonly name: string;
  /**
   * AUCMEDI's contract: one heatmap for one image (or volume) and class.
   * @param image an image (1, H, W, C) or (H, W, C); a volume (1, D, H, W, C) or (D, H, W, C)
   * @param classIndex the class to explain, 0 to classes - 1
   * @param eps min-max normalisation epsilon, `(h - min) / (max - min + eps)` (default 1e-8)
   * @returns a map with values in [0, 1], (H, W) for an image, (D, H, W) for a volume; the caller owns (and disposes) it
   */
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  /**
   * Raw attributions for a batch, for methods that have them.
   * @param images (N, H, W, C) or (H, W, C); volumes (N, D, H, W, C) or (D, H, W, C)
   * @param targets one class for all examples, or one per example
   */
  attribute?(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult>;
}

/**
 * A method as callers see it: {@link XaiMethod} with result types that follow
 * the input's rank. A `tf.Tensor4D` is read as a batch of one image; type a
 * single volume as (1, D, H, W, C) (`tf.Tensor5D`) to get a `tf.Tensor3D` map.
 */
export interface Explainer extends XaiMethod {
  computeHeatmap(image: tf.Tensor3D | tf.Tensor4D, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  computeHeatmap(image: tf.Tensor5D, classIndex: number, eps?: number): Promise<tf.Tensor3D>;
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<Heatmap>;
  attribute?: AttributeOverloads;
}

/** `attribute` with result types that follow the input's rank. */
export interface AttributeOverloads {
  (images: tf.Tensor3D | tf.Tensor4D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor4D>>;
  (images: tf.Tensor5D, targets: number | readonly number[]): Promise<AttributionResult<tf.Tensor5D>>;
  (images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult>;
}

/** Options every method accepts; methods extend it with their own. */
export interface MethodOptions {
  /** The layer to explain, for methods that work on a layer (Grad-CAM family). Default: found automatically. */
  layerName?: string;
}
