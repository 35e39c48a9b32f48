import { defineMethod } from '@tfxai/core';
import { LimePro } from './lime.js';
import { LIME_OPTIONS, type LimeOptions } from './lime-options.js';

/** Registers LIME Pro under its canonical name and AUCMEDI's keys. */
export const limeProModule = defineMethod<LimeOptions>({
  name: 'lime-pro',
  aliases: ['LimePro', 'lp'],
  description: 'LIME Pro: the superpixels a local linear surrogate weighs for the class (Ribeiro et al. 2016)',
  options: LIME_OPTIONS,
  create: (model, options, services) => new LimePro(model, options, services),
});
