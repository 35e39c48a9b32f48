import { methodModule } from '@tfxai/core';
import { GRADIENT_MAP_METHODS } from './gradient-map-methods.js';

/** Registers Guided Backpropagation under its canonical name and AUCMEDI's keys. */
export const guidedBackpropModule = methodModule(GRADIENT_MAP_METHODS.guidedBackprop);
