export * from './integrated-gradients.js';
export * from './integrated-gradients-module.js';
export * from './options.js';
export * from './quadrature.js';
export * from './first-layer-shortcut.js';
export { makeBaseline, checkBaselineSpecs, type BaselineSpec, type BlurBaseline, type UniformNoiseBaseline } from '@tfxai/core';
