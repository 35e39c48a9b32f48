import * as tf from '@tensorflow/tfjs';

/** The fields of tfjs-layers' BatchNormalization that the 5-D path reads (its class is not exported by name). */
interface StockBatchNormalization extends tf.layers.Layer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma?: tf.LayerVariable;
  beta?: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}
type StockBatchNormalizationClass = new (args?: object) => StockBatchNormalization;

// The stock class, taken from an instance: tfjs-layers exports only the factory.
const StockBatchNormalization = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as StockBatchNormalizationClass;

/**
 * tfjs-layers' BatchNormalization, extended to 5-D inputs (Conv3D feature
 * maps), where stock 4.22 throws "not implemented for array of rank 5". Inputs
 * of rank 2 to 4 go to the stock code unchanged, so registering this class
 * under the stock name changes nothing that worked before. On 5-D inputs it is
 * Keras's formula, `gamma * (x - mean) / sqrt(var + epsilon) + beta`, written
 * with elementary ops (whose gradients exist on every backend), with a missing
 * `gamma` (`scale: false`) or `beta` (`center: false`) left out.
 */
export class BatchNormalization5D extends StockBatchNormalization {
  static className = 'BatchNormalization';

  /** Keras 2 may write `axis: [-1]` into a converted model; stock tfjs-layers only takes a number. */
  constructor(args: { axis?: number | number[]; [key: string]: unknown } = {}) {
    const axis = Array.isArray(args.axis) && args.axis.length === 1 ? args.axis[0] : args.axis;
    super(axis === undefined ? args : { ...args, axis });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (input.rank !== 5) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const axis = this.axis >= 0 ? this.axis : this.axis + 5;
      const broadcast = [1, 1, 1, 1, 1];
      broadcast[axis] = input.shape[axis]!;
      const reductionAxes = [0, 1, 2, 3, 4].filter((a) => a !== axis);
      const training = kwargs['training'] === true;
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (training) {
        ({ mean, variance } = tf.moments(input, reductionAxes));
        this.updateMovingAverage(this.movingMean, mean);
        this.updateMovingAverage(this.movingVariance, variance);
      } else {
        mean = this.movingMean.read();
        variance = this.movingVariance.read();
      }
      let y = tf.mul(tf.sub(input, mean.reshape(broadcast)), tf.rsqrt(tf.add(variance, this.epsilon)).reshape(broadcast));
      if (this.scale && this.gamma) y = tf.mul(y, this.gamma.read().reshape(broadcast));
      if (this.center && this.beta) y = tf.add(y, this.beta.read().reshape(broadcast));
      return y;
    });
  }

  /** Keras's moving average: `variable -= (variable - value) * (1 - momentum)`. */
  private updateMovingAverage(variable: tf.LayerVariable, value: tf.Tensor): void {
    tf.tidy(() => {
      const current = variable.read();
      variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - this.momentum)));
    });
  }
}
