import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '@tfxai/core';

/**
 * A small 3-D classifier, once as a tfjs `tf.Sequential` and once as plain
 * float64 loops over the same (float32-rounded) weights, for checking gradient
 * methods on volumes against a reference that shares no code with tfjs:
 *   conv3d (kernel k, stride 1, 'same', relu or linear) -> [maxPooling3d (pool = stride, 'valid')]
 *   -> flatten -> [dense (hidden, relu)] -> dense (classes, softmax or linear)
 * Layout NDHWC, row-major, as tfjs flattens it.
 */
export interface VolumeNetSpec {
  /** One example's shape, (D, H, W, C). */
  inputShape: [number, number, number, number];
  filters: number;
  /** Cubic kernel size. Default: 3. */
  kernelSize?: number;
  /** The first layer's activation. Default: 'relu'. */
  convActivation?: 'relu' | 'linear';
  /** Pool size (and stride) of a MaxPooling3D after the conv; omitted: no pooling. */
  pool?: [number, number, number];
  /** Units of a dense relu layer before the output; omitted: none. */
  hidden?: number;
  classes: number;
  /** Default: 'softmax'. */
  outputActivation?: 'softmax' | 'linear';
  /** Seed of the weights (drawn on the host). Default: 3. */
  seed?: number;
}

/** The tfjs model and its float64 twin. */
export interface VolumeNet {
  model: tf.LayersModel;
  /** Scores (classes) of one example (D*H*W*C values, NDHWC order). */
  forward(x: ArrayLike<number>): number[];
  /**
   * d score[target] / d x for one example, by the chain rule in float64. `guided`: every
   * ReLU passes back only positive gradient where its input was positive (Springenberg et al.).
   */
  gradient(x: ArrayLike<number>, target: number, guided?: boolean): Float64Array;
}

type Activation = 'relu' | 'linear' | 'softmax';

function activate(z: Float64Array, activation: Activation): Float64Array<ArrayBuffer> {
  if (activation === 'relu') return z.map((v) => Math.max(v, 0));
  if (activation === 'softmax') {
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  }
  return z.slice();
}

/** The upstream gradient at a relu's input from the one at its output. */
function reluBack(dy: Float64Array, z: Float64Array, guided: boolean): Float64Array<ArrayBuffer> {
  return dy.map((g, i) => (z[i]! > 0 ? (guided ? Math.max(g, 0) : g) : 0));
}

