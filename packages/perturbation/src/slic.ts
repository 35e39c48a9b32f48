import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, checkOptions, gaussianBlur, type OptionSpec } from '@tfxai/core';
import { colourFeatures } from './colour-features.js';
import { relabel, type Segmentation } from './segmentation.js';

/**
 * SLIC superpixels (Achanta et al. 2012, "SLIC Superpixels Compared to
 * State-of-the-Art Superpixel Methods"), with skimage's parameter names.
 */
export interface SlicOptions {
  /** Marks the object as SLIC options. Default: 'slic'. */
  algorithm?: 'slic';
  /** Approximate number of superpixels (the grid has about this many seeds). Default: 50. */
  nSegments?: number;
  /**
   * Balance of colour and space (m in the paper): higher gives more square
   * superpixels. Colours are in CIE Lab (or scaled to [0, 100]), so skimage's
   * range applies. Default: 10.
   */
  compactness?: number;
  /** k-means iterations; stops early when no pixel changes superpixel. Default: 10. */
  maxIterations?: number;
  /** Gaussian smoothing (pixels) of the image before segmenting; 0 for none. Default: 0. */
  sigma?: number;
  /**
   * Colour features: 'lab' converts 3-channel images to CIE Lab; 'raw' uses the
   * channels scaled to [0, 100]. Images that do not have 3 channels always use 'raw'.
   * Default: 'lab'.
   */
  colorSpace?: 'lab' | 'raw';
  /** Split disconnected pieces of a superpixel (supervoxel) and merge tiny ones into a neighbour. Default: true. */
  enforceConnectivity?: boolean;
  /** Pieces smaller than this fraction of the mean superpixel size are merged into a neighbour. Default: 0.5. */
  minSizeFactor?: number;
}

export type ResolvedSlicOptions = Required<SlicOptions>;

export const SLIC_DEFAULTS: Readonly<ResolvedSlicOptions> = Object.freeze({
  algorithm: 'slic',
  nSegments: 50,
  compactness: 10,
  maxIterations: 10,
  sigma: 0,
  colorSpace: 'lab',
  enforceConnectivity: true,
  minSizeFactor: 0.5,
});

/** The declarations of SLIC's options (the `segmentation` option's keys), checked like a method's own. */
export const SLIC_OPTIONS: readonly OptionSpec[] = Object.freeze([
  { name: 'algorithm', type: 'choice', choices: ['slic'], default: SLIC_DEFAULTS.algorithm, doc: 'marks the object as SLIC options' },
  { name: 'nSegments', type: 'integer', min: 1, default: SLIC_DEFAULTS.nSegments, doc: 'approximate number of superpixels' },
  { name: 'compactness', type: 'number', min: 0, minExclusive: true, default: SLIC_DEFAULTS.compactness, doc: 'colour vs space balance; higher is more square' },
  { name: 'maxIterations', type: 'integer', min: 1, default: SLIC_DEFAULTS.maxIterations, doc: 'k-means iterations (stops early when no pixel moves)' },
  { name: 'sigma', type: 'number', min: 0, default: SLIC_DEFAULTS.sigma, doc: 'Gaussian smoothing before segmenting' },
  { name: 'colorSpace', type: 'choice', choices: ['lab', 'raw'], default: SLIC_DEFAULTS.colorSpace, doc: "`'lab'` for 3-channel images, or the channels scaled to [0, 100]" },
  { name: 'enforceConnectivity', type: 'boolean', default: SLIC_DEFAULTS.enforceConnectivity, doc: 'every superpixel one 4-connected region (supervoxels: 6-connected)' },
  { name: 'minSizeFactor', type: 'number', min: 0, max: 1, default: SLIC_DEFAULTS.minSizeFactor, doc: 'pieces smaller than this fraction of the mean superpixel size are merged into a neighbour' },
] satisfies OptionSpec[]);

/**
 * Fills in SLIC's defaults and rejects unknown keys (naming the closest one, as
 * 'segmentation.nSegment') and values outside the allowed ones.
 */
export function resolveSlicOptions(options: SlicOptions = {}): ResolvedSlicOptions {
  checkOptions(SLIC_OPTIONS, options, 'segmentation');
  const given = options as Record<string, unknown>;
  return Object.fromEntries(SLIC_OPTIONS.map((spec) => [spec.name, given[spec.name] ?? spec.default])) as unknown as ResolvedSlicOptions;
}

/**
 * SLIC superpixels of one image (H, W, C) or (1, H, W, C).
 * @throws InvalidInputError for another shape; InvalidOptionError for bad options
 */
