import { methodModule } from '@tfxai/core';
import { PERTURBATION_METHODS } from './perturbation-methods.js';

/** Registers KernelSHAP (AUCMEDI's open request for SHAP; AUCMEDI has no key for it). 'KernelShap' finds it too: lookups ignore case, '-' and '_'. */
export const kernelShapModule = methodModule(PERTURBATION_METHODS.kernelShap);
