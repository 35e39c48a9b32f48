import { defineMethod } from '@tfxai/core';
import { OcclusionSensitivity } from './occlusion.js';
import { OCCLUSION_OPTIONS, type OcclusionOptions } from './occlusion-options.js';

/** Registers Occlusion Sensitivity under its canonical name and AUCMEDI's keys. */
export const occlusionModule = defineMethod<OcclusionOptions>({
  name: 'occlusion',
  aliases: ['OcclusionSensitivity', 'os'],
  description: 'Occlusion Sensitivity: the score change when a sliding patch hides each region (Zeiler & Fergus 2014)',
  options: OCCLUSION_OPTIONS,
  create: (model, options, services) => new OcclusionSensitivity(model, options, services),
});
