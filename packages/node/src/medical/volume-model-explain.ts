import * as tf from '@tensorflow/tfjs';
import { TfxaiError, resizeVolume, type ModelAdapter, type XaiMethod } from '@tfxai/core';
import { standardizeImage, type PreprocessFunction, type StandardizeMode } from '../preprocessing.js';
import { VolumeInputError } from './medical-errors.js';

/** The grid a 3-D model declares: depth, height, width (null where the model leaves it free) and channels. */
export interface VolumeModelGrid {
  depth: number | null;
  height: number | null;
  width: number | null;
  channels: number | null;
}

/** Whether a model's declared input (without the batch axis) is a volume (D, H, W, C): the model is then a 3-D model. */
export function takesVolumes(inputShape: readonly (number | null)[] | undefined): boolean {
  return inputShape?.length === 4;
}

/** The grid of a 3-D model's declared input [D, H, W, C]. */
export function volumeModelGrid(inputShape: readonly (number | null)[]): VolumeModelGrid {
  const [depth = null, height = null, width = null, channels = null] = inputShape;
  return { depth, height, width, channels };
}

/** A windowed scan as the 3-D path takes it. */
export interface WindowedVolume {
  /** The file or folder, for messages. */
  source: string;
  /** 0..255 values, index `(i + nx * (j + ny * k)) * channels + c` (see MedicalVolume.data). */
  display: Float32Array;
  /** Voxels along i, j, k. */
  dims: readonly [number, number, number];
  channels: number;
}

/** Options of {@link explainVolume}. */
export interface ExplainVolumeOptions {
  /** Classes to explain. Default: the model's top class for the volume. */
  classes?: readonly number[];
  /** How the 0..255 volume becomes the model's input, applied to the whole resized volume at once. Default: 'none'. */
  standardize?: StandardizeMode | PreprocessFunction;
  /** Passed to the method's computeHeatmap. Default: the method's. */
  eps?: number;
}

/** One class's heatmap on the source grid: float32 in [0, 1], i fastest (NIfTI order). */
export interface VolumeClassMap {
  classIndex: number;
  map: Float32Array;
}

/**
 * Trilinear resize of a volume with channels (D, H, W, C): channels moved
 * to the batch axis of {@link resizeVolume} (half-voxel centres) and back.
 * The caller owns the result.
 */
function resizeChannelVolume(volume: tf.Tensor4D, size: readonly [number, number, number]): tf.Tensor4D {
  const [d, h, w] = volume.shape;
  if (d === size[0] && h === size[1] && w === size[2]) return volume.clone();
  return tf.tidy(() => resizeVolume(volume.transpose([3, 0, 1, 2]) as tf.Tensor4D, size).transpose([1, 2, 3, 0]) as tf.Tensor4D);
}

/**
 * The model's input (1, D, H, W, C) for a windowed scan: the voxel grid
 * (k, j, i) read as (D, H, W), resized trilinearly to the model's D, H, W
 * where it declares them, then standardised over the whole volume (a
 * per-image mode such as minmax or z-score takes the volume's statistics).
 * The caller owns the result.
 * @throws VolumeInputError for a one-slice input or another channel count than the model's
 */
export function volumeModelInput(volume: WindowedVolume, grid: VolumeModelGrid, standardize: StandardizeMode | PreprocessFunction = 'none'): tf.Tensor5D {
  const [ni, nj, nk] = volume.dims;
  if (Math.min(ni, nj, nk) < 2) {
    throw new VolumeInputError(volume.source, `it is a single 2-D image (${volume.dims.join('x')} voxels) and the model takes volumes (N, D, H, W, C); explain it with a 2-D model`);
  }
  if (grid.channels !== null && grid.channels !== volume.channels) {
    throw new VolumeInputError(
      volume.source,
      `the model takes ${grid.channels} channel(s) and the scan has ${volume.channels}; a 3-D model gets the scan's own channels (no conversion): use a model with ${volume.channels} input channel(s)`,
    );
  }
  const size: [number, number, number] = [grid.depth ?? nk, grid.height ?? nj, grid.width ?? ni];
  return tf.tidy(() => {
    const scan = tf.tensor4d(volume.display, [nk, nj, ni, volume.channels]);
    const resized = resizeChannelVolume(scan, size);
    // Standardisation is defined on images (H, W, C): stacking the depth into the rows keeps every statistic per volume.
    const standardized = standardizeImage(resized.reshape([size[0] * size[1], size[2], volume.channels]) as tf.Tensor3D, standardize);
    return standardized.reshape([1, ...size, volume.channels]) as tf.Tensor5D;
  });
}

/** Min-max to [0, 1] over the whole volume; a constant map becomes zeros (as core's heatmaps do). */
function normalizeVolume(map: Float32Array): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of map) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  return range > 0 ? map.map((v) => (v - min) / range) : new Float32Array(map.length);
}

/**
 * Explains a scan with a 3-D model as one volume: the scan resized
 * trilinearly to the model's grid ({@link volumeModelInput}), the method's
 * `computeHeatmap` on (1, D, H, W, C), and the map (D, H, W) resized
 * trilinearly back to the scan's voxel grid and min-max normalised over the
 * whole volume. Since a trilinear resize is linear with weights summing to
 * one, that equals normalising the resized raw map: one scale for the whole
 * volume, not per slice. Leaves no tensors behind.
 * @throws VolumeInputError for a scan the model cannot take; the method's own errors (e.g. UnsupportedModelError) as they are
 */
export async function explainVolume(volume: WindowedVolume, model: ModelAdapter, method: XaiMethod, options: ExplainVolumeOptions = {}): Promise<VolumeClassMap[]> {
  const grid = volumeModelGrid(model.inputShape ?? []);
  const input = volumeModelInput(volume, grid, options.standardize);
  const source: [number, number, number] = [volume.dims[2], volume.dims[1], volume.dims[0]];
  try {
    const classes = options.classes ?? [await topClass(model, input)];
    const maps: VolumeClassMap[] = [];
    for (const classIndex of classes) {
      const heatmap = (await method.computeHeatmap(input, classIndex, options.eps)) as tf.Tensor;
      try {
        if (heatmap.rank !== 3) {
          throw new TfxaiError('INVALID_HEATMAP', `method '${method.name}' returned a map of shape [${heatmap.shape.join(', ')}] for a volume; expected (D, H, W)`);
        }
        const resized = resizeVolume(heatmap as tf.Tensor3D, source);
        maps.push({ classIndex, map: normalizeVolume(Float32Array.from(await resized.data())) });
        resized.dispose();
      } finally {
        heatmap.dispose();
      }
    }
    return maps;
  } finally {
    input.dispose();
  }
}

/** The class the model scores highest for the volume. */
async function topClass(model: ModelAdapter, input: tf.Tensor5D): Promise<number> {
  const top = tf.tidy(() => model.predict(input as unknown as tf.Tensor4D).argMax(1));
  const [classIndex] = await top.data();
  top.dispose();
  return classIndex!;
}
