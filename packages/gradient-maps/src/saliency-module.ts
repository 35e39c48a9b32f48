import { defineMethod } from '@tfxai/core';
import { GRADIENT_MAP_OPTIONS } from './gradient-map-method.js';
import { Saliency, type SaliencyOptions } from './saliency.js';

/** Registers Saliency under its canonical name and AUCMEDI's keys. */
export const saliencyModule = defineMethod<SaliencyOptions>({
  name: 'saliency',
  aliases: ['SaliencyMap', 'sm'],
  description: 'Saliency map: the input gradient of the class score, |max| over channels (Simonyan et al. 2014)',
  // Row gradients make SmoothGrad cheaper here than the generic noise tunnel.
  nativeSmoothGrad: true,
  options: GRADIENT_MAP_OPTIONS,
  create: (model, options, services) => new Saliency(model, options, services),
});
