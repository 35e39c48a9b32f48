import * as tf from '@tensorflow/tfjs';

/** The slice of a TensorFlow.js backend a composite kernel touches: reference counts of tensor data. */
interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

/**
 * Runs `compute` on the kernel's inputs with ordinary tfjs ops (each of which
 * runs the active backend's own forward kernel) and hands the result back to
 * the engine as the kernel's output.
 *
 * Why the reference counting: the inputs arrive as bare TensorInfos owned by
 * the caller, so each is wrapped in a Tensor that holds one extra reference
 * (released when the wrapper is disposed); the result keeps one extra
 * reference when its Tensor is disposed, and the engine adopts that reference
 * for the output tensor it creates from the returned TensorInfo. Net effect:
 * the intermediates are freed, the inputs untouched, one new output.
 */
export function runComposite(
  backend: unknown,
  inputs: readonly tf.TensorInfo[],
  compute: (...tensors: tf.Tensor[]) => tf.Tensor,
): tf.TensorInfo {
  const engine = tf.engine();
  const counting = backend as unknown as RefCountingBackend;
  const result = tf.tidy(() => {
    const wrapped = inputs.map((info) => {
      counting.incRef(info.dataId);
      return engine.makeTensorFromTensorInfo(info, backend as tf.KernelBackend);
    });
    return compute(...wrapped);
  });
  counting.incRef(result.dataId);
  const output: tf.TensorInfo = { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
  result.dispose();
  return output;
}
