import * as tf from '@tensorflow/tfjs';

/**
 * Host-side (float64) evaluations of the CAM formulas on volumes, written independently
 * of the package (and of core's resizeVolume): plain loops over flat arrays whose layout
 * is position-major, channel-fastest, as a (d, h, w, k) feature map of one example.
 */
export interface FlatMaps {
  /** values[p * channels + k]: channel k at spatial position p (row-major over spatial). */
  values: number[];
  spatial: number[];
  channels: number;
}

/** Example n of a (N, ...spatial, k) tensor as {@link FlatMaps}. */
export async function exampleMaps(t: tf.Tensor, n = 0): Promise<FlatMaps> {
  const all = Array.from(await t.data());
  const perExample = all.length / t.shape[0]!;
  return { values: all.slice(n * perExample, (n + 1) * perExample), spatial: t.shape.slice(1, -1), channels: t.shape[t.rank - 1]! };
}

function positions(m: FlatMaps): number {
  return m.values.length / m.channels;
}

/** Grad-CAM weights: each channel's gradient averaged over every (d, h, w) position. */
export function gradCamWeights(g: FlatMaps): number[] {
  const count = positions(g);
  const weights = new Array<number>(g.channels).fill(0);
  for (let p = 0; p < count; p++) for (let k = 0; k < g.channels; k++) weights[k]! += g.values[p * g.channels + k]! / count;
  return weights;
}

/**
 * Grad-CAM++ weights in 3-D (Chattopadhay et al. 2018, eq. 19 with the exponential, the sums
 * over all (d, h, w)): alpha_p^k = g^2 / (2 g^2 + (sum_q A_q^k) g^3), 0 where that denominator
 * is 0; w_k = sum_p alpha_p^k max(g_p^k, 0).
 */
export function gradCamPlusPlusWeights(a: FlatMaps, g: FlatMaps): number[] {
  const count = positions(a);
  const weights: number[] = [];
  for (let k = 0; k < a.channels; k++) {
    let spatialSum = 0;
    for (let p = 0; p < count; p++) spatialSum += a.values[p * a.channels + k]!;
    let w = 0;
    for (let p = 0; p < count; p++) {
      const gk = g.values[p * g.channels + k]!;
      const denominator = 2 * gk ** 2 + spatialSum * gk ** 3;
      w += (denominator !== 0 ? gk ** 2 / denominator : 0) * Math.max(gk, 0);
    }
    weights.push(w);
  }
  return weights;
}

/** sum_k w_k A^k at every position. */
export function weightedSum(a: FlatMaps, weights: number[]): number[] {
  return Array.from({ length: positions(a) }, (_, p) => weights.reduce((sum, w, k) => sum + w * a.values[p * a.channels + k]!, 0));
}

export function relu(map: number[]): number[] {
  return map.map((v) => Math.max(v, 0));
}

export function minMax(map: number[], eps = 1e-8): number[] {
  const min = Math.min(...map);
  const max = Math.max(...map);
  return map.map((v) => (v - min) / (max - min + eps));
}

/** Source index pair and weight of output index `o` along an axis of `from` -> `to` samples, half-pixel centres. */
function sourceOf(o: number, from: number, to: number): [number, number, number] {
  const position = Math.max(0, ((o + 0.5) * from) / to - 0.5);
  const low = Math.min(Math.floor(position), from - 1);
  const high = Math.min(low + 1, from - 1);
  return [low, high, position - low];
}

/**
 * Trilinear resize of one (d, h, w) map, flat, to `to`, with half-voxel centres: voxel i of n
 * sits at i + 0.5, so output voxel o samples the input at (o + 0.5) * n / n' - 0.5, clamped to
 * the edge voxels. The eight corners are weighted directly (not two separable passes).
 */
export function trilinearResize(map: number[], from: readonly number[], to: readonly number[]): number[] {
  const [d, h, w] = from as [number, number, number];
  const at = (z: number, y: number, x: number) => map[(z * h + y) * w + x]!;
  const out: number[] = [];
  for (let z = 0; z < to[0]!; z++) {
    const [z0, z1, tz] = sourceOf(z, d, to[0]!);
    for (let y = 0; y < to[1]!; y++) {
      const [y0, y1, ty] = sourceOf(y, h, to[1]!);
      for (let x = 0; x < to[2]!; x++) {
        const [x0, x1, tx] = sourceOf(x, w, to[2]!);
        let value = 0;
        for (const [zi, wz] of [[z0, 1 - tz], [z1, tz]] as const) {
          for (const [yi, wy] of [[y0, 1 - ty], [y1, ty]] as const) {
            for (const [xi, wx] of [[x0, 1 - tx], [x1, tx]] as const) value += wz * wy * wx * at(zi, yi, xi);
          }
        }
        out.push(value);
      }
    }
  }
  return out;
}

/**
 * Score-CAM on one volume as a direct loop over channels, one model call per channel:
 * channel k resized trilinearly (host loop above) to the volume, min-max'd into a mask,
 * the masked volume scored; softmax over the scores (or the scores as they are), weighted
 * sum of the feature maps, ReLU, min-max. A constant channel gets weight 0 and no share of
 * the softmax. `activations` (1, d, h, w, k) come from a sub-model.
 */
export async function scoreCamVolumeByLoop(
  activations: tf.Tensor5D,
  predict: (x: tf.Tensor5D) => tf.Tensor2D,
  volume: tf.Tensor5D,
  target: number,
  weighting: 'softmax' | 'score',
): Promise<number[]> {
  const a = await exampleMaps(activations);
  const size = volume.shape.slice(1, 4);
  const scores: number[] = [];
  for (let k = 0; k < a.channels; k++) {
    const channel = Array.from({ length: positions(a) }, (_, p) => a.values[p * a.channels + k]!);
    const upsampled = trilinearResize(channel, a.spatial, size);
    const min = Math.min(...upsampled);
    const max = Math.max(...upsampled);
    if (max === min) {
      scores.push(NaN);
      continue;
    }
    const mask = tf.tensor5d(upsampled.map((v) => (v - min) / (max - min)), [1, size[0]!, size[1]!, size[2]!, 1]);
    const masked = tf.mul(volume, mask) as tf.Tensor5D;
    const prediction = predict(masked);
    scores.push((await prediction.array())[0]![target]!);
    tf.dispose([mask, masked, prediction]);
  }
  const usable = scores.filter((s) => !Number.isNaN(s));
  const top = Math.max(...usable);
  const exps = scores.map((s) => (Number.isNaN(s) ? 0 : Math.exp(s - top)));
  const total = exps.reduce((x, y) => x + y, 0);
  const weights = weighting === 'softmax' ? exps.map((e) => e / total) : scores.map((s) => (Number.isNaN(s) ? 0 : s));
  return minMax(relu(weightedSum(a, weights)));
}
