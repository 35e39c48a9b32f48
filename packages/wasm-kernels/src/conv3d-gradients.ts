import * as tf from '@tensorflow/tfjs';

/** The numbers of a 3-D convolution (NDHWC) that both gradients need: tfjs's own Conv3DInfo. */
export type Conv3DGeometry = tf.backend_util.Conv3DInfo;

/** The three spatial axes' numbers of `g`, in depth, height, width order. */
function axes(g: Conv3DGeometry) {
  const p = g.padInfo;
  return [
    { inSize: g.inDepth, outSize: g.outDepth, filter: g.filterDepth, effective: g.effectiveFilterDepth, stride: g.strideDepth, dilation: g.dilationDepth, before: p.front },
    { inSize: g.inHeight, outSize: g.outHeight, filter: g.filterHeight, effective: g.effectiveFilterHeight, stride: g.strideHeight, dilation: g.dilationHeight, before: p.top },
    { inSize: g.inWidth, outSize: g.outWidth, filter: g.filterWidth, effective: g.effectiveFilterWidth, stride: g.strideWidth, dilation: g.dilationWidth, before: p.left },
  ];
}

/**
 * `t` with `stride - 1` zeros between neighbours along `axis` (length
 * (L - 1) * stride + 1), through rank-4 tensors so every backend runs it.
 */
function spread(t: tf.Tensor, axis: number, stride: number): tf.Tensor {
  if (stride === 1) return t;
  const shape = t.shape;
  const before = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const after = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const length = shape[axis]!;
  const gapped = tf.pad(t.reshape([before, length, 1, after]), [[0, 0], [0, 0], [0, stride - 1], [0, 0]]);
  const kept = (length - 1) * stride + 1;
  return tf.slice(gapped.reshape([before, length * stride, after]), [0, 0, 0], [before, kept, after]).reshape(shape.map((size, a) => (a === axis ? kept : size)));
}

/**
 * The input gradient of a conv3d (NDHWC; any stride, dilation, padding) as
 * ONE forward conv3d: the upstream gradient spread by the strides and framed
 * so that a 'valid' correlation with the filter rotated by 180 degrees (in
 * and out channels swapped), at the forward dilation, lands on every input
 * voxel. It computes the same sums as Conv3DBackpropInputV2, which stock
 * tfjs-wasm 4.22 gets wrong whenever the output depth is above 1.
 * @param dy (N, outD, outH, outW, outC)
 * @param filter (kd, kh, kw, inC, outC)
 */
export function conv3dInputGradient(dy: tf.Tensor5D, filter: tf.Tensor5D, g: Conv3DGeometry): tf.Tensor5D {
  return tf.tidy(() => {
    let frame: tf.Tensor = dy;
    const pads: Array<[number, number]> = [[0, 0]];
    const crops: Array<[number, number]> = [[0, 0]];
    axes(g).forEach((a, i) => {
      frame = spread(frame, i + 1, a.stride);
      const spreadLength = (a.outSize - 1) * a.stride + 1;
      const before = a.effective - 1 - a.before;
      const after = a.inSize + a.effective - 1 - spreadLength - before;
      // A negative frame side means the forward pass never reached those voxels: crop instead.
      pads.push([Math.max(before, 0), Math.max(after, 0)]);
      crops.push([Math.max(-before, 0), Math.max(-after, 0)]);
    });
    pads.push([0, 0]);
    crops.push([0, 0]);
    frame = tf.pad(frame, pads);
    if (crops.some(([b, e]) => b || e)) {
      frame = tf.slice(frame, crops.map(([b]) => b), frame.shape.map((size, i) => size - crops[i]![0] - crops[i]![1]));
    }
    const rotated = tf.transpose(tf.reverse(filter, [0, 1, 2]), [0, 1, 2, 4, 3]) as tf.Tensor5D;
    return tf.conv3d(frame as tf.Tensor5D, rotated, 1, 'valid', 'NDHWC', [g.dilationDepth, g.dilationHeight, g.dilationWidth]);
  });
}

/**
 * Every `stride`-th voxel of `t` along spatial axis `axis` (1 to 3), starting
 * at `begin`, `count` of them: a plain slice, then for a stride above 1 a
 * reshape that puts each step in its own axis and keeps the first. Both run
 * at memory speed on every backend (a strided slice walks voxel by voxel).
 * Needs `begin + count * stride <= t.shape[axis]`.
 */
