import { defineMethod } from '@tfxai/core';
import { CAM_OPTIONS } from './cam-options.js';
import { GradCam, type GradCamOptions } from './grad-cam.js';

/** Registers Grad-CAM under its canonical name and AUCMEDI's keys. */
export const gradCamModule = defineMethod<GradCamOptions>({
  name: 'gradcam',
  aliases: ['GradCAM', 'gc'],
  description: 'Grad-CAM: feature maps of a conv layer weighted by their mean gradient (Selvaraju et al. 2017)',
  options: CAM_OPTIONS,
  create: (model, options, services) => new GradCam(model, options, services),
});
