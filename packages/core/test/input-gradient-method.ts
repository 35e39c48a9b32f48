import {
  AttributionMethod,
  createRegistry,
  defineMethod,
  targetGradients,
  type AttributionResult,
  type HeatmapSpec,
  type ModelLike,
  type PreparedBatch,
} from '@tfxai/core';

/** The smallest method on the lifecycle: the input gradient, |.| folded by channel maximum (what a plugin writes). */
export class InputGradient extends AttributionMethod {
  readonly name = 'input-gradient';
  get heatmapSpec(): HeatmapSpec {
    return { absolute: true, channelReduction: 'max' };
  }
  protected async attributeBatch({ batch, targets, numClasses }: PreparedBatch): Promise<AttributionResult> {
    return { attributions: targetGradients(this.adapter, batch, targets, numClasses) };
  }
}

const registry = createRegistry(defineMethod({ name: 'input-gradient', options: [], create: (model, _options, services) => new InputGradient(model, services) }));

/** {@link InputGradient} for `model`, made by the registry as a user gets it. */
export const explainInputGradient = (model: ModelLike) => registry.decoder('input-gradient')(model);
