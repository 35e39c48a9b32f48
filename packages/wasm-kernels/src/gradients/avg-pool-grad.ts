import * as tf from '@tensorflow/tfjs';

interface PoolAttrs {
  filterSize: number | number[];
  strides: number | number[];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * How many real (not padding) input elements each window of a padded pool
 * covers: a forward convolution of ones with a filter of ones, (1, ...out, 1).
 */
function windowCounts(inShape: readonly number[], attrs: PoolAttrs, rank: 4 | 5): tf.Tensor {
  const spatial = inShape.slice(1, -1);
  const ones = tf.ones([1, ...spatial, 1]);
  const size = typeof attrs.filterSize === 'number' ? spatial.map(() => attrs.filterSize as number) : attrs.filterSize;
  const kernel = tf.ones([...size, 1, 1]);
  return rank === 4
    ? tf.conv2d(ones as tf.Tensor4D, kernel as tf.Tensor4D, attrs.strides as number, attrs.pad, 'NHWC', 1, attrs.dimRoundingMode)
    : tf.conv3d(ones as tf.Tensor5D, kernel as tf.Tensor5D, attrs.strides as number, attrs.pad as 'same', 'NDHWC', 1);
}

/**
 * The gradient of average pooling with padding, exact on every backend.
 * The forward kernels divide each window's sum by the number of real input
 * elements it covers (TensorFlow's definition), but stock tfjs 4.22's
 * AvgPoolGrad and AvgPool3DGrad divide by the full window size on every
 * backend, so border gradients come out too small (measured: 0.25 instead of
 * 1 for a corner covered by one window). Scaling the upstream gradient by
 * fullWindow / realCount before the stock gradient kernel makes each window
 * pass dy / realCount, which is the derivative of the forward pass. Unpadded
 * pools (where both agree) go straight to the stock kernel.
 */
function avgPoolGradConfig(kernelName: 'AvgPool' | 'AvgPool3D', gradKernel: 'AvgPoolGrad' | 'AvgPool3DGrad', rank: 4 | 5): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const poolAttrs = attrs as unknown as PoolAttrs;
      return {
        x: () => tf.tidy(() => {
          const info = rank === 4
            ? tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], poolAttrs.filterSize as number, poolAttrs.strides as number, 1, poolAttrs.pad, poolAttrs.dimRoundingMode)
            : tf.backend_util.computePool3DInfo(x.shape as [number, number, number, number, number], poolAttrs.filterSize as number, poolAttrs.strides as number, 1, poolAttrs.pad, poolAttrs.dimRoundingMode);
          const padded = Object.values(info.padInfo).some((p) => p !== 0);
          let upstream = dy as tf.Tensor;
          if (padded) {
            const full = (rank === 4 ? info.filterHeight * info.filterWidth : (info as tf.backend_util.Conv3DInfo).filterDepth * info.filterHeight * info.filterWidth);
            upstream = tf.mul(dy as tf.Tensor, tf.div(full, windowCounts(x.shape, poolAttrs, rank)));
          }
          return tf.engine().runKernel(gradKernel, { dy: upstream, input: x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
        }),
      };
    },
  };
}

/** tf.avgPool's gradient, right at padded borders (see {@link avgPoolGradConfig}). */
export const avgPoolGradConfig2d = (): tf.GradConfig => avgPoolGradConfig('AvgPool', 'AvgPoolGrad', 4);
/** tf.avgPool3d's gradient, right at padded borders (see {@link avgPoolGradConfig}). */
export const avgPool3dGradConfig = (): tf.GradConfig => avgPoolGradConfig('AvgPool3D', 'AvgPool3DGrad', 5);
