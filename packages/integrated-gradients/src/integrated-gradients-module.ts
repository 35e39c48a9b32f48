import { defineMethod } from '@tfxai/core';
import { IntegratedGradients } from './integrated-gradients.js';
import { INTEGRATED_GRADIENTS_OPTIONS, type IntegratedGradientsOptions } from './options.js';

/** Registers Integrated Gradients under its canonical name and AUCMEDI's keys. */
export const integratedGradientsModule = defineMethod<IntegratedGradientsOptions>({
  name: 'integrated-gradients',
  aliases: ['IntegratedGradients', 'ig'],
  description: 'Integrated Gradients: path-integrated input gradients from a baseline (Sundararajan et al. 2017)',
  options: INTEGRATED_GRADIENTS_OPTIONS,
  create: (model, options, services) => new IntegratedGradients(model, options, services),
});
