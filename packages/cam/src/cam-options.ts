import { InvalidOptionError, checkBoolean, checkChoice, describeOptionValue, type MethodOptions } from '@tfxai/core';
import { EXPLAINED_OUTPUTS, type ExplainedOutput } from './explained-output.js';

/** Where a CAM heatmap lives: upsampled to the input image, or at the feature map's own size. */
export type CamResolution = 'input' | 'feature';
/** Every allowed {@link CamResolution}. */
export const CAM_RESOLUTIONS: readonly CamResolution[] = ['input', 'feature'];

/** Options every CAM method (Grad-CAM, Grad-CAM++, Score-CAM) takes. */
export interface CamOptions extends MethodOptions {
  /**
   * The layer whose feature maps are weighted: a layer name, a path into nested models
   * ('base/conv_pw_13_relu'), or a node name for a tf.GraphModel.
   * Default: the last layer with a 4-D output, searching into nested models (graph models:
   * the 4-D node nearest the output, searched backwards from the output on the first call).
   */
  layerName?: string;
  /** Explain the model's output as it is, or the logits before a final softmax/sigmoid. Default: 'probabilities' (AUCMEDI's). */
  output?: ExplainedOutput;
  /** computeHeatmap's size: 'input' upsamples the map bilinearly to the image; 'feature' keeps the feature map's (h, w). Default: 'input'. */
  resolution?: CamResolution;
  /** Apply ReLU to the weighted sum of feature maps, as the papers do. `false` reproduces AUCMEDI (no ReLU). Default: true. */
  relu?: boolean;
}

/** Every common option filled in and checked (layerName stays optional: undefined means automatic). */
export interface ResolvedCamOptions {
  layerName: string | undefined;
  output: ExplainedOutput;
  resolution: CamResolution;
  relu: boolean;
}

/** The defaults of {@link CamOptions}. */
export const CAM_DEFAULTS = Object.freeze({
  output: 'probabilities' as ExplainedOutput,
  resolution: 'input' as CamResolution,
  relu: true,
});

/** Fills in defaults and rejects values outside the allowed ones. */
export function resolveCamOptions(options: CamOptions = {}): ResolvedCamOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', `must be an object; got ${describeOptionValue(options)}`);
  return {
    layerName: options.layerName,
    output: checkChoice('output', options.output ?? CAM_DEFAULTS.output, EXPLAINED_OUTPUTS),
    resolution: checkChoice('resolution', options.resolution ?? CAM_DEFAULTS.resolution, CAM_RESOLUTIONS),
    relu: checkBoolean('relu', options.relu ?? CAM_DEFAULTS.relu),
  };
}
