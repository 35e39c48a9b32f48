export * from './backends.js';
export * from './leaks.js';
export * from './numbers.js';
