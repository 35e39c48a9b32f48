import * as tf from '@tensorflow/tfjs';
import { throughActivation } from './fused-conv-grad.js';

interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
}

/**
 * A gradient for the `_FusedMatMul` KERNEL (batched matmul + rank-1 bias + linear/relu in one
 * backend call), which tfjs-core does not register: its fused op wraps the kernel in a closure
 * gradient instead, one that computes the gradients of a, b and the bias even when only one is
 * wanted. With this config (and fused-matmul-route.ts running the kernel while a gradient is
 * recorded) each input's gradient is computed only when asked for, by the same ops in the same
 * order as tfjs's closure, so the numbers are the same bit for bit.
 *
 * Saves a and b (as the kernel got them: [batch, rows, cols]) and the output; the bias, a
 * rank-1 tensor with one entry per output column (the only bias the route passes), is not
 * saved: its shape is the output's last dimension.
 */
export function fusedMatMulGradConfig(): tf.GradConfig {
  return {
    kernelName: '_FusedMatMul',
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [a3D, b3D, y] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const { transposeA, transposeB, activation } = attrs as unknown as FusedMatMulAttrs;
      // relu: the gradient registered for Relu now (guided backpropagation's inside its pass).
      const dyActivation = throughActivation(dy as tf.Tensor, y, activation) as tf.Tensor3D;
      // tfjs's four cases (fused/mat_mul.ts), each derivative on its own.
      const aDerivative = () => {
        if (!transposeA && !transposeB) return tf.matMul(dyActivation, b3D, false, true);
        if (!transposeA && transposeB) return tf.matMul(dyActivation, b3D, false, false);
        if (transposeA && !transposeB) return tf.matMul(b3D, dyActivation, false, true);
        return tf.matMul(b3D, dyActivation, true, true);
      };
      const bDerivative = () => {
        if (!transposeA && !transposeB) return tf.matMul(a3D, dyActivation, true, false);
        if (!transposeA && transposeB) return tf.matMul(dyActivation, a3D, true, false);
        if (transposeA && !transposeB) return tf.matMul(a3D, dyActivation, false, false);
        return tf.matMul(dyActivation, a3D, true, true);
      };
      // tfjs's getFusedBiasGradient: sum over the broadcast axes, reshaped to the bias shape.
      const biasDerivative = () => {
        const biasShape = [y.shape[2]];
        const axes = tf.broadcast_util.getReductionAxes(biasShape, dyActivation.shape);
        return tf.reshape(axes.length > 0 ? tf.sum(dyActivation, axes) : dyActivation, biasShape);
      };
      return { a: aDerivative, b: bDerivative, bias: biasDerivative };
    },
  };
}
