import type * as tf from '@tensorflow/tfjs';

/** What a tfxai kernel does about the backend's own kernel of the same name. */
export type KernelRole =
  /** Registered only when the backend has no kernel of that name. */
  | 'fills-gap'
  /** Replaces the backend's kernel: measured faster on the bench models and exact against cpu. */
  | 'replaces-stock';

/** One kernel tfxai registers for the wasm backend. */
export interface TfxaiKernel {
  kernelName: string;
  role: KernelRole;
  /** How it computes, in one line (shown by {@link tfxaiKernelStatus} and in docs/performance.md). */
  formulation: string;
  /**
   * The kernel. `stock` is the backend's own kernel of the same name, when
   * there was one: cases a tfxai kernel does not cover are handed to it.
   */
  kernelFunc(args: Parameters<tf.KernelFunc>[0], stock: tf.KernelFunc | undefined): tf.TensorInfo | tf.TensorInfo[];
}

/**
 * tfxai's convolution formulations are NHWC: an NCHW call goes to the
 * backend's own kernel, or is an error naming the kernel when there is none.
 */
export function nchwToStock(kernelName: string, stock: tf.KernelFunc | undefined, args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | tf.TensorInfo[] {
  if (!stock) throw new Error(`tfxai ${kernelName} on wasm supports dataFormat 'NHWC' only`);
  return stock(args);
}
