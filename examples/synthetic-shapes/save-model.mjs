// file:// saving without tfjs-node: a custom save handler that writes the
// standard tfjs layers-model files (model.json + one weights.bin shard).
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';

export const WEIGHTS_FILE = 'weights.bin';

export function fileSaveHandler(dir) {
  return tf.io.withSaveHandler(async (artifacts) => {
    fs.mkdirSync(dir, { recursive: true });
    // weightData may be one ArrayBuffer or a list of them; join into one shard.
    const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
    };
    if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
    if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
    const json = JSON.stringify(modelJson);
    fs.writeFileSync(path.join(dir, 'model.json'), json);
    fs.writeFileSync(path.join(dir, WEIGHTS_FILE), Buffer.from(weights));
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: Buffer.byteLength(JSON.stringify(artifacts.modelTopology)),
        weightSpecsBytes: Buffer.byteLength(JSON.stringify(artifacts.weightSpecs)),
        weightDataBytes: weights.byteLength,
      },
    };
  });
}
