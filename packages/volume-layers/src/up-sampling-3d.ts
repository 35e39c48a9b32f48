import * as tf from '@tensorflow/tfjs';
import { checkDataFormat, checkTriple, spatialAxes, type DataFormat3d } from './data-format.js';

/** Configuration of {@link UpSampling3D}, as Keras names it. */
export interface UpSampling3DArgs {
  /** Keras's other layer arguments (name, inputShape, trainable, dtype, ...). */
  [key: string]: unknown;
  /** Repeats along depth, height and width: one number for all or `[d, h, w]`. Default: `[2, 2, 2]`. */
  size?: number | [number, number, number];
  /** Where the channel axis is. Default: `'channelsLast'`. */
  dataFormat?: DataFormat3d;
}

/**
 * Repeats every element `times` times along `axis`, by a broadcast over a new
 * axis right after it (no gather, whose gradient the wasm backend lacks), with
 * every intermediate tensor at rank 5 or less so every backend runs it.
 */
function repeatAlong(x: tf.Tensor, axis: number, times: number): tf.Tensor {
  if (times === 1) return x;
  const shape = x.shape;
  const before = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const after = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const widened = tf.broadcastTo(x.reshape([before, shape[axis]!, 1, after]), [before, shape[axis]!, times, after]);
  const out = [...shape];
  out[axis] = shape[axis]! * times;
  return widened.reshape(out);
}

/** Keras's `UpSampling3D`: nearest-neighbour upsampling, each voxel repeated `size` times per axis. */
export class UpSampling3D extends tf.layers.Layer {
  static className = 'UpSampling3D';
  readonly size: [number, number, number];
  readonly dataFormat: DataFormat3d;

  constructor(args: UpSampling3DArgs = {}) {
    super(args as object);
    this.size = checkTriple('UpSampling3D', 'size', args.size ?? 2, 1);
    this.dataFormat = checkDataFormat('UpSampling3D', args.dataFormat);
    this.inputSpec = [{ ndim: 5 }];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = [...((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape)];
    spatialAxes(this.dataFormat).forEach((axis, i) => {
      if (shape[axis] != null) shape[axis] = shape[axis]! * this.size[i]!;
    });
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0]! : inputs;
      spatialAxes(this.dataFormat).forEach((axis, i) => {
        x = repeatAlong(x, axis, this.size[i]!);
      });
      return x;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, dataFormat: this.dataFormat };
  }
}
