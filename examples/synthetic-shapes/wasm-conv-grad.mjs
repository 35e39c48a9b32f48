// tfjs-backend-wasm 4.22 has no 'Conv2DBackpropFilter' kernel, so a conv layer
// cannot be trained on wasm as shipped, and its 'Conv2DBackpropInput' is slow.
// For stride-1 NHWC convolutions this re-registers the Conv2D gradient using
// forward conv2d only (fast XNNPACK path); other cases keep the stock gradient.
// Only the training script installs it.
import * as tf from '@tensorflow/tfjs';

// [before, after] padding for 'same'/'valid' at stride 1, as tfjs computes it.
function padsFor(pad, k) {
  if (pad === 'valid') return [0, 0];
  if (pad === 'same') return [Math.floor((k - 1) / 2), k - 1 - Math.floor((k - 1) / 2)];
  return null; // explicit pad lists: leave to the stock gradient
}

/** dW[i,j,ci,co] = sum_{n,h,w} xPad[n,h+i,w+j,ci] * dy[n,h,w,co], as one valid conv. */
function filterGrad(x, dy, [kh, kw], pad) {
  const [pt, pb] = padsFor(pad, kh);
  const [pl, pr] = padsFor(pad, kw);
  const xp = tf.pad(x, [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
  // Batch becomes the channel axis: input [ci,H',W',n], filter [outH,outW,n,co].
  const out = tf.conv2d(tf.transpose(xp, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, 'valid');
  return tf.transpose(out, [1, 2, 0, 3]); // [ci,kh,kw,co] -> [kh,kw,ci,co]
}

/** dx = valid conv of the re-padded dy with the 180-degree-rotated, in/out-swapped filter. */
function inputGrad(dy, filter, pad) {
  const [kh, kw] = filter.shape;
  const [pt, pb] = padsFor(pad, kh);
  const [pl, pr] = padsFor(pad, kw);
  const dyp = tf.pad(dy, [[0, 0], [kh - 1 - pt, kh - 1 - pb], [kw - 1 - pl, kw - 1 - pr], [0, 0]]);
  const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
  return tf.conv2d(dyp, rotated, 1, 'valid');
}

let installed = false;

export function installWasmConvGradient() {
  if (installed) return;
  installed = true;
  const stock = tf.getGradient('Conv2D');
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved;
      const ones = (v) => [].concat(v ?? 1).every((s) => s === 1);
      const simple = ones(attrs.strides) && ones(attrs.dilations) && x.rank === 4 &&
        (attrs.dataFormat ?? 'NHWC') === 'NHWC' && padsFor(attrs.pad, 1) !== null;
      if (!simple) return stock.gradFunc(dy, saved, attrs);
      return {
        x: () => inputGrad(dy, filter, attrs.pad),
        filter: () => filterGrad(x, dy, filter.shape, attrs.pad),
      };
    },
  });
}
