import type * as tf from '@tensorflow/tfjs';

interface CpuBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/**
 * The gradient of nearest-neighbour resizing for the cpu backend, as a scatter: every upstream
 * value is added to the input pixel the forward kernel copied it from (the forward's own index
 * rule, alignCorners and halfPixelCenters included), example by example.
 *
 * Why: tfjs-backend-cpu 4.22's kernel reads dy at the IMAGES' batch offset
 * (`batchOffset + dyR * dyStrides[1]`), so for batch > 1 every example after the first gets
 * another example's upstream values (UpSampling2D models: batched maps wrong by the order of the
 * values themselves), it reads past dy when downsizing (NaN), and it ignores halfPixelCenters.
 * Sums run in the same order as the stock kernel's (dy row-major), so batch-1 results are the same.
 */
export function resizeNearestNeighborGradCpu(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { images, dy } = args.inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners, halfPixelCenters } = args.attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
  const backend = args.backend as unknown as CpuBackend;
  const [batch, inHeight, inWidth, depth] = images.shape as [number, number, number, number];
  const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
  const dyValues = backend.readSync(dy.dataId);
  const output = new Float32Array(batch * inHeight * inWidth * depth);
  const source = (outIndex: number, inSize: number, outSize: number) => {
    const ratio = (alignCorners && outSize > 1 ? inSize - 1 : inSize) / (alignCorners && outSize > 1 ? outSize - 1 : outSize);
    const fraction = halfPixelCenters ? ratio * (outIndex + 0.5) : ratio * outIndex;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
    return halfPixelCenters ? Math.max(0, nearest) : nearest;
  };
  const sourceRows = Array.from({ length: outHeight }, (_, r) => source(r, inHeight, outHeight));
  const sourceCols = Array.from({ length: outWidth }, (_, c) => source(c, inWidth, outWidth));
  let dyIndex = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outHeight; r++) {
      const rowOffset = (b * inHeight + sourceRows[r]!) * inWidth;
      for (let c = 0; c < outWidth; c++) {
        const pixelOffset = (rowOffset + sourceCols[c]!) * depth;
        for (let d = 0; d < depth; d++) output[pixelOffset + d] += dyValues[dyIndex++]!;
      }
    }
  }
  return backend.makeTensorInfo([batch, inHeight, inWidth, depth], 'float32', output);
}
