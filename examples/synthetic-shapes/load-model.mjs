// Loads the committed example model from disk with node:fs (no tfjs-node, so
// no file:// load handler): read model.json + its weight shards, then fromMemory.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODEL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model');

/** Returns a Promise<tf.LayersModel> for examples/synthetic-shapes/model (or `dir`). */
export async function loadExampleModel(dir = MODEL_DIR) {
  const modelJson = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const weightSpecs = [];
  const shards = [];
  for (const group of modelJson.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) shards.push(fs.readFileSync(path.join(dir, p)));
  }
  const joined = Buffer.concat(shards);
  // Copy into a standalone ArrayBuffer: a Buffer may be a view into a larger pool.
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs,
    weightData,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
    trainingConfig: modelJson.trainingConfig,
  }));
}
