export * from '@tfxai/core';
export * from '@tfxai/integrated-gradients';
export * from './official-modules.js';
export * from './default-registry.js';