export async function slic(image: tf.Tensor, options: SlicOptions = {}): Promise<Segmentation> {
  const o = resolveSlicOptions(options);
  if (!(image.rank === 3 || (image.rank === 4 && image.shape[0] === 1))) {
    throw new InvalidInputError(`SLIC segments one image, (H, W, C) or (1, H, W, C); got shape [${image.shape}]`);
  }
  const [height, width, channels] = image.shape.slice(-3) as [number, number, number];
  const smoothed = tf.tidy(() => {
    const batch = image.reshape([1, height, width, channels]).toFloat() as tf.Tensor4D;
    return o.sigma > 0 ? gaussianBlur(batch, o.sigma) : batch.clone();
  });
  const pixels = await smoothed.data<'float32'>();
  smoothed.dispose();
  return slicFromPixels(pixels, height, width, channels, o);
}

/**
 * SLIC on raw pixel values (row-major H x W x C). `sigma` is not applied here
 * (use {@link slic} for smoothing).
 */
export function slicFromPixels(pixels: ArrayLike<number>, height: number, width: number, channels: number, options: SlicOptions = {}): Segmentation {
  const o = resolveSlicOptions(options);
  const n = height * width;
  const features = colourFeatures(pixels, n, channels, o.colorSpace);
  const f = features.length / n;

  // Seeds on a regular grid of about nSegments cells (interval S), as in the paper.
  const interval = Math.sqrt(n / o.nSegments);
  const gridRows = Math.min(height, Math.max(1, Math.round(height / interval)));
  const gridCols = Math.min(width, Math.max(1, Math.round(width / interval)));
  const stepY = height / gridRows;
  const stepX = width / gridCols;
  const k = gridRows * gridCols;
  const stride = f + 2; // a centre is [y, x, feature...]
  const centres = new Float64Array(k * stride);
  const gradient = gradientMagnitude(features, height, width, f);
  for (let gy = 0; gy < gridRows; gy++) {
    for (let gx = 0; gx < gridCols; gx++) {
      let [y, x] = [Math.min(height - 1, Math.floor((gy + 0.5) * stepY)), Math.min(width - 1, Math.floor((gx + 0.5) * stepX))];
      // Move the seed to the lowest gradient in its 3x3 neighbourhood, off edges and noisy pixels.
      let best = gradient[y * width + x]!;
      const [y0, x0] = [y, x];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [yy, xx] = [y0 + dy, x0 + dx];
          if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
          if (gradient[yy * width + xx]! < best) [best, y, x] = [gradient[yy * width + xx]!, yy, xx];
        }
      }
      setCentre(centres, (gy * gridCols + gx) * stride, y, x, features, (y * width + x) * f, f);
    }
  }

  // Start from the grid cells so that a pixel no centre reaches still has a label.
  let labels: Int32Array = new Int32Array(n);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      labels[r * width + c] = Math.min(gridRows - 1, Math.floor(r / stepY)) * gridCols + Math.min(gridCols - 1, Math.floor(c / stepX));
    }
  }
  const spatialWeight = (o.compactness / Math.sqrt(stepY * stepX)) ** 2;
  const [radiusY, radiusX] = [Math.ceil(stepY), Math.ceil(stepX)]; // the paper's 2S x 2S search window
  const distance = new Float64Array(n);
  for (let iteration = 0; iteration < o.maxIterations; iteration++) {
    const next = labels.slice();
    distance.fill(Infinity);
    for (let centre = 0; centre < k; centre++) {
      const base = centre * stride;
      const [cy, cx] = [centres[base]!, centres[base + 1]!];
      const [rStart, rEnd] = [Math.max(0, Math.floor(cy - radiusY)), Math.min(height - 1, Math.ceil(cy + radiusY))];
      const [cStart, cEnd] = [Math.max(0, Math.floor(cx - radiusX)), Math.min(width - 1, Math.ceil(cx + radiusX))];
      for (let r = rStart; r <= rEnd; r++) {
        for (let c = cStart; c <= cEnd; c++) {
          const p = r * width + c;
          let colour = 0;
          for (let j = 0; j < f; j++) colour += (features[p * f + j]! - centres[base + 2 + j]!) ** 2;
          const d = colour + spatialWeight * ((r - cy) ** 2 + (c - cx) ** 2);
          if (d < distance[p]!) {
            distance[p] = d;
            next[p] = centre;
          }
        }
      }
    }
    const changed = next.some((label, p) => label !== labels[p]);
    labels = next;
    updateCentres(centres, labels, features, width, f, k);
    if (!changed) break;
  }
  if (o.enforceConnectivity) labels = enforceConnectivity(labels, height, width, Math.max(1, Math.floor((o.minSizeFactor * n) / k)));
  return relabel(labels, height, width);
}

