import * as tf from '@tensorflow/tfjs';
import { checkDataFormat, checkPairs, spatialAxes, type DataFormat3d } from './data-format.js';

/** Configuration of {@link ZeroPadding3D}, as Keras names it. */
export interface ZeroPadding3DArgs {
  /** Keras's other layer arguments (name, inputShape, trainable, dtype, ...). */
  [key: string]: unknown;
  /** `n`, `[d, h, w]` (both sides) or `[[d0, d1], [h0, h1], [w0, w1]]`. Default: 1. */
  padding?: number | [number, number, number] | [[number, number], [number, number], [number, number]];
  /** Where the channel axis is. Default: `'channelsLast'`. */
  dataFormat?: DataFormat3d;
}

/** Keras's `ZeroPadding3D`: zeros added before and after depth, height and width. */
export class ZeroPadding3D extends tf.layers.Layer {
  static className = 'ZeroPadding3D';
  readonly padding: [[number, number], [number, number], [number, number]];
  readonly dataFormat: DataFormat3d;

  constructor(args: ZeroPadding3DArgs = {}) {
    super(args as object);
    this.padding = checkPairs('ZeroPadding3D', 'padding', args.padding ?? 1);
    this.dataFormat = checkDataFormat('ZeroPadding3D', args.dataFormat);
    this.inputSpec = [{ ndim: 5 }];
  }

  /** The paddings of all five axes, as tf.pad takes them. */
  private paddings(): Array<[number, number]> {
    const pads: Array<[number, number]> = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]];
    spatialAxes(this.dataFormat).forEach((axis, i) => (pads[axis] = this.padding[i]!));
    return pads;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const pads = this.paddings();
    return shape.map((size, axis) => (size == null ? size : size + pads[axis]![0] + pads[axis]![1]));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.pad(Array.isArray(inputs) ? inputs[0]! : inputs, this.paddings()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding, dataFormat: this.dataFormat };
  }
}
