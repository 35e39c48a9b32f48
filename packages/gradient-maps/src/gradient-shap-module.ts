import { defineMethod } from '@tfxai/core';
import { GRADIENT_SHAP_OPTIONS } from './gradient-shap-options.js';
import { GradientShap } from './gradient-shap.js';
import type { GradientShapOptions } from './gradient-shap-options.js';

/** Registers GradientSHAP (AUCMEDI's open request for SHAP). */
export const gradientShapModule = defineMethod<GradientShapOptions>({
  name: 'gradient-shap',
  aliases: ['GradientShap', 'GradientSHAP'],
  description: 'GradientSHAP: expected gradients over random baselines with input noise (Lundberg & Lee 2017, as in Captum)',
  options: GRADIENT_SHAP_OPTIONS,
  create: (model, options, services) => new GradientShap(model, options, services),
});