/** Squared colour gradient by central differences (edges clamped). */
function gradientMagnitude(features: Float64Array, height: number, width: number, f: number): Float64Array {
  const out = new Float64Array(height * width);
  const at = (r: number, c: number, j: number) => features[(Math.min(height - 1, Math.max(0, r)) * width + Math.min(width - 1, Math.max(0, c))) * f + j]!;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      let g = 0;
      for (let j = 0; j < f; j++) g += (at(r, c + 1, j) - at(r, c - 1, j)) ** 2 + (at(r + 1, c, j) - at(r - 1, c, j)) ** 2;
      out[r * width + c] = g;
    }
  }
  return out;
}

function setCentre(centres: Float64Array, base: number, y: number, x: number, features: Float64Array, featureBase: number, f: number): void {
  centres[base] = y;
  centres[base + 1] = x;
  for (let j = 0; j < f; j++) centres[base + 2 + j] = features[featureBase + j]!;
}

/** Each centre becomes the mean position and colour of its pixels; an empty one stays where it is. */
function updateCentres(centres: Float64Array, labels: Int32Array, features: Float64Array, width: number, f: number, k: number): void {
  const stride = f + 2;
  const sums = new Float64Array(k * stride);
  const counts = new Float64Array(k);
  for (let p = 0; p < labels.length; p++) {
    const base = labels[p]! * stride;
    counts[labels[p]!]!++;
    sums[base]! += Math.floor(p / width);
    sums[base + 1]! += p % width;
    for (let j = 0; j < f; j++) sums[base + 2 + j]! += features[p * f + j]!;
  }
  for (let centre = 0; centre < k; centre++) {
    if (counts[centre] === 0) continue;
    for (let j = 0; j < stride; j++) centres[centre * stride + j] = sums[centre * stride + j]! / counts[centre]!;
  }
}

/**
 * Gives every 4-connected piece of a label (6-connected in a volume of `depth`
 * slices, row-major (D, H, W)) its own label, then merges each
 * piece smaller than `minSize` (smallest first) into its largest neighbouring
 * piece. Achanta et al.'s reference code merges into the first neighbour met
 * in scan order instead, which on noisy images chains tiny pieces into one.
 * @returns labels 0, 1, ... numbered in order of first appearance
 */
export function enforceConnectivity(labels: Int32Array, height: number, width: number, minSize: number, depth = 1): Int32Array {
  const n = labels.length;
  const plane = height * width;
  const piece = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  const sizes: number[] = [];
  for (let start = 0; start < n; start++) {
    if (piece[start]! >= 0) continue;
    const id = sizes.length;
    piece[start] = id;
    queue[0] = start;
    let [head, tail] = [0, 1];
    while (head < tail) {
      const p = queue[head++]!;
      const [d, r, c] = [Math.floor(p / plane), Math.floor(p / width) % height, p % width];
      // The 2-D order (left, up, right, down) first, then the slices before and after (none for an image).
      const around = [c > 0 ? p - 1 : -1, r > 0 ? p - width : -1, c < width - 1 ? p + 1 : -1, r < height - 1 ? p + width : -1, d > 0 ? p - plane : -1, d < depth - 1 ? p + plane : -1];
      for (const q of around) {
        if (q >= 0 && piece[q]! < 0 && labels[q] === labels[start]) {
          piece[q] = id;
          queue[tail++] = q;
        }
      }
    }
    sizes.push(tail);
  }
  // Which pieces touch which (right, down and next-slice neighbours see every adjacent pair once).
  const neighbours = sizes.map(() => new Set<number>());
  for (let p = 0; p < n; p++) {
    for (const q of [p % width < width - 1 ? p + 1 : -1, Math.floor(p / width) % height < height - 1 ? p + width : -1, p + plane < n ? p + plane : -1]) {
      if (q >= 0 && piece[q] !== piece[p]) {
        neighbours[piece[p]!]!.add(piece[q]!);
        neighbours[piece[q]!]!.add(piece[p]!);
      }
    }
  }
  const parent = sizes.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const merged = [...sizes];
  const small = sizes.map((size, i) => ({ size, i })).filter(({ size }) => size < minSize).sort((a, b) => a.size - b.size || a.i - b.i);
  for (const { i } of small) {
    const root = find(i);
    if (merged[root]! >= minSize) continue;
    let best = -1;
    for (const j of neighbours[i]!) {
      const other = find(j);
      if (other !== root && (best < 0 || merged[other]! > merged[best]!)) best = other;
    }
    if (best < 0) continue;
    parent[root] = best;
    merged[best]! += merged[root]!;
  }
  const ids = new Map<number, number>();
  return Int32Array.from(piece, (id) => {
    const root = find(id);
    let label = ids.get(root);
    if (label === undefined) ids.set(root, (label = ids.size));
    return label;
  });
}
