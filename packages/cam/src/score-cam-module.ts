import { defineMethod } from '@tfxai/core';
import { ScoreCam } from './score-cam.js';
import { SCORE_CAM_OPTIONS, type ScoreCamOptions } from './score-cam-options.js';

/** Registers Score-CAM (AUCMEDI's open request #47; it has no AUCMEDI key). */
export const scoreCamModule = defineMethod<ScoreCamOptions>({
  name: 'scorecam',
  description: 'Score-CAM: feature maps weighted by the score of the input masked with each of them (Wang et al. 2020)',
  options: SCORE_CAM_OPTIONS,
  create: (model, options, services) => new ScoreCam(model, options, services),
});