function takeEvery(t: tf.Tensor, axis: number, begin: number, count: number, stride: number): tf.Tensor {
  const shape = t.shape;
  const before = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const after = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  // Rank-3 slices: the backends' fast paths (a rank-5 slice falls back to element-wise JavaScript).
  let view = tf.slice(t.reshape([before, shape[axis]!, after]), [0, begin, 0], [before, count * stride, after]);
  if (stride > 1) view = tf.slice(view.reshape([before, count, stride * after]), [0, 0, 0], [before, count, after]);
  return view.reshape(shape.map((s, a) => (a === axis ? count : s)));
}

/** `x` zero-padded as the forward pass pads it, and after each axis as far as `takeEvery` reaches. */
function padForTaps(x: tf.Tensor5D, g: Conv3DGeometry): tf.Tensor5D {
  const pads = axes(g).map((a): [number, number] => [a.before, Math.max((a.filter - 1) * a.dilation + a.outSize * a.stride - a.inSize - a.before, 0)]);
  return tf.pad(x, [[0, 0], ...pads, [0, 0]]);
}

/**
 * The filter gradient of a conv3d (NDHWC; any stride, dilation, padding):
 * for each filter tap, the (inC, outC) matrix product of what that tap sees
 * of the zero-padded input with the upstream gradient, both flattened over
 * batch and positions. kd * kh * kw matrix products.
 * @param x (N, inD, inH, inW, inC)
 * @param dy (N, outD, outH, outW, outC)
 */
export function conv3dFilterGradient(x: tf.Tensor5D, dy: tf.Tensor5D, g: Conv3DGeometry): tf.Tensor5D {
  return tf.tidy(() => {
    const geometry = axes(g);
    const padded = padForTaps(x, g);
    const upstream = dy.reshape([-1, g.outChannels]);
    const taps: tf.Tensor[] = [];
    for (let kd = 0; kd < g.filterDepth; kd++) {
      const depthView = takeEvery(padded, 1, kd * geometry[0]!.dilation, g.outDepth, geometry[0]!.stride);
      for (let kh = 0; kh < g.filterHeight; kh++) {
        const rowView = takeEvery(depthView, 2, kh * geometry[1]!.dilation, g.outHeight, geometry[1]!.stride);
        for (let kw = 0; kw < g.filterWidth; kw++) {
          const view = takeEvery(rowView, 3, kw * geometry[2]!.dilation, g.outWidth, geometry[2]!.stride);
          taps.push(tf.matMul(view.reshape([-1, g.inChannels]), upstream, true, false));
        }
      }
    }
    return tf.stack(taps).reshape([g.filterDepth, g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  });
}

/**
 * A conv3d (NDHWC) as one conv2d per depth tap, summed: each tap's depth
 * slices of the input, stacked along the batch axis, are convolved in 2-D
 * with that tap's (kh, kw, inC, outC) filter. The same products and sums as
 * Conv3D, but run by the backend's 2-D convolution, which on wasm is
 * XNNPACK's (stock wasm Conv3D is a plain loop, many times slower).
 */
export function conv3dAsConv2ds(x: tf.Tensor5D, filter: tf.Tensor5D, g: Conv3DGeometry): tf.Tensor5D {
  return tf.tidy(() => {
    const [depth, height, width] = axes(g);
    const padded = tf.pad(x, [[0, 0], [depth!.before, Math.max((depth!.filter - 1) * depth!.dilation + depth!.outSize * depth!.stride - depth!.inSize - depth!.before, 0)], [0, 0], [0, 0], [0, 0]]);
    const p = g.padInfo;
    const planePadding: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
    let sum: tf.Tensor | undefined;
    for (let kd = 0; kd < g.filterDepth; kd++) {
      const slices = takeEvery(padded, 1, kd * depth!.dilation, g.outDepth, depth!.stride).reshape([g.batchSize * g.outDepth, height!.inSize, width!.inSize, g.inChannels]) as tf.Tensor4D;
      const tapFilter = tf.slice(filter, [kd, 0, 0, 0, 0], [1, -1, -1, -1, -1]).squeeze([0]) as tf.Tensor4D;
      const planes = tf.conv2d(slices, tapFilter, [height!.stride, width!.stride], planePadding, 'NHWC', [height!.dilation, width!.dilation]);
      sum = sum ? tf.add(sum, planes) : planes;
    }
    return sum!.reshape([g.batchSize, g.outDepth, g.outHeight, g.outWidth, g.outChannels]);
  });
}
