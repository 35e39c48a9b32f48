import type * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, LayerNotFoundError, isLayersModel } from '@tfxai/core';

/** A layer of a layers model, with the path that names it from the outermost model ('base/conv_pw_13_relu'). */
export interface LayerEntry {
  /** Names from the outermost model down, joined by '/'. */
  readonly path: string;
  readonly layer: tf.layers.Layer;
  /** Rank of the layer's output (batch axis included), or undefined when it has none or several. */
  readonly outputRank: number | undefined;
  /** The layer's output shape (batch axis included, null for a free size), or undefined when it has none or several. */
  readonly outputShape: readonly (number | null)[] | undefined;
  /** True for a model used as a layer (a nested base network). */
  readonly isNestedModel: boolean;
}

function outputShapeOf(layer: tf.layers.Layer): (number | null)[] | undefined {
  try {
    const shape = layer.outputShape;
    // A list of shapes means several outputs; a shape is a list of numbers/nulls.
    if (!Array.isArray(shape) || shape.some((dim) => Array.isArray(dim))) return undefined;
    return shape as (number | null)[];
  } catch {
    // outputShape throws for a layer used at several places (ambiguous shape).
    return undefined;
  }
}

/**
 * The rank of the feature maps a CAM method reads in `model`: 5 (N, depth, height, width,
 * channels) when the model takes volumes (a rank-5 input), else 4 (N, height, width, channels).
 */
export function featureMapRank(model: tf.LayersModel): 4 | 5 {
  return model.inputs[0]?.shape.length === 5 ? 5 : 4;
}

/** '(N, height, width, channels)' or '(N, depth, height, width, channels)'. */
export function featureMapAxes(rank: number): string {
  return rank === 5 ? '(N, depth, height, width, channels)' : '(N, height, width, channels)';
}

/**
 * Whether a feature map of this (N, h, w, channels) or (N, d, h, w, channels) shape can
 * vary over the image: every spatial size above 1, or not known before the model runs
 * (null, a free size). A 1x1 map (a pooling head such as MobileNetV2's `AveragePooling2D(7)`)
 * upsamples to a constant: every CAM on it is flat.
 */
export function isSpatialShape(shape: readonly (number | null)[]): boolean {
  const above1 = (size: number | null | undefined) => size === null || (size !== undefined && size > 1);
  return shape.length >= 4 && shape.slice(1, -1).every(above1);
}

/** True for a feature map that is 1x1 (or 1x1x1), so that every CAM on it is constant. */
export function isSinglePixelShape(shape: readonly (number | null)[]): boolean {
  return shape.length >= 4 && shape.slice(1, -1).every((size) => size === 1);
}

/**
 * Every layer of `model` in the model's own (topological) order, descending into
 * nested models: a nested model's layers come right before the nested model itself.
 */
export function listLayers(model: tf.LayersModel, prefix = ''): LayerEntry[] {
  const entries: LayerEntry[] = [];
  for (const layer of model.layers) {
    const path = prefix + layer.name;
    const nested = isLayersModel(layer);
    if (nested) entries.push(...listLayers(layer as unknown as tf.LayersModel, `${path}/`));
    const outputShape = outputShapeOf(layer);
    entries.push({ path, layer, outputRank: outputShape?.length, outputShape, isNestedModel: nested });
  }
  return entries;
}

/** The layers Grad-CAM can use: outputs of the feature map rank, (N, h, w, channels) or (N, d, h, w, channels). */
function isFeatureMapLayer(entry: LayerEntry, rank: number): boolean {
  return entry.outputRank === rank && entry.layer.getClassName() !== 'InputLayer';
}

/** The layers the automatic choice takes: feature maps with a real spatial map (every spatial size above 1, or free). */
function isSpatialFeatureMapLayer(entry: LayerEntry, rank: number): boolean {
  return isFeatureMapLayer(entry, rank) && entry.outputShape !== undefined && isSpatialShape(entry.outputShape);
}

function candidateList(entries: readonly LayerEntry[], rank: number): string[] {
  const featureMaps = entries.filter((e) => isFeatureMapLayer(e, rank)).map((e) => e.path);
  return featureMaps.length ? featureMaps : entries.map((e) => e.path);
}

/** 'layers with a 4-D output: a, b' or, when there are none, 'no layer has a 4-D output; layers: a, b' (5-D for volume models). */
function describeCandidates(entries: readonly LayerEntry[], rank: number): string {
  const list = candidateList(entries, rank).join(', ') || '(none)';
  return entries.some((e) => isFeatureMapLayer(e, rank)) ? `layers with a ${rank}-D output: ${list}` : `no layer has a ${rank}-D output; layers: ${list}`;
}

