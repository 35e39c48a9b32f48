import * as tf from '@tensorflow/tfjs';

/**
 * Per-example functions of a batch (N, 9, 8, 4) whose gradient kernels tfxai's methods reach
 * through the models they explain: each row of the output depends on the same row of the input
 * only, so the input gradient of a batch must equal each example's own gradient.
 */
export interface BatchCase {
  name: string;
  f: (x: tf.Tensor4D) => tf.Tensor;
}

export const BATCH_SHAPE: [number, number, number, number] = [3, 9, 8, 4];

function constant(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

const cases: BatchCase[] = [];
for (const [stride, dilation] of [[1, 1], [2, 1], [1, 2]] as const) {
  for (const pad of ['same', 'valid'] as const) {
    const at = `stride ${stride}, dilation ${dilation}, ${pad}`;
    cases.push({ name: `conv2d ${at}`, f: (x) => tf.conv2d(x, constant([3, 3, 4, 5], 1) as tf.Tensor4D, stride, pad, 'NHWC', dilation) });
    cases.push({ name: `depthwise conv2d ${at}`, f: (x) => tf.depthwiseConv2d(x, constant([3, 3, 4, 2], 2) as tf.Tensor4D, stride, pad, 'NHWC', dilation) });
    cases.push({
      name: `fused conv2d + bias + relu ${at}`,
      f: (x) => tf.fused.conv2d({ x, filter: constant([3, 3, 4, 5], 3) as tf.Tensor4D, strides: stride, pad, dilations: dilation, bias: constant([5], 4), activation: 'relu' }),
    });
    cases.push({
      name: `fused depthwise conv2d + bias ${at}`,
      f: (x) => tf.fused.depthwiseConv2d({ x, filter: constant([3, 3, 4, 1], 5) as tf.Tensor4D, strides: stride, pad, dilations: dilation, bias: constant([4], 6) }),
    });
    cases.push({ name: `separable conv2d ${at}`, f: (x) => tf.separableConv2d(x, constant([3, 3, 4, 2], 7) as tf.Tensor4D, constant([1, 1, 8, 3], 8) as tf.Tensor4D, stride, pad, dilation) });
  }
}
for (const pad of ['same', 'valid'] as const) {
  for (const [size, stride] of [[2, 2], [3, 1], [3, 2]] as const) {
    cases.push({ name: `max pool ${size}x${size} stride ${stride} ${pad}`, f: (x) => tf.maxPool(x, size, stride, pad) });
    cases.push({ name: `average pool ${size}x${size} stride ${stride} ${pad}`, f: (x) => tf.avgPool(x, size, stride, pad) });
  }
}
cases.push(
  { name: 'conv2d transpose stride 2', f: (x) => tf.conv2dTranspose(x, constant([3, 3, 2, 4], 9) as tf.Tensor4D, [x.shape[0], 18, 16, 2], 2, 'same') },
  { name: 'batch norm', f: (x) => tf.batchNorm(x, constant([4], 10), tf.add(constant([4], 11), 1.5), constant([4], 12), constant([4], 13), 1e-3) },
  { name: 'batch norm without scale', f: (x) => tf.batchNorm(x, constant([4], 10), tf.add(constant([4], 11), 1.5), constant([4], 12), undefined, 1e-3) },
  { name: 'batch norm without scale or offset', f: (x) => tf.batchNorm(x, constant([4], 10), tf.add(constant([4], 11), 1.5), undefined, undefined, 1e-3) },
  { name: 'resize nearest x2 (UpSampling2D)', f: (x) => tf.image.resizeNearestNeighbor(x, [18, 16]) },
  { name: 'resize nearest to 13x5', f: (x) => tf.image.resizeNearestNeighbor(x, [13, 5]) },
  { name: 'resize nearest to 13x11, align corners', f: (x) => tf.image.resizeNearestNeighbor(x, [13, 11], true) },
  { name: 'resize nearest to 5x12, half-pixel centers', f: (x) => tf.image.resizeNearestNeighbor(x, [5, 12], false, true) },
  { name: 'resize bilinear x2', f: (x) => tf.image.resizeBilinear(x, [18, 16]) },
  { name: 'resize bilinear to 13x5, align corners', f: (x) => tf.image.resizeBilinear(x, [13, 5], true) },
  { name: 'resize bilinear to 5x12, half-pixel centers', f: (x) => tf.image.resizeBilinear(x, [5, 12], false, true) },
  { name: 'concat with its relu (channels)', f: (x) => tf.concat([x, tf.relu(x)], 3) },
  { name: 'add (residual)', f: (x) => tf.add(x, tf.sin(x)) },
  { name: 'add broadcast bias', f: (x) => tf.add(x, constant([4], 14)) },
  { name: 'mul (gating, squeeze-excite)', f: (x) => tf.mul(x, tf.sigmoid(tf.mean(x, [1, 2], true))) },
  { name: 'relu', f: (x) => tf.relu(x) },
  { name: 'relu6', f: (x) => tf.relu6(tf.mul(x, 8)) },
  { name: 'clip by value [0, 6]', f: (x) => tf.clipByValue(tf.mul(x, 8), 0, 6) },
  { name: 'leaky relu', f: (x) => tf.leakyRelu(x, 0.2) },
  { name: 'elu', f: (x) => tf.elu(x) },
  { name: 'tanh', f: (x) => tf.tanh(x) },
  { name: 'global average pool (mean)', f: (x) => tf.mean(x, [1, 2]) },
  { name: 'global max pool (max)', f: (x) => tf.max(x, [1, 2]) },
  { name: 'zero padding', f: (x) => tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]]) },
  { name: 'cropping (slice)', f: (x) => tf.slice(x, [0, 1, 2, 0], [-1, 6, 5, -1]) },
  { name: 'dense + softmax', f: (x) => tf.softmax(tf.matMul(tf.reshape(x, [x.shape[0], -1]), constant([9 * 8 * 4, 6], 15) as tf.Tensor2D)) },
  { name: 'dense (fused matMul + bias + relu)', f: (x) => tf.fused.matMul({ a: tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D, b: constant([9 * 8 * 4, 6], 16) as tf.Tensor2D, bias: constant([6], 17), activation: 'relu' }) },
  { name: 'log softmax', f: (x) => tf.logSoftmax(tf.reshape(x, [x.shape[0], -1])) },
);

export const BATCH_CASES: readonly BatchCase[] = cases;
