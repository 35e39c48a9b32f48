import * as tf from '@tensorflow/tfjs';
import type { CamMaps } from './cam-maps.js';
import { CamMethod } from './cam-method.js';
import type { CamOptions } from './cam-options.js';
import { spatialAxes, type ImagesOrVolumes } from './layer-activations.js';

/** Options of Grad-CAM: the common CAM options (layerName, output, resolution, relu). */
export type GradCamOptions = CamOptions;

/**
 * Grad-CAM (Selvaraju et al. 2017): channel weights `a_k = mean_ij d y_c / d A^k_ij`
 * (global-average-pooled gradients of the explained score at the target layer), map
 * `ReLU(sum_k a_k A^k)`. On volumes the mean runs over (d, h, w) of a 5-D layer. With `relu: false` it reproduces AUCMEDI's `GradCAM` exactly.
 * Cost: one forward and one backward pass per batch (plus one shape-finding forward
 * pass the first time an input shape is seen).
 */
export class GradCam extends CamMethod {
  readonly name = 'gradcam';

  protected async weightedMaps(batch: ImagesOrVolumes, targets: number[], numClasses: number): Promise<CamMaps> {
    const { activations, gradients } = this.layer.activationsAndGradients(batch, targets, numClasses);
    try {
      return tf.tidy(() => tf.sum(tf.mul(tf.mean(gradients, spatialAxes(gradients), true), activations), -1) as CamMaps);
    } finally {
      tf.dispose([activations, gradients]);
    }
  }
}
