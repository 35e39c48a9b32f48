import * as tf from '@tensorflow/tfjs';
import {
  AttributionMethod,
  defineMethod,
  resolveDeclaredOptions,
  targetGradients,
  type AttributionResult,
  type HeatmapSpec,
  type MethodServices,
  type ModelLike,
  type OptionSpec,
  type PreparedBatch,
} from '@tfxai/core';

/** The plugin's options, declared as data: the registry checks them, docs and the CLI list them. */
export interface GradientXInputOptions {
  /** Heatmap of |attribution|. Default: false. */
  absolute?: boolean;
}
export const GRADIENT_X_INPUT_OPTIONS: readonly OptionSpec[] = [
  { name: 'absolute', type: 'boolean', default: false, doc: 'heatmap of |attribution| instead of the signed sum over channels' },
];

/**
 * Gradient x Input: the input times the gradient of the class score at the input.
 * The core lifecycle (`AttributionMethod`) does the rest: backend, input and
 * model checks, targets, the NaN/Infinity check of the result, the heatmap.
 */
export class GradientXInput extends AttributionMethod {
  readonly name = 'gradient-x-input';
  readonly absolute: boolean;

  constructor(model: ModelLike, options: GradientXInputOptions | undefined, services: MethodServices) {
    const { absolute } = resolveDeclaredOptions(GRADIENT_X_INPUT_OPTIONS, options, 'gradient-x-input') as Required<GradientXInputOptions>;
    super(model, services);
    this.absolute = absolute;
  }

  get heatmapSpec(): HeatmapSpec {
    return { absolute: this.absolute, channelReduction: 'sum' };
  }

  protected async attributeBatch({ batch, targets, numClasses }: PreparedBatch): Promise<AttributionResult> {
    return { attributions: tf.tidy(() => tf.mul(targetGradients(this.adapter, batch, targets, numClasses), batch) as typeof batch) };
  }
}

/** The plugin's whole registration: one call. */
export const gradientXInputModule = defineMethod<GradientXInputOptions>({
  name: 'gradient-x-input',
  aliases: ['gxi'],
  description: 'Gradient x Input (Shrikumar et al. 2016), a third-party plugin',
  options: GRADIENT_X_INPUT_OPTIONS,
  create: (model, options, services) => new GradientXInput(model, options, services),
});
