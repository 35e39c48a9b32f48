import { methodModule } from '@tfxai/core';
import { CAM_METHODS } from './cam-methods.js';

/** Registers Score-CAM (AUCMEDI's open request #47; it has no AUCMEDI key). */
export const scoreCamModule = methodModule(CAM_METHODS.scoreCam);
