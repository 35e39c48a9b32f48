export * from './backends.js';
export * from './leaks.js';
export * from './numbers.js';
export * from './graph-model-from-nodes.js';
export * from './keras-like-models.js';
export * from './relu-softmax-cnn.js';
export * from './bad-image-cases.js';
export * from './volume-net-reference.js';
