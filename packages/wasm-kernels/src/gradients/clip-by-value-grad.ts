import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-core 4.22's ClipByValue gradient (ReLU6 in tfjs-layers is a clip to
 * [0, 6]) builds its pass-through mask with three elementwise ops:
 * x >= min, x <= max and their logical and. The mask is exactly
 * `clip(x) == x` (true inside [min, max], false outside and for NaN), one op
 * on the forward output, which this config saves.
 */
export function clipByValueGradConfig(): tf.GradConfig {
  return {
    kernelName: 'ClipByValue',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [x, y] = saved as [tf.Tensor, tf.Tensor];
      return { x: () => tf.where(tf.equal(y, x), dy as tf.Tensor, tf.zerosLike(dy as tf.Tensor)) };
    },
  };
}
