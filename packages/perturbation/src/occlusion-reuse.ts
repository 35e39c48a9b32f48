import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, type LayerInternals, type ModelAdapter } from '@tfxai/core';
import { checkFiniteScores } from './batched-scores.js';
import type { Span } from './occlusion-windows.js';

/**
 * Occlusion with the unoccluded image's activations reused (issue 14).
 *
 * A patch changes the input only inside its window, so a convolution or pooling layer's output
 * changes only where its receptive field meets the changed region: a rectangle that grows by the
 * kernel's reach at each layer and shrinks with its stride. Here each occluded image is carried
 * through the network as the unoccluded image's activations (computed once) plus one small tile
 * per window that covers its changed rectangle; a layer computes only the tiles, from crops of
 * the activations with the tiles pasted in (built on the host), with 'valid' padding. When a tile would cover half
 * of its layer, or at the first layer that is not a convolution, pooling or pointwise layer
 * (Flatten, Dense, global pooling), the full activations are assembled (tiles pasted into the
 * unoccluded activations) and the rest of the model runs as usual.
 *
 * Exact up to float rounding: every value is computed by the same operation on the same inputs
 * as in the plain pass, only the summation order inside a kernel may differ.
 * Applies to a `tf.Sequential` with one output whose layers start with channels-last `Conv2D`
 * or `MaxPooling2D` layers (any padding, stride and dilation); undefined for other models.
 */

/** What the tiles of a layer cover: per window a rectangle of one common size, inside the layer. */
interface Tiles {
  /** (windows, height, width, channels), row-major: the values of every window's tile. */
  values: Float32Array;
  height: number;
  width: number;
  /** Per window, the tile's top-left corner in the layer. */
  tops: number[];
  lefts: number[];
  /** Per window, the rectangle the occlusion may have changed (inside its tile): [top, bottom) x [left, right). */
  changed: { top: number; bottom: number; left: number; right: number }[];
}

