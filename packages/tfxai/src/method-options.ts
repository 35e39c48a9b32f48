import type { SmoothGradOptions } from '@tfxai/core';
import type { IntegratedGradientsOptions } from '@tfxai/integrated-gradients';
import type { GradCamOptions, GradCamPlusPlusOptions, ScoreCamOptions } from '@tfxai/cam';
import type { GradientShapOptions, GuidedBackpropOptions, SaliencyOptions } from '@tfxai/gradient-maps';
import type { GuidedGradCamOptions } from './guided-grad-cam.js';
import type { KernelShapOptions, LimeOptions, OcclusionOptions } from '@tfxai/perturbation';

/** What the registry adds to a method without native SmoothGrad: the `smoothGrad` option (see NoiseTunnel). */
export interface WithSmoothGrad {
  /** SmoothGrad over the method's attributions; `true` for its defaults. Default: off. */
  smoothGrad?: SmoothGradOptions | boolean;
}

/**
 * The options type of every official method name and alias, so that
 * `decoder('ig')` returns a factory typed by `IntegratedGradientsOptions`.
 * Other spellings (any case, '-' and '_' forgiven) and plugins' methods
 * resolve at run time and take `decoder<Options>(name)`.
 */
export interface OfficialMethodOptions {
  'integrated-gradients': IntegratedGradientsOptions & WithSmoothGrad;
  IntegratedGradients: IntegratedGradientsOptions & WithSmoothGrad;
  ig: IntegratedGradientsOptions & WithSmoothGrad;
  saliency: SaliencyOptions;
  SaliencyMap: SaliencyOptions;
  sm: SaliencyOptions;
  'guided-backprop': GuidedBackpropOptions;
  guidedbackprop: GuidedBackpropOptions;
  GuidedBackpropagation: GuidedBackpropOptions;
  gb: GuidedBackpropOptions;
  'guided-gradcam': GuidedGradCamOptions;
  GuidedGradCAM: GuidedGradCamOptions;
  ggc: GuidedGradCamOptions;
  'gradient-shap': GradientShapOptions & WithSmoothGrad;
  GradientShap: GradientShapOptions & WithSmoothGrad;
  GradientSHAP: GradientShapOptions & WithSmoothGrad;
  gradcam: GradCamOptions & WithSmoothGrad;
  GradCAM: GradCamOptions & WithSmoothGrad;
  gc: GradCamOptions & WithSmoothGrad;
  'gradcam++': GradCamPlusPlusOptions & WithSmoothGrad;
  'GradCAM++': GradCamPlusPlusOptions & WithSmoothGrad;
  GradCAMpp: GradCamPlusPlusOptions & WithSmoothGrad;
  'gc++': GradCamPlusPlusOptions & WithSmoothGrad;
  scorecam: ScoreCamOptions & WithSmoothGrad;
  occlusion: OcclusionOptions & WithSmoothGrad;
  OcclusionSensitivity: OcclusionOptions & WithSmoothGrad;
  os: OcclusionOptions & WithSmoothGrad;
  'lime-pro': LimeOptions;
  LimePro: LimeOptions;
  lp: LimeOptions;
  'lime-con': LimeOptions;
  LimeCon: LimeOptions;
  lc: LimeOptions;
  'kernel-shap': KernelShapOptions & WithSmoothGrad;
}

/** Every official method name and alias. */
export type OfficialMethodName = keyof OfficialMethodOptions;
