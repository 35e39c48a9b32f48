import { defineMethod } from '@tfxai/core';
import { GRADIENT_MAP_OPTIONS } from './gradient-map-method.js';
import { GuidedBackprop, type GuidedBackpropOptions } from './guided-backprop.js';

/** Registers Guided Backpropagation under its canonical name and AUCMEDI's keys. */
export const guidedBackpropModule = defineMethod<GuidedBackpropOptions>({
  name: 'guided-backprop',
  aliases: ['guidedbackprop', 'GuidedBackpropagation', 'gb'],
  description: 'Guided Backpropagation: input gradient with ReLUs passing back only positive gradient (Springenberg et al. 2015)',
  // Row gradients make SmoothGrad cheaper here than the generic noise tunnel.
  nativeSmoothGrad: true,
  options: GRADIENT_MAP_OPTIONS,
  create: (model, options, services) => new GuidedBackprop(model, options, services),
});
