import { defineMethod } from '@tfxai/core';
import { GUIDED_GRAD_CAM_OPTIONS } from './guided-grad-cam.js';
import { GuidedGradCam, type GuidedGradCamOptions } from './guided-grad-cam.js';

/** Registers Guided Grad-CAM under its canonical name and AUCMEDI's keys. */
export const guidedGradCamModule = defineMethod<GuidedGradCamOptions>({
  name: 'guided-gradcam',
  aliases: ['GuidedGradCAM', 'ggc'],
  description: 'Guided Grad-CAM: guided backpropagation gated by the upsampled Grad-CAM map (Selvaraju et al. 2017)',
  // Row gradients make SmoothGrad cheaper here than the generic noise tunnel.
  nativeSmoothGrad: true,
  options: GUIDED_GRAD_CAM_OPTIONS,
  create: (model, options, services) => new GuidedGradCam(model, options, services),
});
