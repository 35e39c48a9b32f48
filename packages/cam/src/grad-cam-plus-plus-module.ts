import { defineMethod } from '@tfxai/core';
import { CAM_OPTIONS } from './cam-options.js';
import { GradCamPlusPlus, type GradCamPlusPlusOptions } from './grad-cam-plus-plus.js';

/** Registers Grad-CAM++ under its canonical name and AUCMEDI's keys. */
export const gradCamPlusPlusModule = defineMethod<GradCamPlusPlusOptions>({
  name: 'gradcam++',
  aliases: ['GradCAM++', 'GradCAMpp', 'gc++'],
  description: 'Grad-CAM++: feature maps weighted by pixel-wise weighted positive gradients (Chattopadhay et al. 2018)',
  options: CAM_OPTIONS,
  create: (model, options, services) => new GradCamPlusPlus(model, options, services),
});
