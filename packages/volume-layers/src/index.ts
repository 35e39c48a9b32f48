// Importing this package registers the layers with tfjs serialization (see register-volume-layers.ts).
export { volumeLayerClasses } from './register-volume-layers.js';
export { GlobalAveragePooling3D, GlobalMaxPooling3D, type GlobalPooling3DArgs } from './global-pooling-3d.js';
export { UpSampling3D, type UpSampling3DArgs } from './up-sampling-3d.js';
export { ZeroPadding3D, type ZeroPadding3DArgs } from './zero-padding-3d.js';
export { Cropping3D, type Cropping3DArgs } from './cropping-3d.js';
export { BatchNormalization5D } from './batch-normalization-5d.js';
export type { DataFormat3d } from './data-format.js';