/** A layer's activations for the unoccluded image, on the host: (height, width, channels), row-major. */
interface Activations {
  values: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** A layer the reuse computes on tiles. */
interface ReusedLayer {
  /** 'spatial': a window over its input (convolution, pooling); 'pointwise': each position on its own (activation). */
  kind: 'spatial' | 'pointwise';
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  /** Padding before the first row and column of the input ('same'), 0 for 'valid'. */
  padBefore: [number, number];
  /** What stands for the positions outside the input: 0 for a convolution, -Infinity for max-pooling. */
  padValue: number;
  inSize: [number, number];
  outSize: [number, number];
  /** Multiply-adds per output position (for the saved fraction). */
  costPerOutput: number;
  /** The layer on a crop with 'valid' padding (spatial), or on the tile (pointwise). */
  apply(x: tf.Tensor4D): tf.Tensor4D;
  /** The model's own layer, as the plain pass runs it. */
  layer: LayerInternals;
}

/** Layers that act on each position alone, in inference. */
const POINTWISE = new Set(['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'BatchNormalization', 'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout']);

/** A tile larger than this fraction of its layer is not worth the gathers: the activations are assembled there. */
const FULL_LAYER_FRACTION = 0.5;

const pairOf = (value: unknown): [number, number] => (Array.isArray(value) ? [value[0] as number, value[1] as number] : [value as number, value as number]);

/** Output size and padding before, along one axis, as TensorFlow computes them. */
function axisGeometry(inSize: number, kernel: number, stride: number, dilation: number, padding: 'same' | 'valid'): { out: number; before: number } {
  const reach = (kernel - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((inSize - reach) / stride) + 1, before: 0 };
  const out = Math.ceil(inSize / stride);
  return { out, before: Math.floor(Math.max(0, (out - 1) * stride + reach - inSize) / 2) };
}

/** The reusable layers at the start of a Sequential (undefined when there is none), and the index of the first layer after them. */
function reusablePrefix(layers: LayerInternals[], height: number, width: number, channels: number): { steps: ReusedLayer[]; rest: number } | undefined {
  const steps: ReusedLayer[] = [];
  let size: [number, number] = [height, width];
  let depth = channels;
  let index = 0;
  for (; index < layers.length; index++) {
    const layer = layers[index]!;
    const name = layer.getClassName();
    const config = layer.getConfig();
    if (config['dataFormat'] !== undefined && config['dataFormat'] !== 'channelsLast') break;
    if (name === 'Conv2D' || name === 'MaxPooling2D') {
      const padding = config['padding'];
      if (padding !== 'same' && padding !== 'valid') break;
      const conv = name === 'Conv2D';
      if (conv && (!layer.kernel || !layer.activation)) break;
      const kernel = pairOf(conv ? config['kernelSize'] : config['poolSize']);
      const strides = pairOf(config['strides'] ?? kernel);
      const dilation = conv ? pairOf(config['dilationRate'] ?? 1) : ([1, 1] as [number, number]);
      const rows = axisGeometry(size[0], kernel[0], strides[0], dilation[0], padding);
      const cols = axisGeometry(size[1], kernel[1], strides[1], dilation[1], padding);
      if (rows.out < 1 || cols.out < 1) break;
      const filters = conv ? (config['filters'] as number) : depth;
      steps.push({
        kind: 'spatial',
        kernel,
        strides,
        dilation,
        padBefore: [rows.before, cols.before],
        padValue: conv ? 0 : -Infinity,
        inSize: size,
        outSize: [rows.out, cols.out],
        // A convolution: kernel area x input channels per output value; a pooling: kernel area.
        costPerOutput: kernel[0] * kernel[1] * (conv ? depth * filters : depth),
        layer,
        apply: conv
          ? (x) => {
              const kernelValues = layer.kernel!.read() as tf.Tensor4D;
              const convolved = tf.conv2d(x, kernelValues, strides, 'valid', 'NHWC', dilation);
              const biased = layer.bias ? tf.add(convolved, layer.bias.read()) : convolved;
              return layer.activation!.apply(biased) as tf.Tensor4D;
            }
          : (x) => tf.maxPool(x, kernel, strides, 'valid'),
      });
      size = [rows.out, cols.out];
      depth = filters;
    } else if (POINTWISE.has(name) && steps.length > 0) {
      steps.push({
        kind: 'pointwise',
        kernel: [1, 1],
        strides: [1, 1],
        dilation: [1, 1],
        padBefore: [0, 0],
        padValue: 0,
        inSize: size,
        outSize: size,
        costPerOutput: depth,
        apply: (x) => layer.apply(x, { training: false }) as tf.Tensor4D,
        layer,
      });
    } else break;
  }
  return steps.some((step) => step.kind === 'spatial') ? { steps, rest: index } : undefined;
}

/** What the reuse saved: multiply-adds of the reused layers, computed vs what the plain pass computes. */
export interface ReuseSavings {
  /** Multiply-adds of the whole model the plain pass would spend on the windows. */
  plain: number;
  /** Multiply-adds spent with reuse (tiles, plus the full layers after the reuse stops). */
  spent: number;
}

/**
 * The plan of one image: the unoccluded image's activations at every reused layer (read to
 * the host once: the tiles and crops are small, and built there faster than by gather kernels).
 */
export class ActivationReuse {
  readonly savings: ReuseSavings = { plain: 0, spent: 0 };
  readonly #steps: ReusedLayer[];
  readonly #rest: LayerInternals[];
  /** The image, then each reused layer's output for it: read to the host by {@link scores}. */
  readonly #tensors: tf.Tensor4D[];
  #activations: Activations[] | undefined;
  /** Multiply-adds per image of the layers after the reused ones (the same with or without reuse). */
  readonly #restCost: number;

  private constructor(steps: ReusedLayer[], rest: LayerInternals[], image: tf.Tensor4D) {
    this.#steps = steps;
    this.#rest = rest;
    // The model's own layers on the one image: the numbers the plain pass computes for it.
    this.#tensors = [tf.clone(image)];
    for (const step of steps) this.#tensors.push(tf.tidy(() => step.layer.apply(this.#tensors[this.#tensors.length - 1]!, { training: false }) as tf.Tensor4D));
    this.#restCost = rest.reduce((sum, layer) => sum + denseCost(layer), 0);
  }

  /**
   * The reuse plan for `adapter` and one image (1, H, W, C), or undefined when the model is not
   * a single-output `tf.Sequential` starting with a convolution or pooling layer.
   */
  static plan(adapter: ModelAdapter, image: tf.Tensor4D): ActivationReuse | undefined {
    if (adapter.kind !== 'layers') return undefined;
    const model = adapter.model as tf.LayersModel;
    if (model.getClassName() !== 'Sequential' || model.outputs.length !== 1) return undefined;
    const layers = model.layers as unknown as LayerInternals[];
    const prefix = reusablePrefix(layers, image.shape[1], image.shape[2], image.shape[3]);
    return prefix && new ActivationReuse(prefix.steps, layers.slice(prefix.rest), image);
  }

  /**
   * The target score of every occluded image, `batchSize` windows per model call: the image
   * with `background` (1, H, W, C) inside the window. The same numbers as `adapter.predict` on
   * the occluded images, up to float rounding.
   */
  async scores(background: tf.Tensor4D, windows: readonly [Span, Span][], batchSize: number, target: number, numClasses: number): Promise<Float64Array> {
    this.#activations ??= await Promise.all(
      this.#tensors.map(async (t) => ({ values: (await t.data()) as Float32Array, height: t.shape[1], width: t.shape[2], channels: t.shape[3] })),
    );
    const backgroundValues = (await background.data()) as Float32Array;
    const scores = new Float64Array(windows.length);
    for (let start = 0; start < windows.length; start += batchSize) {
      const end = Math.min(windows.length, start + batchSize);
      const values = await this.#batchScores(backgroundValues, windows.slice(start, end), target, numClasses);
      checkFiniteScores(values, `perturbed images ${start} to ${end - 1}`);
      scores.set(values, start);
    }
    return scores;
  }

  dispose(): void {
    tf.dispose(this.#tensors);
  }

  /** The target scores of one batch of windows. */
  async #batchScores(background: Float32Array, windows: readonly [Span, Span][], target: number, numClasses: number): Promise<Float32Array> {
    const activations = this.#activations!;
    const image = activations[0]!;
    const count = windows.length;
    // The input tiles: each window's rectangle (all of one size, moved inside the image at the borders).
    const height = Math.max(...windows.map(([row]) => row.end - row.start));
    const width = Math.max(...windows.map(([, col]) => col.end - col.start));
    const tops = windows.map(([row]) => Math.min(row.start, image.height - height));
    const lefts = windows.map(([, col]) => Math.min(col.start, image.width - width));
    const changed = windows.map(([row, col]) => ({ top: row.start, bottom: row.end, left: col.start, right: col.end }));
    // Inside its window a tile holds the background, elsewhere the image.
    const channels = image.channels;
    const values = new Float32Array(count * height * width * channels);
    let n = 0;
    for (let w = 0; w < count; w++) {
      const { top, bottom, left, right } = changed[w]!;
      for (let r = tops[w]!; r < tops[w]! + height; r++) {
        for (let c = lefts[w]!; c < lefts[w]! + width; c++, n += channels) {
          const from = (r * image.width + c) * channels;
          values.set((r >= top && r < bottom && c >= left && c < right ? background : image.values).subarray(from, from + channels), n);
        }
      }
    }
    let tiles: Tiles = { values, height, width, tops, lefts, changed };

    for (let s = 0; s < this.#steps.length; s++) {
      const step = this.#steps[s]!;
      const input = activations[s]!;
      const plan = step.kind === 'pointwise' ? { ...tiles } : this.#outputTiles(step, tiles);
      // The tiles would cover most of this layer: assemble its input and run the rest plainly.
      if (!plan) return this.#finish(assemble(input, tiles, count), s, count, target, numClasses);
      const crops =
        step.kind === 'pointwise'
          ? tf.tensor4d(tiles.values, [count, tiles.height, tiles.width, input.channels])
          : cropsOf(input, tiles, count, plan, step);
      let out: tf.Tensor4D;
      try {
        out = tf.tidy(() => step.apply(crops));
      } finally {
        crops.dispose();
      }
      const outValues = (await out.data()) as Float32Array;
      out.dispose();
      this.savings.plain += count * step.outSize[0] * step.outSize[1] * step.costPerOutput;
      this.savings.spent += count * plan.height * plan.width * step.costPerOutput;
      tiles = { ...plan, values: outValues };
    }
    return this.#finish(assemble(activations[this.#steps.length]!, tiles, count), this.#steps.length, count, target, numClasses);
  }

  /** Where a spatial layer's output tiles lie, or undefined when they would cover more than half of it. */
  #outputTiles(step: ReusedLayer, tiles: Tiles): Omit<Tiles, 'values'> | undefined {
    const [outHeight, outWidth] = step.outSize;
    const reach = [(step.kernel[0] - 1) * step.dilation[0], (step.kernel[1] - 1) * step.dilation[1]] as const;
    // Output positions whose receptive field meets the changed rectangle.
    const changed = tiles.changed.map(({ top, bottom, left, right }) => ({
      top: Math.max(0, Math.ceil((top + step.padBefore[0] - reach[0]) / step.strides[0])),
      bottom: Math.min(outHeight, Math.floor((bottom - 1 + step.padBefore[0]) / step.strides[0]) + 1),
      left: Math.max(0, Math.ceil((left + step.padBefore[1] - reach[1]) / step.strides[1])),
      right: Math.min(outWidth, Math.floor((right - 1 + step.padBefore[1]) / step.strides[1]) + 1),
    }));
    const height = Math.max(...changed.map((r) => r.bottom - r.top));
    const width = Math.max(...changed.map((r) => r.right - r.left));
    if (height * width > FULL_LAYER_FRACTION * outHeight * outWidth) return undefined;
    return { height, width, tops: changed.map((r) => Math.min(r.top, outHeight - height)), lefts: changed.map((r) => Math.min(r.left, outWidth - width)), changed };
  }

  /** The layers from reused layer `from` on (when the reuse stopped early), then the rest, on full activations: the target column. */
  async #finish(full: tf.Tensor4D, from: number, count: number, target: number, numClasses: number): Promise<Float32Array> {
    for (const step of this.#steps.slice(from)) {
      this.savings.plain += count * step.outSize[0] * step.outSize[1] * step.costPerOutput;
      this.savings.spent += count * step.outSize[0] * step.outSize[1] * step.costPerOutput;
    }
    this.savings.plain += count * this.#restCost;
    this.savings.spent += count * this.#restCost;
    let column: tf.Tensor;
    try {
      column = tf.tidy(() => {
        let x: tf.Tensor = full;
        for (const step of this.#steps.slice(from)) x = step.layer.apply(x, { training: false }) as tf.Tensor;
        for (const layer of this.#rest) x = layer.apply(x, { training: false }) as tf.Tensor;
        const scores = x.rank === 1 ? tf.reshape(x, [x.shape[0]!, 1]) : x;
        if (scores.rank !== 2 || scores.shape[1] !== numClasses) throw new InvalidInputError(`the model returned scores of shape [${scores.shape}] for ${count} images; expected [${count},${numClasses}]`);
        return tf.slice(scores, [0, target], [count, 1]);
      });
    } finally {
      full.dispose();
    }
    const values = (await column.data()) as Float32Array;
    column.dispose();
    return values;
  }
}

/**
 * The input crops (windows, cropHeight, cropWidth, channels) a spatial layer needs for its
 * output tiles `plan` with 'valid' padding: the unoccluded activations with each window's tile
 * pasted in, and `step.padValue` outside the layer (its own 'same' padding).
 */
function cropsOf(input: Activations, tiles: Tiles, count: number, plan: Omit<Tiles, 'values'>, step: ReusedLayer): tf.Tensor4D {
  const cropHeight = (plan.height - 1) * step.strides[0] + (step.kernel[0] - 1) * step.dilation[0] + 1;
  const cropWidth = (plan.width - 1) * step.strides[1] + (step.kernel[1] - 1) * step.dilation[1] + 1;
  const { channels } = input;
  const crops = new Float32Array(count * cropHeight * cropWidth * channels);
  let n = 0;
  for (let w = 0; w < count; w++) {
    const firstRow = plan.tops[w]! * step.strides[0] - step.padBefore[0];
    const firstCol = plan.lefts[w]! * step.strides[1] - step.padBefore[1];
    for (let r = firstRow; r < firstRow + cropHeight; r++) {
      for (let c = firstCol; c < firstCol + cropWidth; c++, n += channels) copyPosition(input, tiles, w, r, c, crops, n, step.padValue);
    }
  }
  return tf.tensor4d(crops, [count, cropHeight, cropWidth, channels]);
}

/** Every window's full activations (windows, H, W, C): its tile pasted into the unoccluded activations. */
function assemble(input: Activations, tiles: Tiles, count: number): tf.Tensor4D {
  const { height, width, channels } = input;
  const size = height * width * channels;
  const full = new Float32Array(count * size);
  const row = tiles.width * channels;
  for (let w = 0; w < count; w++) {
    full.set(input.values, w * size);
    for (let r = 0; r < tiles.height; r++) {
      const from = (w * tiles.height + r) * row;
      full.set(tiles.values.subarray(from, from + row), w * size + ((tiles.tops[w]! + r) * width + tiles.lefts[w]!) * channels);
    }
  }
  return tf.tensor4d(full, [count, height, width, channels]);
}

/** Window `w`'s value at (r, c) of a layer into `out` at `at`: from its tile, else the unoccluded activations, else `pad` (outside the layer). */
function copyPosition(input: Activations, tiles: Tiles, w: number, r: number, c: number, out: Float32Array, at: number, pad: number): void {
  const { channels } = input;
  if (r < 0 || c < 0 || r >= input.height || c >= input.width) {
    out.fill(pad, at, at + channels);
    return;
  }
  const tr = r - tiles.tops[w]!;
  const tc = c - tiles.lefts[w]!;
  const inTile = tr >= 0 && tc >= 0 && tr < tiles.height && tc < tiles.width;
  const from = inTile ? ((w * tiles.height + tr) * tiles.width + tc) * channels : (r * input.width + c) * channels;
  const source = inTile ? tiles.values : input.values;
  for (let k = 0; k < channels; k++) out[at + k] = source[from + k]!;
}

/** Multiply-adds per image of a layer after the reused ones: its weights' size for Dense and convolutions, else its output size. */
function denseCost(layer: LayerInternals): number {
  const out = (layer.outputShape as (number | null)[]).slice(1).reduce<number>((p, d) => p * (d ?? 1), 1);
  const kernel = layer.kernel?.read();
  if (!kernel) return out;
  const perOutput = kernel.size / kernel.shape[kernel.shape.length - 1]!;
  return out * perOutput;
}
