// Loads the committed 3-D example model. Its GlobalAveragePooling3D layer is
// one tfjs-layers 4.22 lacks: importing '@tfxai/volume-layers' registers it.
import '@tfxai/volume-layers';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadExampleModel } from '../synthetic-shapes/load-model.mjs';

export const MODEL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model');

/** Returns a Promise<tf.LayersModel> for examples/synthetic-volumes/model (or `dir`). */
export function loadVolumeModel(dir = MODEL_DIR) {
  return loadExampleModel(dir);
}
