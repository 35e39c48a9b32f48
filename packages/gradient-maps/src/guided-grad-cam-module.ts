import { methodModule } from '@tfxai/core';
import { GRADIENT_MAP_METHODS } from './gradient-map-methods.js';

/** Registers Guided Grad-CAM under its canonical name and AUCMEDI's keys. */
export const guidedGradCamModule = methodModule(GRADIENT_MAP_METHODS.guidedGradCam);
