import { methodModule } from '@tfxai/core';
import { GUIDED_GRAD_CAM_OPTIONS, GuidedGradCam } from './guided-grad-cam.js';

/**
 * Registers Guided Grad-CAM under its canonical name and AUCMEDI's keys. `nativeSmoothGrad`: its
 * guided-backprop component's row gradients make SmoothGrad cheaper than the generic noise tunnel.
 */
export const guidedGradCamModule = methodModule({ method: GuidedGradCam, name: 'guided-gradcam', aliases: ['GuidedGradCAM', 'ggc'], nativeSmoothGrad: true, options: GUIDED_GRAD_CAM_OPTIONS, description: 'Guided Grad-CAM: guided backpropagation gated by the upsampled Grad-CAM map (Selvaraju et al. 2017)' });
