import 'reflect-metadata';

export * from './errors.js';
export * from './xai-method.js';
export * from './model-adapter.js';
export * from './method-services.js';
export * from './define-method.js';
export * from './registry.js';
export * from './method-name.js';
export * from './core-module.js';
export * from './backend.js';
export * from './target-selection.js';
export * from './gradients.js';
export * from './heatmap.js';
export * from './image-ops.js';
export * from './validation.js';
