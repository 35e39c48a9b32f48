import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError } from '@tfxai/core';

/**
 * Intensity standardisation before the model, as a Keras/AUCMEDI user knows it.
 * Images arrive on the 0..255 scale.
 * - `none`: unchanged.
 * - `rescale`: x / 255, to [0, 1] (Keras' `Rescaling(1/255)`).
 * - `minmax`: AUCMEDI, per image: (x - min + e) / (max - min + e).
 * - `z-score`: AUCMEDI, per image: (x - mean + e) / (std + e), population std.
 * - `grayscale`: AUCMEDI, per image: round(255 * (x - min + e) / (max - min + e)), half to even.
 * - `tf`: Keras: x / 127.5 - 1, to [-1, 1].
 * - `caffe`: Keras: RGB -> BGR, minus the ImageNet means (103.939, 116.779, 123.68), no scaling. RGB models only.
 * - `torch`: Keras: (x / 255 - mean) / std with the ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225). RGB models only.
 * AUCMEDI's smoothing e is 1e-6.
 */
export type StandardizeMode = 'none' | 'rescale' | 'minmax' | 'z-score' | 'grayscale' | 'tf' | 'caffe' | 'torch';
export const STANDARDIZE_MODES: readonly StandardizeMode[] = ['none', 'rescale', 'minmax', 'z-score', 'grayscale', 'tf', 'caffe', 'torch'];

/**
 * A user's own preprocessing: one image (H, W, C) on the 0..255 scale, already
 * resized to the model's input and converted to its channel count, in; the
 * model's input out. Called inside `tf.tidy`.
 */
export type PreprocessFunction = (image: tf.Tensor3D) => tf.Tensor3D;

/** AUCMEDI's `Standardize(smooth=0.000001)`. */
const SMOOTH = 1e-6;
const CAFFE_BGR_MEAN = [103.939, 116.779, 123.68];
const TORCH_MEAN = [0.485, 0.456, 0.406];
const TORCH_STD = [0.229, 0.224, 0.225];

/** Checks a `standardize` option and returns it. @throws InvalidOptionError */
export function checkStandardize(standardize: StandardizeMode | PreprocessFunction, channels: number | undefined): StandardizeMode | PreprocessFunction {
  if (typeof standardize === 'function') return standardize;
  if (!STANDARDIZE_MODES.includes(standardize)) {
    throw new InvalidOptionError('standardize', `got '${String(standardize)}'; allowed: ${STANDARDIZE_MODES.join(', ')}, or a function (image) => image`);
  }
  if ((standardize === 'caffe' || standardize === 'torch') && channels !== undefined && channels !== 3) {
    throw new InvalidOptionError('standardize', `'${standardize}' works on RGB input; the model takes ${channels} channel(s). Use minmax, z-score, grayscale, tf, rescale or none`);
  }
  return standardize;
}

/**
 * Applies a standardisation mode (or function) to one image (H, W, C) on the 0..255 scale.
 * The caller owns the result.
 */
export function standardizeImage(image: tf.Tensor3D, standardize: StandardizeMode | PreprocessFunction): tf.Tensor3D {
  return tf.tidy(() => {
    if (typeof standardize === 'function') return standardize(image);
    switch (standardize) {
      case 'none':
        return image.clone();
      case 'rescale':
        return tf.div(image, 255);
      case 'minmax':
      case 'grayscale': {
        const min = tf.min(image);
        const scaled = tf.div(tf.add(tf.sub(image, min), SMOOTH), tf.add(tf.sub(tf.max(image), min), SMOOTH));
        return standardize === 'minmax' ? scaled : tf.round(tf.mul(scaled, 255));
      }
      case 'z-score': {
        const { mean, variance } = tf.moments(image);
        return tf.div(tf.add(tf.sub(image, mean), SMOOTH), tf.add(tf.sqrt(variance), SMOOTH));
      }
      case 'tf':
        return tf.sub(tf.div(image, 127.5), 1);
      case 'caffe':
        return tf.sub(tf.reverse(image, -1), tf.tensor1d(CAFFE_BGR_MEAN));
      case 'torch':
        return tf.div(tf.sub(tf.div(image, 255), tf.tensor1d(TORCH_MEAN)), tf.tensor1d(TORCH_STD));
      default:
        throw new InvalidOptionError('standardize', `got '${String(standardize)}'; allowed: ${STANDARDIZE_MODES.join(', ')}`);
    }
  }) as tf.Tensor3D;
}

/**
 * Converts the channel count: gray -> RGB repeats the channel; RGB -> gray
 * takes the ITU-R 601 luma 0.299 R + 0.587 G + 0.114 B (PIL's `convert('L')`).
 */
export function convertChannels(image: tf.Tensor3D, channels: number): tf.Tensor3D {
  return tf.tidy(() => {
    const have = image.shape[2];
    if (have === channels) return image.clone();
    if (have === 1 && channels === 3) return tf.tile(image, [1, 1, 3]);
    if (have === 3 && channels === 1) return tf.sum(tf.mul(image, tf.tensor1d([0.299, 0.587, 0.114])), -1, true);
    throw new InvalidOptionError('channels', `cannot convert an image of ${have} channels to ${channels}; allowed are 1 and 3`);
  }) as tf.Tensor3D;
}

/** Where the model wants its input: size (null: keep the image's) and channels (null: keep the image's). */
export interface ModelInputSpec {
  height: number | null;
  width: number | null;
  channels: number | null;
  /** Reverse RGB to BGR after the channel conversion (a model trained on BGR; see ModelMetadata.channelOrder). Default: false. */
  reverseChannels?: boolean;
}

/**
 * One image (H, W, C) on the 0..255 scale to the model's input: channels
 * converted, resized bilinearly (half-pixel centres, as OpenCV and PIL
 * resize) to the model's size, then standardised. AUCMEDI's order: resize,
 * then standardise. The caller owns the result.
 */
export function preprocessImage(image: tf.Tensor3D, spec: ModelInputSpec, standardize: StandardizeMode | PreprocessFunction): tf.Tensor3D {
  return tf.tidy(() => {
    let x = spec.channels === null ? image : convertChannels(image, spec.channels);
    if (spec.reverseChannels && x.shape[2] === 3) x = tf.reverse(x, -1);
    const height = spec.height ?? x.shape[0];
    const width = spec.width ?? x.shape[1];
    if (height !== x.shape[0] || width !== x.shape[1]) {
      x = tf.image.resizeBilinear(x, [height, width], false, true);
    }
    return standardizeImage(x, standardize);
  });
}
