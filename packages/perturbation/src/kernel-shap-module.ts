import { defineMethod } from '@tfxai/core';
import { KernelShap } from './kernel-shap.js';
import { KERNEL_SHAP_OPTIONS, type KernelShapOptions } from './kernel-shap-options.js';

/** Registers KernelSHAP (AUCMEDI's open request for SHAP; AUCMEDI has no key for it). 'KernelShap' finds it too: lookups ignore case, '-' and '_'. */
export const kernelShapModule = defineMethod<KernelShapOptions>({
  name: 'kernel-shap',
  description: 'KernelSHAP: Shapley values of superpixels by Shapley-kernel weighted regression (Lundberg & Lee 2017)',
  options: KERNEL_SHAP_OPTIONS,
  create: (model, options, services) => new KernelShap(model, options, services),
});
