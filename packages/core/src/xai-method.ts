import type * as tf from '@tensorflow/tfjs';

/** What {@link XaiMethod.attribute} returns; the caller owns (and disposes) `attributions`. */
export interface AttributionResult {
  /** Raw signed attributions, (N, H, W, C) like the input. */
  attributions: tf.Tensor4D;
  /**
   * Per example, for methods with a completeness property (Integrated Gradients):
   * `sum(attributions) - (F(x)[t] - F(baseline)[t])`, signed. Undefined elsewhere.
   */
  convergenceDelta?: number[];
}

/** Injection token and contract of every XAI method (AUCMEDI's `XAImethod_Base`). */
export const XaiMethod = Symbol('XaiMethod');
export interface XaiMethod {
  /** The canonical registry name of the method, e.g. `'integrated-gradients'`. */
  readonly name: string;
  /**
   * AUCMEDI's contract: one heatmap for one image and class.
   * @param image (1, H, W, C), or (H, W, C)
   * @param classIndex the class to explain, 0 to classes - 1
   * @param eps min-max normalisation epsilon, `(h - min) / (max - min + eps)` (default 1e-8)
   * @returns a 2-D map with values in [0, 1]; the caller owns (and disposes) it
   */
  computeHeatmap(image: tf.Tensor, classIndex: number, eps?: number): Promise<tf.Tensor2D>;
  /**
   * Raw attributions for a batch, for methods that have them.
   * @param images (N, H, W, C), or (H, W, C)
   * @param targets one class for all examples, or one per example
   */
  attribute?(images: tf.Tensor, targets: number | readonly number[]): Promise<AttributionResult>;
}

/** Options every method accepts; methods extend it with their own. */
export interface MethodOptions {
  /** The layer to explain, for methods that work on a layer (Grad-CAM family). Default: found automatically. */
  layerName?: string;
}
