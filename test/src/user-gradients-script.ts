/**
 * Run as a child process by kernel-isolation.test.ts: the gradients a USER computes with
 * tf.grad / tf.variableGrads on their own models (input and every weight), on cpu and wasm,
 * printed as JSON (base64 of the float32 bytes, so equality is bit for bit). With
 * TFXAI_IMPORT=1 it imports tfxai first and runs tfxai methods on the same models between two
 * user passes; it also reports whether tf.fused, the gradient registry and tfjs-layers' Conv2D call
 * are the objects they were before the import. TFXAI_PATCH_FUSED=0 makes tfxai take the route an
 * ES-module bundle takes (tf.fused left alone, dilated Conv2D layers routed by their class's call).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mobileNetV2Like, squeezeExciteLike, uNetLike } from '@tfxai/test-utils';

const conv2dPrototype = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'probe' })) as { call: unknown };
const conv2dCallBefore = conv2dPrototype.call;
const conv2dHadOwnCall = Object.prototype.hasOwnProperty.call(conv2dPrototype, 'call');
const fusedBefore = { conv2d: tf.fused.conv2d, depthwiseConv2d: tf.fused.depthwiseConv2d, matMul: tf.fused.matMul };
const GRADIENTS = ['Conv2D', 'DepthwiseConv2dNative', 'FusedBatchNorm', 'ClipByValue', 'Relu', 'Relu6', 'FusedConv2D', 'FusedDepthwiseConv2D'];
const gradientsBefore = GRADIENTS.map((name) => tf.getGradient(name));
const KERNELS = ['Conv2DBackpropInput', 'MaxPoolGrad', 'ResizeNearestNeighborGrad', 'ResizeBilinearGrad', 'FusedBatchNorm'];
const kernelsNow = (backend: string) => KERNELS.map((name) => tf.getKernel(name, backend));
const kernelsBefore: Record<string, unknown[]> = { cpu: kernelsNow('cpu'), wasm: kernelsNow('wasm') };
const withTfxai = process.env['TFXAI_IMPORT'] === '1';
const tfxai = withTfxai ? await import('tfxai') : undefined;
if (tfxai && process.env['TFXAI_PATCH_FUSED'] === '0') tfxai.useTfxaiKernels('all', { patchFusedOps: false });

/**
 * Dilated Conv2D layers, linear and relu: tfjs refuses their gradients (its fused and conv2d
 * gradients assert dilation 1), so a user's tf.grad must keep failing with tfjs's own error
 * after importing tfxai, which computes them inside its own passes only.
 */
function dilatedModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [32, 32, 3] });
  let h = tf.layers.conv2d({ filters: 6, kernelSize: 3, dilationRate: 2, padding: 'same', kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 6, kernelSize: 3, dilationRate: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }).apply(h) as tf.SymbolicTensor;
  const scores = tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(3) }).apply(tf.layers.globalAveragePooling2d({}).apply(h)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: scores });
}

const bytes = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer).toString('base64');

/** Base64 of the results (joined), or the error stock tfjs throws (stock wasm lacks some gradient kernels). */
function attempt(compute: () => string[]): string {
  try {
    return tf.tidy(compute).join(',');
  } catch (error) {
    return `error: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** [the input gradient, the gradients of every trainable weight]. */
function userGradients(model: tf.LayersModel, x: tf.Tensor4D): string[] {
  const classWeights = tf.tensor1d([1, -2, 3, 0.5, -1]);
  const objective = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, classWeights)) as tf.Scalar;
  const input = attempt(() => [bytes(tf.grad(objective)(x))]);
  const weights = attempt(() => {
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => objective(x), variables);
    return variables.map((v) => bytes(grads[v.name]!));
  });
  classWeights.dispose();
  return [input, weights];
}

const results: Record<string, string[]> = {};
const sameKernels: Record<string, boolean> = {};
for (const backend of ['cpu', 'wasm']) {
  await tf.setBackend(backend);
  for (const [name, build] of [['mobilenet-v2-like', mobileNetV2Like], ['u-net-like', uNetLike], ['squeeze-excite', squeezeExciteLike], ['dilated', dilatedModel]] as const) {
    const model = build({ inputSize: 32, seed: 3 });
    const x = tf.randomUniform([3, 32, 32, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    results[`${backend} ${name}`] = userGradients(model, x);
    if (tfxai) {
      // tfxai's own gradient passes in between: afterwards the user's gradients must not change.
      for (const method of ['saliency', 'guided-backprop', 'grad-cam']) {
        const explanation = await tfxai.decoder(method)(model).attribute!(tf.slice(x, 0, 1) as tf.Tensor4D, 1);
        tf.dispose(Object.values(explanation).filter((v) => v instanceof tf.Tensor) as tf.Tensor[]);
      }
      results[`${backend} ${name} after tfxai`] = userGradients(model, x);
    }
    tf.dispose(x);
    model.dispose();
  }
  sameKernels[backend] = kernelsNow(backend).every((k, i) => k === kernelsBefore[backend]![i]);
}
console.log(
  JSON.stringify({
    results,
    fusedUntouched: tf.fused.conv2d === fusedBefore.conv2d && tf.fused.depthwiseConv2d === fusedBefore.depthwiseConv2d && tf.fused.matMul === fusedBefore.matMul,
    gradientsUntouched: GRADIENTS.every((name, i) => tf.getGradient(name) === gradientsBefore[i]),
    conv2dCallUntouched: conv2dPrototype.call === conv2dCallBefore && Object.prototype.hasOwnProperty.call(conv2dPrototype, 'call') === conv2dHadOwnCall,
    layerRoute: tfxai?.tfxaiKernelStatus().dilatedConvLayerRoute ?? false,
    sameKernels,
  }),
);
