import { methodModule } from '@tfxai/core';
import { CAM_METHODS } from './cam-methods.js';

/** Registers Grad-CAM under its canonical name and AUCMEDI's keys. */
export const gradCamModule = methodModule(CAM_METHODS.gradCam);
