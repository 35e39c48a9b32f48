import { defineMethod } from '@tfxai/core';
import { LimeCon } from './lime.js';
import { LIME_OPTIONS, type LimeOptions } from './lime-options.js';

/** Registers LIME Con under its canonical name and AUCMEDI's keys. */
export const limeConModule = defineMethod<LimeOptions>({
  name: 'lime-con',
  aliases: ['LimeCon', 'lc'],
  description: 'LIME Con: the superpixels a local linear surrogate weighs against the class (Ribeiro et al. 2016)',
  options: LIME_OPTIONS,
  create: (model, options, services) => new LimeCon(model, options, services),
});
