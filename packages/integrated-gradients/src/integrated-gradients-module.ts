import { methodModule } from '@tfxai/core';
import { IntegratedGradients } from './integrated-gradients.js';
import { INTEGRATED_GRADIENTS_OPTIONS } from './options.js';

/** Registers Integrated Gradients under its canonical name and AUCMEDI's keys. */
export const integratedGradientsModule = methodModule({ method: IntegratedGradients, name: 'integrated-gradients', aliases: ['IntegratedGradients', 'ig'], options: INTEGRATED_GRADIENTS_OPTIONS, description: 'Integrated Gradients: path-integrated input gradients from a baseline (Sundararajan et al. 2017)' });
