import type { ContainerModule } from 'inversify';
import { integratedGradientsModule } from '@tfxai/integrated-gradients';

/** Every official method's module, in the order `tfxai methods` lists them. Adding a method is one line here. */
export const officialModules: readonly ContainerModule[] = Object.freeze([integratedGradientsModule]);
