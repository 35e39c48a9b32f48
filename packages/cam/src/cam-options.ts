import { EXPLAINED_OUTPUTS, resolveDeclaredOptions, type ExplainedOutput, type MethodOptions, type OptionSpec } from '@tfxai/core';

/** Where a CAM heatmap lives: upsampled to the input image, or at the feature map's own size. */
export type CamResolution = 'input' | 'feature';
/** Every allowed {@link CamResolution}. */
export const CAM_RESOLUTIONS: readonly CamResolution[] = ['input', 'feature'];

/** Options every CAM method (Grad-CAM, Grad-CAM++, Score-CAM) takes. */
export interface CamOptions extends MethodOptions {
  /**
   * The layer whose feature maps are weighted: a layer name, a path into nested models
   * ('base/conv_pw_13_relu'), or a node name for a tf.GraphModel.
   * Default: the last layer with a 4-D output whose height and width exceed 1 (for a volume
   * model: a 5-D output whose depth, height and width exceed 1), searching into nested models
   * (graph models: such a node nearest the output, searched backwards from the output on the
   * first call).
   */
  layerName?: string;
  /** Explain the model's output as it is, or the logits before a final softmax/sigmoid. Default: 'probabilities' (AUCMEDI's). */
  output?: ExplainedOutput;
  /** computeHeatmap's size: 'input' upsamples the map bilinearly to the image (trilinearly to a volume); 'feature' keeps the feature map's (h, w) or (d, h, w). Default: 'input'. */
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

/** The declarations of the options every CAM method takes (the docs tables are generated from them). */
export const CAM_OPTIONS: readonly OptionSpec[] = Object.freeze([
  {
    name: 'layerName',
    type: 'string',
    defaultDoc: 'the last layer with a 4-D output whose height and width exceed 1 (volume models: 5-D, depth, height and width above 1), searching into nested models',
    doc: "the layer whose feature maps are weighted: a name, a path into nested models (`'base/conv_pw_13_relu'`), or a `tf.GraphModel` node name; a 1x1 (1x1x1) feature map is refused",
  },
  {
    name: 'output',
    type: 'choice',
    choices: EXPLAINED_OUTPUTS,
    default: CAM_DEFAULTS.output,
    doc: "the scores explained: the model's output as it is (AUCMEDI), or the logits before a final softmax/sigmoid, whose gradients do not vanish when it saturates",
  },
  {
    name: 'resolution',
    type: 'choice',
    choices: CAM_RESOLUTIONS,
    default: CAM_DEFAULTS.resolution,
    doc: "`computeHeatmap`'s size: upsampled bilinearly to the image (trilinearly, half-voxel centres, to a volume), or the layer's own (h, w) or (d, h, w) (AUCMEDI's `compute_heatmap`)",
  },
  { name: 'relu', type: 'boolean', default: CAM_DEFAULTS.relu, doc: 'ReLU on the weighted sum of feature maps, as in the papers; `false` reproduces AUCMEDI' },
] satisfies OptionSpec[]);

/**
 * Checks `options` against `specs` (default: {@link CAM_OPTIONS}; a CAM method with
 * options of its own passes all of its declarations) and fills in the common defaults.
 * @param method the method's name, for messages
 */
export function resolveCamOptions(options?: CamOptions, specs: readonly OptionSpec[] = CAM_OPTIONS, method?: string): ResolvedCamOptions {
  const given = resolveDeclaredOptions(specs, options, method) as CamOptions & typeof CAM_DEFAULTS;
  return { layerName: given.layerName, output: given.output, resolution: given.resolution, relu: given.relu };
}
