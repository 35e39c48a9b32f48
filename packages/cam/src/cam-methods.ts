import type { MethodRow } from '@tfxai/core';
import { CAM_OPTIONS } from './cam-options.js';
import { GradCam } from './grad-cam.js';
import { GradCamPlusPlus } from './grad-cam-plus-plus.js';
import { ScoreCam } from './score-cam.js';
import { SCORE_CAM_OPTIONS } from './score-cam-options.js';

/**
 * The cam package's methods, one row each: class, canonical name, AUCMEDI's keys (aliases), declared options
 * and the line `tfxai methods` lists. Each method's `*-module.ts` registers its row.
 */
export const CAM_METHODS = {
  gradCam: { method: GradCam, name: 'gradcam', aliases: ['GradCAM', 'gc'], options: CAM_OPTIONS, description: 'Grad-CAM: feature maps of a conv layer weighted by their mean gradient (Selvaraju et al. 2017)' },
  gradCamPlusPlus: { method: GradCamPlusPlus, name: 'gradcam++', aliases: ['GradCAM++', 'GradCAMpp', 'gc++'], options: CAM_OPTIONS, description: 'Grad-CAM++: feature maps weighted by pixel-wise weighted positive gradients (Chattopadhay et al. 2018)' },
  scoreCam: { method: ScoreCam, name: 'scorecam', options: SCORE_CAM_OPTIONS, description: 'Score-CAM: feature maps weighted by the score of the input masked with each of them (Wang et al. 2020)' },
} satisfies Record<string, MethodRow<never>>;
