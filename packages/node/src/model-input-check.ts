import { InvalidOptionError, UnsupportedModelError, isGraphModel, isLayersModel, type ModelLike } from '@tfxai/core';

/**
 * Checks, before any image, that a model can take the images the pipeline
 * makes: one input of rank 4 (N, height, width, channels) with 1 or 3
 * channels, and that a `channels` option agrees with the channels the model
 * declares. What tfjs would otherwise report deep inside the first
 * prediction (or as a TypeError) becomes a typed error naming expected and got.
 * Functions and adapters declare nothing and are not checked here.
 * @throws UnsupportedModelError for several inputs, another rank, or channels other than 1 or 3
 * @throws InvalidOptionError ('channels') when `channels` differs from the model's
 */
export function checkModelTakesImages(model: ModelLike, channels: number | undefined): void {
  if (!isLayersModel(model) && !isGraphModel(model)) return;
  const inputs = model.inputs as readonly { name: string; shape?: readonly (number | null)[] }[];
  if (inputs.length !== 1) {
    throw new UnsupportedModelError(
      `the model has ${inputs.length} inputs (${inputs.map((input) => `'${input.name}'`).join(', ')}); ` +
        'the image pipeline explains models with one image input of shape (N, height, width, channels)',
    );
  }
  const shape = inputs[0]!.shape;
  if (shape === undefined) return;
  const shown = `[${shape.map((d) => (d === null || d === -1 ? 'null' : d)).join(', ')}]`;
  if (shape.length !== 4) {
    throw new UnsupportedModelError(
      `the model's input has shape ${shown} (rank ${shape.length}); the image pipeline needs an image input of shape (N, height, width, channels)` +
        (shape.length === 5 ? ' (a volume model: explain it with the core API on (N, depth, height, width, channels) tensors)' : ''),
    );
  }
  const declared = shape[3];
  if (typeof declared !== 'number' || declared < 1) return;
  if (channels !== undefined && channels !== declared) {
    throw new InvalidOptionError('channels', `got ${channels}, but the model's input ${shown} takes ${declared} channel(s); leave channels out (the model's own is used) or give ${declared}`);
  }
  if (declared !== 1 && declared !== 3) {
    throw new UnsupportedModelError(`the model's input ${shown} takes ${declared} channels; the image pipeline makes images of 1 (grayscale) or 3 (RGB) channels`);
  }
}
