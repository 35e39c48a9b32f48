import { methodModule } from '@tfxai/core';
import { CAM_METHODS } from './cam-methods.js';

/** Registers Grad-CAM++ under its canonical name and AUCMEDI's keys. */
export const gradCamPlusPlusModule = methodModule(CAM_METHODS.gradCamPlusPlus);
