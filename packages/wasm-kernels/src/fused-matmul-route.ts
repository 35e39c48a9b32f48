import * as tf from '@tensorflow/tfjs';
import { FUSED_GRADIENT_ACTIVATIONS } from './gradients/fused-conv-grad.js';

type FusedMatMulArgs = Parameters<typeof tf.fused.matMul>[0];
type FusedOps = { matMul: typeof tf.fused.matMul };

let original: typeof tf.fused.matMul | undefined;

/** The tensors of a call the route takes, with tfjs's geometry of it (see fused/mat_mul.ts). */
interface RoutedCall {
  a: tf.Tensor;
  b: tf.Tensor;
  bias: tf.Tensor | undefined;
  transposeA: boolean;
  transposeB: boolean;
  activation: 'linear' | 'relu';
  leakyreluAlpha: number;
  a3D: [number, number, number];
  b3D: [number, number, number];
  outShape: number[];
}

const isFloat = (t: unknown): t is tf.Tensor => t instanceof tf.Tensor && t.dtype === 'float32';
const sameShape = (p: number[], q: number[]) => p.length === q.length && p.every((d, i) => d === q[i]);

/**
 * The call as tfjs's fused op would run it, or undefined when the route leaves it to tfjs: not
 * recording a gradient; an activation other than linear/relu, prelu weights; anything but float32
 * tensors of rank >= 2 with the same batch dimensions and matching inner sizes (tfjs's op reports
 * the errors); a bias other than one value per output column (the kernel gradient derives the
 * bias shape from the output, and the wasm kernel takes rank-1 biases only); relu with a bias
 * and a transpose or a batch dimension > 1.
 */
function routedCall(args: FusedMatMulArgs): RoutedCall | undefined {
  const { a, b, bias, transposeA = false, transposeB = false, activation = 'linear', leakyreluAlpha = 0.2 } = args;
  if (tf.engine().state.gradientDepth === 0 || !FUSED_GRADIENT_ACTIVATIONS.includes(activation) || args.preluActivationWeights != null) return undefined;
  if (!isFloat(a) || !isFloat(b) || a.rank < 2 || b.rank < 2 || !sameShape(a.shape.slice(0, -2), b.shape.slice(0, -2))) return undefined;
  const inner = transposeA ? a.shape[a.rank - 2]! : a.shape[a.rank - 1]!;
  const outerA = transposeA ? a.shape[a.rank - 1]! : a.shape[a.rank - 2]!;
  const outerB = transposeB ? b.shape[b.rank - 2]! : b.shape[b.rank - 1]!;
  if ((transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]) !== inner) return undefined;
  if (bias != null && !(isFloat(bias) && bias.rank === 1 && bias.shape[0] === outerB)) return undefined;
  const batch = a.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  // The wasm kernel adds the bias to the wrong entries unless batch is 1 and nothing is transposed
  // (tfjs 4.22; Dense layers are that case). tfjs's own linear op runs it anyway (so does the route:
  // same numbers); its relu op, while recording, runs the unfused ops, which are right: keep it so.
  if (activation === 'relu' && bias != null && (batch !== 1 || transposeA || transposeB)) return undefined;
  return {
    a,
    b,
    bias: bias ?? undefined,
    transposeA,
    transposeB,
    activation: activation as 'linear' | 'relu',
    leakyreluAlpha,
    a3D: transposeA ? [batch, inner, outerA] : [batch, outerA, inner],
    b3D: transposeB ? [batch, outerB, inner] : [batch, inner, outerB],
    outShape: [...a.shape.slice(0, -2), outerA, outerB],
  };
}

/**
 * The `_FusedMatMul` kernel with exactly the inputs and attributes tfjs's op passes it (the same
 * kernel, so the same numbers), recorded on the tape under its own name: the gradient tfxai
 * registers for it (gradients/fused-matmul-grad.ts) then applies.
 */
function runFusedKernel(call: RoutedCall): tf.Tensor {
  const inputs: tf.NamedTensorMap = { a: tf.reshape(call.a, call.a3D), b: tf.reshape(call.b, call.b3D) };
  if (call.bias) inputs['bias'] = call.bias;
  const attrs = { transposeA: call.transposeA, transposeB: call.transposeB, activation: call.activation, leakyreluAlpha: call.leakyreluAlpha };
  const result = tf.engine().runKernel('_FusedMatMul', inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  return tf.reshape(result, call.outShape);
}

/**
 * Installs the route for tf.fused.matMul (every tfjs-layers Dense layer, through K.dot) by
 * replacing that entry of the tf.fused object. While a gradient is being recorded, calls with a
 * linear or relu activation run the `_FusedMatMul` KERNEL directly (see {@link routedCall} for
 * which calls), so each input's gradient is computed only when asked for. tfjs's op instead wraps
 * a linear call in a closure gradient that computes the gradients of a, b and the bias eagerly
 * (for an input gradient through a Dense layer: a needless weight-gradient matmul, [batch, in]^T x
 * [batch, units]) and copies its saved tensors; with relu it runs matMul + add + relu unfused.
 * Outside gradient recording, and in every other case, tfjs's own op runs unchanged.
 *
 * registration.ts applies it only inside tfxai's own gradient passes (a scoped patch of
 * @tfxai/core's withTfxaiKernels, undone by {@link restoreFusedMatMul} as the pass ends).
 * @returns false when tf.fused cannot be patched (an ES-module build whose namespace is frozen)
 */
export function routeFusedMatMulGradients(): boolean {
  restoreFusedMatMul();
  const fused = tf.fused as unknown as FusedOps;
  const saved = fused.matMul;
  const matMul = ((args: FusedMatMulArgs) => {
    const call = routedCall(args);
    return call ? runFusedKernel(call) : saved(args);
  }) as typeof tf.fused.matMul;
  try {
    fused.matMul = matMul;
  } catch {
    return false;
  }
  if (fused.matMul !== matMul) return false;
  original = saved;
  return true;
}

/** Puts tfjs's own tf.fused.matMul back. */
export function restoreFusedMatMul(): void {
  if (!original) return;
  (tf.fused as unknown as FusedOps).matMul = original;
  original = undefined;
}