/** 'height and width' or 'depth, height and width'. */
function spatialSizes(rank: number): string {
  return rank === 5 ? 'depth, height and width' : 'height and width';
}

/**
 * The target layer of a CAM method in a layers model. Image models (a rank-4 input) take
 * a 4-D feature map (N, h, w, channels); volume models (a rank-5 input) a 5-D one
 * (N, d, h, w, channels).
 * - With `layerName`: the layer of that name at the top level, or a path into nested
 *   models ('base/conv_pw_13_relu'), or a bare name found in exactly one nested model.
 * - Without: the last layer whose output is a feature map of that rank with every spatial
 *   size above 1 (or free), searching into nested models: the last convolution block before
 *   Flatten or pooling, as tf-keras-vis and Xplique look for the last convolution (and
 *   AUCMEDI for the last 4-D or 5-D output). A pooling head with a 1x1 output (MobileNetV2's
 *   `AveragePooling2D(7)`) is passed over: its CAM would be constant.
 * @throws LayerNotFoundError naming the candidates (the 4-D or 5-D layers, or all layers if there are none);
 *   InvalidOptionError when the named layer's output is not of the feature map rank, or is 1x1 (1x1x1)
 */
export function findTargetLayer(model: tf.LayersModel, layerName?: string): LayerEntry {
  const entries = listLayers(model);
  const rank = featureMapRank(model);
  const isCandidate = (e: LayerEntry) => isFeatureMapLayer(e, rank);
  const isSpatialCandidate = (e: LayerEntry) => isSpatialFeatureMapLayer(e, rank);
  if (layerName === undefined) {
    const featureMaps = entries.filter((e) => isSpatialCandidate(e) && !e.isNestedModel);
    const last = featureMaps[featureMaps.length - 1];
    if (last) return last;
    const single = rank === 5 ? '1x1x1' : '1x1';
    const flat = entries.some(isCandidate) ? ` (every ${rank}-D layer is ${single}, so its map would be constant)` : '';
    throw new LayerNotFoundError(
      `model '${model.name}' has no layer with a ${rank}-D output ${featureMapAxes(rank)} whose ${spatialSizes(rank)} exceed 1, so a class activation map cannot be computed${flat}; ` +
        `CAM methods need a convolutional feature map (${describeCandidates(entries, rank)})`,
      candidateList(entries, rank),
    );
  }
  if (typeof layerName !== 'string' || layerName.trim() === '') {
    throw new InvalidOptionError('layerName', `must be a non-empty layer name or path such as 'base/conv_pw_13_relu'; got ${JSON.stringify(layerName)}`);
  }
  const exact = entries.find((e) => e.path === layerName);
  const byBareName = entries.filter((e) => e.layer.name === layerName);
  const found = exact ?? (byBareName.length === 1 ? byBareName[0] : undefined);
  if (found) {
    // A layer used at several places has no single output shape (undefined): the forward pass checks it instead.
    if (found.outputRank !== undefined && found.outputRank !== rank) {
      const need = rank === 5 ? 'CAM methods on a volume model need a 5-D feature map' : 'CAM methods need a 4-D feature map';
      throw new InvalidOptionError('layerName', `layer '${found.path}' gives a ${found.outputRank}-D output, but ${need} ${featureMapAxes(rank)}; ${describeCandidates(entries, rank)}`);
    }
    if (found.outputShape !== undefined && found.outputRank === rank && isSinglePixelShape(found.outputShape)) {
      throw new InvalidOptionError(
        'layerName',
        `layer '${found.path}' gives a ${rank === 5 ? '1x1x1' : '1x1'} feature map [${found.outputShape.map(String)}], so every CAM on it would be constant; ` +
          `pick a layer with a spatial map: ${entries.filter(isSpatialCandidate).map((e) => e.path).join(', ') || '(none)'}`,
      );
    }
    return found;
  }
  if (byBareName.length > 1) {
    throw new LayerNotFoundError(
      `layer name '${layerName}' is ambiguous in model '${model.name}': it names ${byBareName.map((e) => `'${e.path}'`).join(', ')}; pass the full path`,
      byBareName.map((e) => e.path),
    );
  }
  throw new LayerNotFoundError(
    `model '${model.name}' has no layer '${layerName}' (nested layers are named by path, e.g. 'base/conv'); ${describeCandidates(entries, rank)}`,
    candidateList(entries, rank),
  );
}
