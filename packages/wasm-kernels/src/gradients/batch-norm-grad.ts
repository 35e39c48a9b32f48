import * as tf from '@tensorflow/tfjs';

/**
 * The inputs a FusedBatchNorm gradient saves, skipping the ones the call did not pass.
 *
 * Why: tfjs-core 4.22's engine saves `inputsToSave.map(name => inputs[name])` and clones each.
 * A batch norm without a scale (tfjs-layers' BatchNormalization with `scale: false`, as Keras's
 * InceptionV3 and Xception have) has no 'scale' input, the clone of `undefined` throws
 * ("Cannot read properties of undefined"), and no gradient can be recorded through it. This
 * list maps only the names present, so `saved[3]` is simply undefined there: the gradient then
 * uses a scale of 1, which is what the forward pass did.
 */
class PresentInputs extends Array<string> {
  override map<U>(callback: (value: string, index: number, array: string[]) => U): U[] {
    const mapped: U[] = [];
    this.forEach((name, i, all) => {
      const value = callback(name, i, all);
      if (value !== undefined) mapped.push(value);
    });
    return mapped;
  }
}

/** x, mean, variance and (when passed) scale: the saved order tfjs-core's gradient expects. */
function batchNormInputsToSave(): string[] {
  const names = new PresentInputs();
  names.push('x', 'mean', 'variance', 'scale');
  return names;
}

/** tfjs-core's own FusedBatchNorm gradient (it treats a missing scale as 1), recordable without a scale. */
export function scaleOptionalBatchNormGradConfig(stock: tf.GradConfig): tf.GradConfig {
  return { kernelName: 'FusedBatchNorm', inputsToSave: batchNormInputsToSave(), gradFunc: stock.gradFunc };
}

/**
 * tfjs-core 4.22's FusedBatchNorm input gradient multiplies dy by
 * rsqrt(variance + eps) TILED to the full input shape: on wasm that Tile
 * alone took over half of a MobileNet-style backward pass. Broadcasting the
 * (C) vector scale * rsqrt(variance + eps) computes the same products
 * without the copy (one rounding fewer: within 1 ulp). The other gradients
 * (mean, variance, scale, offset) are tfjs's, unchanged. Recordable without a
 * scale (see {@link scaleOptionalBatchNormGradConfig}).
 */
export function batchNormGradConfig(stock: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'FusedBatchNorm',
    inputsToSave: batchNormInputsToSave(),
    gradFunc: (dy, saved, attrs) => {
      const stockGradients = stock.gradFunc(dy, saved, attrs);
      const [x, , variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      return {
        ...stockGradients,
        x: () => {
          const factor = tf.mul(tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon))), scale ?? tf.scalar(1));
          return tf.reshape(tf.mul(dy as tf.Tensor, factor), x.shape);
        },
      };
    },
  };
}

/**
 * Inside tfxai's passes, the backend's FusedBatchNorm kernel runs behind a wrapper that removes
 * absent optional inputs (scale, offset) from the call's input map before running it. The engine
 * hands the kernel, the saved-tensor lookup and the tape the same map, so the tape then records
 * only the inputs that exist (an `undefined` entry makes tfjs-core's backprop throw). Applied to
 * whatever backend is active when a tfxai pass starts.
 * @returns the undo
 */
export function dropAbsentBatchNormInputs(backendName: string): () => void {
  const stock = tf.getKernel('FusedBatchNorm', backendName);
  if (stock === undefined) return () => {};
  tf.unregisterKernel('FusedBatchNorm', backendName);
  tf.registerKernel({
    ...stock,
    kernelFunc: (args) => {
      const inputs = args.inputs as Record<string, unknown>;
      for (const name of ['scale', 'offset']) if (inputs[name] == null) delete inputs[name];
      return stock.kernelFunc(args);
    },
  });
  return () => {
    tf.unregisterKernel('FusedBatchNorm', backendName);
    tf.registerKernel(stock);
  };
}
