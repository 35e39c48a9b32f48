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
  const out = [...shape];
  out[axis] = length * stride;
  return tf.slice(gapped.reshape(out), shape.map(() => 0), out.map((size, a) => (a === axis ? (length - 1) * stride + 1 : size)));
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
 * The filter gradient of a conv3d (NDHWC; any stride, dilation, padding):
 * for each filter tap, the (inC, outC) matrix product of what that tap sees
 * of the zero-padded input (a strided slice) with the upstream gradient, both
 * flattened over batch and positions. kd * kh * kw matrix products.
 * @param x (N, inD, inH, inW, inC)
 * @param dy (N, outD, outH, outW, outC)
 */
export function conv3dFilterGradient(x: tf.Tensor5D, dy: tf.Tensor5D, g: Conv3DGeometry): tf.Tensor5D {
  return tf.tidy(() => {
    const [ad, ah, aw] = axes(g);
    const padded = tf.pad(x, [[0, 0], ...[ad!, ah!, aw!].map((a): [number, number] => {
      // Enough after the input for the last tap of the last window (never negative).
      const needed = (a.outSize - 1) * a.stride + a.effective;
      return [a.before, Math.max(needed - a.inSize - a.before, 0)];
    }), [0, 0]]);
    const upstream = dy.reshape([-1, g.outChannels]);
    const taps: tf.Tensor[] = [];
    for (let kd = 0; kd < g.filterDepth; kd++) {
      for (let kh = 0; kh < g.filterHeight; kh++) {
        for (let kw = 0; kw < g.filterWidth; kw++) {
          const begin = [0, kd * ad!.dilation, kh * ah!.dilation, kw * aw!.dilation, 0];
          const end = [padded.shape[0], ...[ad!, ah!, aw!].map((a, i) => begin[i + 1]! + (a.outSize - 1) * a.stride + 1), padded.shape[4]];
          const view = tf.stridedSlice(padded, begin, end, [1, ad!.stride, ah!.stride, aw!.stride, 1]);
          taps.push(tf.matMul(view.reshape([-1, g.inChannels]), upstream, true, false));
        }
      }
    }
    return tf.stack(taps).reshape([g.filterDepth, g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  });
}
