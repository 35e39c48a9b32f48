import { methodModule } from '@tfxai/core';
import { PERTURBATION_METHODS } from './perturbation-methods.js';

/** Registers LIME Con under its canonical name and AUCMEDI's keys. */
export const limeConModule = methodModule(PERTURBATION_METHODS.limeCon);
