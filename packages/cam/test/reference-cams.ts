import * as tf from '@tensorflow/tfjs';

/**
 * Straightforward host-side (float64) evaluations of the CAM formulas, written
 * independently of the package: plain loops over (i, j, k) on nested arrays.
 */
export type FeatureMap = number[][][]; // [i][j][k]

export function relu(map: number[][]): number[][] {
  return map.map((row) => row.map((v) => Math.max(v, 0)));
}

export function minMax(map: number[][], eps = 1e-8): number[] {
  const flat = map.flat();
  const min = Math.min(...flat);
  const max = Math.max(...flat);
  return flat.map((v) => (v - min) / (max - min + eps));
}

/** sum_k w_k A^k. */
export function weightedSum(a: FeatureMap, weights: number[]): number[][] {
  return a.map((row) => row.map((cell) => cell.reduce((sum, v, k) => sum + weights[k]! * v, 0)));
}

/** Grad-CAM weights: the spatial mean of each channel's gradient. */
export function gradCamWeights(g: FeatureMap): number[] {
  const channels = g[0]![0]!.length;
  const cells = g.length * g[0]!.length;
  return Array.from({ length: channels }, (_, k) => g.flat().reduce((sum, cell) => sum + cell[k]!, 0) / cells);
}

/**
 * Grad-CAM++ weights (Chattopadhay et al. 2018, eq. 19 with the exponential):
 * alpha_ij^k = g^2 / (2 g^2 + (sum_ab A_ab^k) g^3), 0 where that denominator is 0;
 * w_k = sum_ij alpha_ij^k max(g_ij^k, 0).
 */
export function gradCamPlusPlusWeights(a: FeatureMap, g: FeatureMap): number[] {
  const channels = a[0]![0]!.length;
  const weights: number[] = [];
  for (let k = 0; k < channels; k++) {
    let spatialSum = 0;
    for (const row of a) for (const cell of row) spatialSum += cell[k]!;
    let w = 0;
    for (const row of g) {
      for (const cell of row) {
        const gk = cell[k]!;
        const denominator = 2 * gk ** 2 + spatialSum * gk ** 3;
        const alpha = denominator !== 0 ? gk ** 2 / denominator : 0;
        w += alpha * Math.max(gk, 0);
      }
    }
    weights.push(w);
  }
  return weights;
}

/** (1, h, w, k) tensor -> [i][j][k] array. */
export async function firstExample(t: tf.Tensor): Promise<FeatureMap> {
  return ((await t.array()) as number[][][][])[0]!;
}

/**
 * Score-CAM written as a direct loop over channels, one model call per channel:
 * upsample channel k bilinearly to the image, min-max it into a mask, score the
 * masked image, then softmax the scores (or use them as they are), weight the
 * feature maps, ReLU, normalise. A constant channel (no mask) gets weight 0 and no share of the softmax. `activations` (1, h, w, k) come from elsewhere (a split model).
 */
export async function scoreCamByLoop(
  activations: tf.Tensor4D,
  predict: (x: tf.Tensor4D) => tf.Tensor2D,
  image: tf.Tensor4D,
  target: number,
  weighting: 'softmax' | 'score',
  normalise = true,
): Promise<number[]> {
  const a = await firstExample(activations);
  const [, height, width] = image.shape;
  const channels = activations.shape[3];
  const scores: number[] = [];
  for (let k = 0; k < channels; k++) {
    const upsampled = tf.image.resizeBilinear(tf.slice(activations, [0, 0, 0, k], [1, -1, -1, 1]), [height, width]);
    const values = Array.from(await upsampled.data());
    const min = Math.min(...values);
    const max = Math.max(...values);
    if (max === min) {
      // A constant channel gives no mask: skipped, as in the authors' code.
      scores.push(NaN);
      upsampled.dispose();
      continue;
    }
    const mask = tf.tensor4d(values.map((v) => (v - min) / (max - min)), [1, height, width, 1]);
    const masked = tf.mul(image, mask);
    const prediction = predict(masked as tf.Tensor4D);
    scores.push((await prediction.array())[0]![target]!);
    tf.dispose([upsampled, mask, masked, prediction]);
  }
  const usable = scores.filter((s) => !Number.isNaN(s));
  const top = Math.max(...usable);
  const exps = scores.map((s) => (Number.isNaN(s) ? 0 : Math.exp(s - top)));
  const total = exps.reduce((x, y) => x + y, 0);
  const weights = weighting === 'softmax' ? exps.map((e) => e / total) : scores.map((s) => (Number.isNaN(s) ? 0 : s));
  const map = relu(weightedSum(a, weights));
  return normalise ? minMax(map) : map.flat();
}

