import type { ContainerModule } from 'inversify';
import { integratedGradientsModule } from '@tfxai/integrated-gradients';
import { kernelShapModule, limeConModule, limeProModule, occlusionModule } from '@tfxai/perturbation';
import { gradCamModule, gradCamPlusPlusModule, scoreCamModule } from '@tfxai/cam';
import { gradientShapModule, guidedBackpropModule, saliencyModule } from '@tfxai/gradient-maps';
import { guidedGradCamModule } from './guided-grad-cam-module.js';

/** Every official method's module: the umbrella's default registry loads them all. Adding a method is one line here. */
export const officialModules: readonly ContainerModule[] = Object.freeze([
  integratedGradientsModule,
  gradCamModule,
  gradCamPlusPlusModule,
  scoreCamModule,
  saliencyModule,
  guidedBackpropModule,
  guidedGradCamModule,
  gradientShapModule,
  occlusionModule,
  limeProModule,
  limeConModule,
  kernelShapModule,
]);
