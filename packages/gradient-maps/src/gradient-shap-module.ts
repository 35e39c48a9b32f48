import { methodModule } from '@tfxai/core';
import { GRADIENT_MAP_METHODS } from './gradient-map-methods.js';

/** Registers GradientSHAP (AUCMEDI's open request for SHAP). */
export const gradientShapModule = methodModule(GRADIENT_MAP_METHODS.gradientShap);
