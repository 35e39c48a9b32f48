import type * as tf from '@tensorflow/tfjs';

/**
 * tfjs-backend-cpu 4.22's ResizeBilinearGrad lays its values out as [batch, height, width, depth]
 * but labels the result [batch, WIDTH, HEIGHT, depth], so the gradient of any non-square resize
 * throws ("must have the same shape as the input"). This runs the stock kernel and gives its
 * values their true shape; square inputs are unchanged.
 */
export function resizeBilinearGradShapeFix(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const out = stock(args) as tf.TensorInfo;
    const { images } = args.inputs as { images: tf.TensorInfo };
    return { dataId: out.dataId, shape: [...images.shape], dtype: out.dtype };
  };
}
