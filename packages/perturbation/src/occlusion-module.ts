import { methodModule } from '@tfxai/core';
import { PERTURBATION_METHODS } from './perturbation-methods.js';

/** Registers Occlusion Sensitivity under its canonical name and AUCMEDI's keys. */
export const occlusionModule = methodModule(PERTURBATION_METHODS.occlusion);
