import { methodModule } from '@tfxai/core';
import { PERTURBATION_METHODS } from './perturbation-methods.js';

/** Registers LIME Pro under its canonical name and AUCMEDI's keys. */
export const limeProModule = methodModule(PERTURBATION_METHODS.limePro);
