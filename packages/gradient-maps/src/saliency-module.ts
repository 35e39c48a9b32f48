import { methodModule } from '@tfxai/core';
import { GRADIENT_MAP_METHODS } from './gradient-map-methods.js';

/** Registers Saliency under its canonical name and AUCMEDI's keys. */
export const saliencyModule = methodModule(GRADIENT_MAP_METHODS.saliency);
