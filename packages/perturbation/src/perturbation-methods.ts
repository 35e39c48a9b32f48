import type { MethodRow } from '@tfxai/core';
import { KernelShap } from './kernel-shap.js';
import { KERNEL_SHAP_OPTIONS } from './kernel-shap-options.js';
import { LimeCon, LimePro } from './lime.js';
import { LIME_OPTIONS } from './lime-options.js';
import { OcclusionSensitivity } from './occlusion.js';
import { OCCLUSION_OPTIONS } from './occlusion-options.js';

/**
 * The perturbation package's methods, one row each: class, canonical name, AUCMEDI's keys (aliases), declared options
 * and the line `tfxai methods` lists. Each method's `*-module.ts` registers its row.
 */
export const PERTURBATION_METHODS = {
  kernelShap: { method: KernelShap, name: 'kernel-shap', options: KERNEL_SHAP_OPTIONS, description: 'KernelSHAP: Shapley values of superpixels by Shapley-kernel weighted regression (Lundberg & Lee 2017)' },
  limeCon: { method: LimeCon, name: 'lime-con', aliases: ['LimeCon', 'lc'], options: LIME_OPTIONS, description: 'LIME Con: the superpixels a local linear surrogate weighs against the class (Ribeiro et al. 2016)' },
  limePro: { method: LimePro, name: 'lime-pro', aliases: ['LimePro', 'lp'], options: LIME_OPTIONS, description: 'LIME Pro: the superpixels a local linear surrogate weighs for the class (Ribeiro et al. 2016)' },
  occlusion: { method: OcclusionSensitivity, name: 'occlusion', aliases: ['OcclusionSensitivity', 'os'], options: OCCLUSION_OPTIONS, description: 'Occlusion Sensitivity: the score change when a sliding patch hides each region (Zeiler & Fergus 2014)' },
} satisfies Record<string, MethodRow<never>>;
