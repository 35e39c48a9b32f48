import * as tf from '@tensorflow/tfjs';
import { checkDataFormat, spatialAxes, type DataFormat3d } from './data-format.js';

/** Configuration of {@link GlobalAveragePooling3D} and {@link GlobalMaxPooling3D}, as Keras names it. */
export interface GlobalPooling3DArgs {
  /** Keras's other layer arguments (name, inputShape, trainable, dtype, ...). */
  [key: string]: unknown;
  /** Where the channel axis is. Default: `'channelsLast'`. */
  dataFormat?: DataFormat3d;
  /** Keep the three pooled axes with length 1. Default: false. */
  keepdims?: boolean;
}

/** What the average and max variants share: Keras's `GlobalPooling3D`. */
abstract class GlobalPooling3D extends tf.layers.Layer {
  readonly dataFormat: DataFormat3d;
  readonly keepdims: boolean;

  constructor(args: GlobalPooling3DArgs = {}) {
    super(args as object);
    this.dataFormat = checkDataFormat(this.getClassName(), args.dataFormat);
    this.keepdims = args.keepdims ?? false;
    this.inputSpec = [{ ndim: 5 }];
  }

  /** Reduces the spatial axes of the 5-D input. */
  protected abstract pool(x: tf.Tensor, axes: number[]): tf.Tensor;

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axes = spatialAxes(this.dataFormat);
    if (this.keepdims) return shape.map((size, axis) => (axes.includes(axis) ? 1 : size));
    return shape.filter((_, axis) => !axes.includes(axis));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return this.pool(x, spatialAxes(this.dataFormat));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}

/** Keras's `GlobalAveragePooling3D`: the mean over depth, height and width per channel. */
export class GlobalAveragePooling3D extends GlobalPooling3D {
  static className = 'GlobalAveragePooling3D';
  protected pool(x: tf.Tensor, axes: number[]): tf.Tensor {
    return tf.mean(x, axes, this.keepdims);
  }
}

/** Keras's `GlobalMaxPooling3D`: the maximum over depth, height and width per channel. */
export class GlobalMaxPooling3D extends GlobalPooling3D {
  static className = 'GlobalMaxPooling3D';
  protected pool(x: tf.Tensor, axes: number[]): tf.Tensor {
    return tf.max(x, axes, this.keepdims);
  }
}