/** Builds the model with seeded weights (uniform, scaled by fan-in); the caller disposes `model`. */
export function volumeNet(spec: VolumeNetSpec): VolumeNet {
  const [D, H, W, C] = spec.inputShape;
  const k = spec.kernelSize ?? 3;
  const F = spec.filters;
  const convActivation = spec.convActivation ?? 'relu';
  const outputActivation = spec.outputActivation ?? 'softmax';
  const random = seededRandom(spec.seed ?? 3);
  const draw = (count: number, fanIn: number) => Float64Array.from({ length: count }, () => Math.fround(((random() * 2 - 1) * Math.sqrt(3)) / Math.sqrt(fanIn)));
  const kernel = draw(k * k * k * C * F, k * k * k * C);
  const convBias = draw(F, 30);
  const pool = spec.pool;
  const [pd, ph, pw] = pool ?? [1, 1, 1];
  const pooled = [Math.floor(D / pd), Math.floor(H / ph), Math.floor(W / pw)] as const;
  const flat = pooled[0] * pooled[1] * pooled[2] * F;
  const denseLayers: { w: Float64Array; b: Float64Array; in: number; out: number; activation: Activation }[] = [];
  let width = flat;
  if (spec.hidden) {
    denseLayers.push({ w: draw(width * spec.hidden, width), b: draw(spec.hidden, 30), in: width, out: spec.hidden, activation: 'relu' });
    width = spec.hidden;
  }
  denseLayers.push({ w: draw(width * spec.classes, width), b: draw(spec.classes, 30), in: width, out: spec.classes, activation: outputActivation });

  const model = tf.sequential({
    layers: [
      tf.layers.conv3d({ inputShape: spec.inputShape, filters: F, kernelSize: k, padding: 'same', activation: convActivation }),
      ...(pool ? [tf.layers.maxPooling3d({ poolSize: pool })] : []),
      tf.layers.flatten(),
      ...denseLayers.map((d) => tf.layers.dense({ units: d.out, activation: d.activation })),
    ],
  });
  const f32 = (values: Float64Array, shape: number[]) => tf.tensor(Float32Array.from(values), shape);
  const weights = [f32(kernel, [k, k, k, C, F]), f32(convBias, [F]), ...denseLayers.flatMap((d) => [f32(d.w, [d.in, d.out]), f32(d.b, [d.out])])];
  model.setWeights(weights);
  tf.dispose(weights);

  const before = Math.floor((k - 1) / 2);
  const voxel = (d: number, h: number, w: number) => (d * H + h) * W + w;
  /** Calls visit(input voxel, kernel tap) for every in-bounds tap of output voxel (d, h, w). */
  const taps = (d: number, h: number, w: number, visit: (inVoxel: number, tap: number) => void) => {
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) for (let c = 0; c < k; c++) {
      const [i, j, l] = [d + a - before, h + b - before, w + c - before];
      if (i >= 0 && i < D && j >= 0 && j < H && l >= 0 && l < W) visit(voxel(i, j, l), (a * k + b) * k + c);
    }
  };

  /** Every intermediate of one forward pass. */
  const run = (x: ArrayLike<number>) => {
    const convZ = new Float64Array(D * H * W * F);
    for (let d = 0; d < D; d++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
      const o = voxel(d, h, w);
      for (let f = 0; f < F; f++) convZ[o * F + f] = convBias[f]!;
      taps(d, h, w, (i, t) => {
        for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) convZ[o * F + f]! += x[i * C + c]! * kernel[(t * C + c) * F + f]!;
      });
    }
    const convY = activate(convZ, convActivation);
    // Max pooling: each output's source index into convY (first strict maximum).
    const source = new Int32Array(flat);
    const pooledY = new Float64Array(flat);
    for (let d = 0; d < pooled[0]; d++) for (let h = 0; h < pooled[1]; h++) for (let w = 0; w < pooled[2]; w++) for (let f = 0; f < F; f++) {
      let best = -1;
      for (let a = 0; a < pd; a++) for (let b = 0; b < ph; b++) for (let c = 0; c < pw; c++) {
        const at = voxel(d * pd + a, h * ph + b, w * pw + c) * F + f;
        if (best < 0 || convY[at]! > convY[best]!) best = at;
      }
      const o = ((d * pooled[1] + h) * pooled[2] + w) * F + f;
      source[o] = best;
      pooledY[o] = convY[best]!;
    }
    const dense: { input: Float64Array; z: Float64Array; y: Float64Array }[] = [];
    let h: Float64Array = pooledY;
    for (const layer of denseLayers) {
      const z = Float64Array.from(layer.b);
      for (let i = 0; i < layer.in; i++) for (let j = 0; j < layer.out; j++) z[j]! += h[i]! * layer.w[i * layer.out + j]!;
      const y = activate(z, layer.activation);
      dense.push({ input: h, z, y });
      h = y;
    }
    return { convZ, source, dense, scores: h };
  };

  return {
    model,
    forward: (x) => Array.from(run(x).scores),
    gradient: (x, target, guided = false) => {
      const { convZ, source, dense } = run(x);
      let dy: Float64Array = new Float64Array(spec.classes);
      dy[target] = 1;
      for (let l = denseLayers.length - 1; l >= 0; l--) {
        const layer = denseLayers[l]!;
        const { input, z } = dense[l]!;
        let dz: Float64Array;
        if (layer.activation === 'softmax') {
          const p = dense[l]!.y;
          dz = p.map((pj, j) => p[target]! * ((j === target ? 1 : 0) - pj));
        } else dz = layer.activation === 'relu' ? reluBack(dy, z, guided) : dy;
        const dInput = new Float64Array(layer.in);
        for (let i = 0; i < layer.in; i++) for (let j = 0; j < layer.out; j++) dInput[i]! += layer.w[i * layer.out + j]! * dz[j]!;
        dy = dInput;
      }
      // Through the pooling (to each window's maximum), then the conv's activation.
      let dConvY: Float64Array = new Float64Array(convZ.length);
      if (pool) for (let o = 0; o < flat; o++) dConvY[source[o]!]! += dy[o]!;
      else dConvY = dy;
      const dConvZ = convActivation === 'relu' ? reluBack(dConvY, convZ, guided) : dConvY;
      const dx = new Float64Array(D * H * W * C);
      for (let d = 0; d < D; d++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
        const o = voxel(d, h, w);
        taps(d, h, w, (i, t) => {
          for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) dx[i * C + c]! += dConvZ[o * F + f]! * kernel[(t * C + c) * F + f]!;
        });
      }
      return dx;
    },
  };
}

/** Seeded values in [low, high), float32-rounded, as a plain array (for host references) and a tensor of `shape`. */
export function seededVolume(shape: number[], seed: number, low = 0, high = 1): { values: number[]; tensor: tf.Tensor } {
  const random = seededRandom(seed);
  const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.fround(low + (high - low) * random()));
  return { values, tensor: tf.tensor(values, shape) };
}
