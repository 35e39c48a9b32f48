import type { MethodRow } from '@tfxai/core';
import { GRADIENT_SHAP_OPTIONS } from './gradient-shap-options.js';
import { GradientShap } from './gradient-shap.js';
import { GRADIENT_MAP_OPTIONS } from './gradient-map-method.js';
import { GuidedBackprop } from './guided-backprop.js';
import { Saliency } from './saliency.js';

/**
 * The gradient-maps package's methods, one row each: class, canonical name, AUCMEDI's keys (aliases), declared options
 * and the line `tfxai methods` lists. Each method's `*-module.ts` registers its row.
 * `nativeSmoothGrad`: row gradients make SmoothGrad cheaper there than the generic noise tunnel.
 */
export const GRADIENT_MAP_METHODS = {
  gradientShap: { method: GradientShap, name: 'gradient-shap', aliases: ['GradientShap', 'GradientSHAP'], options: GRADIENT_SHAP_OPTIONS, description: 'GradientSHAP: expected gradients over random baselines with input noise (Lundberg & Lee 2017, as in Captum)' },
  guidedBackprop: { method: GuidedBackprop, name: 'guided-backprop', aliases: ['guidedbackprop', 'GuidedBackpropagation', 'gb'], nativeSmoothGrad: true, options: GRADIENT_MAP_OPTIONS, description: 'Guided Backpropagation: input gradient with ReLUs passing back only positive gradient (Springenberg et al. 2015)' },
  saliency: { method: Saliency, name: 'saliency', aliases: ['SaliencyMap', 'sm'], nativeSmoothGrad: true, options: GRADIENT_MAP_OPTIONS, description: 'Saliency map: the input gradient of the class score, |max| over channels (Simonyan et al. 2014)' },
} satisfies Record<string, MethodRow<never>>;
