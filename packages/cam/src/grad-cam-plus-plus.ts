import * as tf from '@tensorflow/tfjs';
import type { CamMaps } from './cam-maps.js';
import { CamMethod } from './cam-method.js';
import type { CamOptions } from './cam-options.js';
import { spatialAxes, type ImagesOrVolumes } from './layer-activations.js';

/** Options of Grad-CAM++: the common CAM options (layerName, output, resolution, relu). */
export type GradCamPlusPlusOptions = CamOptions;

/**
 * Grad-CAM++ (Chattopadhay et al. 2018), the paper's closed form for an exponential
 * of the score (eq. 19), which needs only the first-order gradients g = d y_c / d A:
 * `alpha^k_ij = g_ij^2 / (2 g_ij^2 + (sum_ab A^k_ab) g_ij^3)` (0 where the denominator
 * is 0), channel weights `w_k = sum_ij alpha^k_ij ReLU(g^k_ij)`, map `ReLU(sum_k w_k A^k)`.
 * The constant factor exp(y_c) of the paper's dY/dA is left out (it scales every
 * map by the same positive number). On volumes the sums over (i, j) run over the
 * 5-D layer's (d, h, w). Cost: as Grad-CAM.
 */
export class GradCamPlusPlus extends CamMethod {
  readonly name = 'gradcam++';

  protected async weightedMaps(batch: ImagesOrVolumes, targets: number[], numClasses: number): Promise<CamMaps> {
    const { activations, gradients } = this.layer.activationsAndGradients(batch, targets, numClasses);
    try {
      return tf.tidy(() => {
        const g2 = tf.square(gradients);
        const g3 = tf.mul(g2, gradients);
        const axes = spatialAxes(activations);
        const spatialSum = tf.sum(activations, axes, true);
        const denominator = tf.add(tf.mul(g2, 2), tf.mul(spatialSum, g3));
        const defined = tf.notEqual(denominator, 0);
        const alpha = tf.where(defined, tf.div(g2, tf.where(defined, denominator, tf.onesLike(denominator))), tf.zerosLike(denominator));
        const weights = tf.sum(tf.mul(alpha, tf.relu(gradients)), axes, true);
        return tf.sum(tf.mul(weights, activations), -1) as CamMaps;
      });
    } finally {
      tf.dispose([activations, gradients]);
    }
  }
}
