// Writes the example volumes (volumes/<class>-0N.npy, float32 (24, 24, 24, 1))
// and volumes/boxes.json with each structure's voxel box and the model's scores.
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy } from '@tfxai/node';
import { makeVolumes, CLASS_NAMES, VOLUME_SIZE, CHANNELS } from './dataset.mjs';

export const VOLUME_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'volumes');
export const EXAMPLE_SEED = 20261129;

/** Three volumes per class; `model` (optional) adds its scores to boxes.json. */
export async function writeExampleVolumes(model) {
  const { volumes, labels, boxes } = makeVolumes({ count: 9, seed: EXAMPLE_SEED });
  const per = VOLUME_SIZE ** 3 * CHANNELS;
  fs.mkdirSync(VOLUME_DIR, { recursive: true });
  const index = {};
  for (let i = 0; i < labels.length; i++) {
    const name = `${CLASS_NAMES[labels[i]]}-0${Math.floor(i / 3) + 1}.npy`;
    const values = volumes.slice(i * per, (i + 1) * per);
    fs.writeFileSync(path.join(VOLUME_DIR, name), encodeNpy(values, [VOLUME_SIZE, VOLUME_SIZE, VOLUME_SIZE, CHANNELS]));
    const scores = model ? tf.tidy(() => Array.from(model.predict(tf.tensor5d(values, [1, VOLUME_SIZE, VOLUME_SIZE, VOLUME_SIZE, CHANNELS])).dataSync())) : undefined;
    index[name] = { class: labels[i], className: CLASS_NAMES[labels[i]], box: boxes[i], ...(scores && { scores: scores.map((s) => Number(s.toFixed(4))) }) };
  }
  fs.writeFileSync(path.join(VOLUME_DIR, 'boxes.json'), JSON.stringify(index, null, 1) + '\n');
  return index;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await writeExampleVolumes();
