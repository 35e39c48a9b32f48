import * as tf from '@tensorflow/tfjs';
import { BatchNormalization5D } from './batch-normalization-5d.js';
import { Cropping3D } from './cropping-3d.js';
import { GlobalAveragePooling3D, GlobalMaxPooling3D } from './global-pooling-3d.js';
import { UpSampling3D } from './up-sampling-3d.js';
import { ZeroPadding3D } from './zero-padding-3d.js';

/**
 * The classes registered with tfjs serialization under Keras's names, so that
 * `tf.loadLayersModel` builds them from a converted model.json. Each name but
 * BatchNormalization is one tfjs-layers 4.22 does not know; BatchNormalization
 * is the stock class with 5-D inputs added (everything else goes to stock).
 */
export const volumeLayerClasses = Object.freeze([GlobalAveragePooling3D, GlobalMaxPooling3D, UpSampling3D, ZeroPadding3D, Cropping3D, BatchNormalization5D]);

for (const layerClass of volumeLayerClasses) tf.serialization.registerClass(layerClass as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
