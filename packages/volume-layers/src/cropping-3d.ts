import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@tfxai/core';
import { checkDataFormat, checkPairs, spatialAxes, type DataFormat3d } from './data-format.js';

/** Configuration of {@link Cropping3D}, as Keras names it. */
export interface Cropping3DArgs {
  /** Keras's other layer arguments (name, inputShape, trainable, dtype, ...). */
  [key: string]: unknown;
  /** `n`, `[d, h, w]` (both sides) or `[[d0, d1], [h0, h1], [w0, w1]]`. Default: 1. */
  cropping?: number | [number, number, number] | [[number, number], [number, number], [number, number]];
  /** Where the channel axis is. Default: `'channelsLast'`. */
  dataFormat?: DataFormat3d;
}

/** Keras's `Cropping3D`: voxels removed before and after depth, height and width. */
export class Cropping3D extends tf.layers.Layer {
  static className = 'Cropping3D';
  readonly cropping: [[number, number], [number, number], [number, number]];
  readonly dataFormat: DataFormat3d;

  constructor(args: Cropping3DArgs = {}) {
    super(args as object);
    this.cropping = checkPairs('Cropping3D', 'cropping', args.cropping ?? 1);
    this.dataFormat = checkDataFormat('Cropping3D', args.dataFormat);
    this.inputSpec = [{ ndim: 5 }];
  }

  /** The kept length of `axis` of a tensor of `shape` (null when unknown). */
  private keptShape(shape: tf.Shape): tf.Shape {
    const out = [...shape];
    spatialAxes(this.dataFormat).forEach((axis, i) => {
      const size = shape[axis];
      if (size == null) return;
      const [before, after] = this.cropping[i]!;
      if (before + after >= size) {
        throw new InvalidInputError(`Cropping3D '${this.name}' removes ${before}+${after} voxels from an axis of length ${size}: nothing would be left`);
      }
      out[axis] = size - before - after;
    });
    return out;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return this.keptShape((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const begin = [0, 0, 0, 0, 0];
      spatialAxes(this.dataFormat).forEach((axis, i) => (begin[axis] = this.cropping[i]![0]));
      return tf.slice(x, begin, this.keptShape(x.shape) as number[]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cropping: this.cropping, dataFormat: this.dataFormat };
  }
}
