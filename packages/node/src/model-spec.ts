import { isGraphModel, isLayersModel, type ModelAdapter, type ModelLike } from '@tfxai/core';
import type { ModelInputSpec } from './preprocessing.js';

/** The class count a model declares in its output shape, if it does. */
export function declaredClassCount(model: ModelLike): number | undefined {
  const shape = isLayersModel(model) || isGraphModel(model) ? model.outputs[0]?.shape : undefined;
  const classes = shape?.[shape.length - 1];
  return typeof classes === 'number' && classes > 0 && shape!.length === 2 ? classes : undefined;
}

/** The model's input size and channels: the given ones, else what the model declares, else null (each image's own). */
export function modelInputSpec(adapter: ModelAdapter, inputSize: readonly [number, number] | undefined, channels: 1 | 3 | undefined): ModelInputSpec {
  const shape = adapter.inputShape;
  return {
    height: inputSize?.[0] ?? (shape?.[0] as number | null | undefined) ?? null,
    width: inputSize?.[1] ?? (shape?.[1] as number | null | undefined) ?? null,
    channels: channels ?? (shape?.[2] as number | null | undefined) ?? null,
  };
}
