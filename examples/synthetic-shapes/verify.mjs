// Classifies the example PNGs with the saved model (loaded from disk, as users
// would) and checks each prediction against boxes.json. Exit code 1 on a miss.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLASS_NAMES, IMAGE_SIZE, CHANNELS } from './dataset.mjs';
import { decodePng } from './png.mjs';
import { loadExampleModel } from './load-model.mjs';
import { IMAGES_DIR } from './generate.mjs';

/** Returns [{file, expected, predicted, probabilities, ok}] for every image in boxes.json. */
export async function verifyExamples(model, dir = IMAGES_DIR) {
  const boxes = JSON.parse(fs.readFileSync(path.join(dir, 'boxes.json'), 'utf8'));
  const files = Object.keys(boxes);
  const pixels = files.map((f) => {
    const png = decodePng(fs.readFileSync(path.join(dir, f)));
    return Float32Array.from(png.data, (b) => b / 255); // model input: [0,1] floats
  });
  const batch = tf.tensor4d(
    Float32Array.from(pixels.flatMap((p) => Array.from(p))),
    [files.length, IMAGE_SIZE, IMAGE_SIZE, CHANNELS],
  );
  const probs = tf.tidy(() => model.predict(batch)).arraySync();
  batch.dispose();
  return files.map((file, i) => {
    const predicted = probs[i].indexOf(Math.max(...probs[i]));
    return {
      file, expected: boxes[file].className, predicted: CLASS_NAMES[predicted],
      probabilities: probs[i], ok: predicted === boxes[file].class,
    };
  });
}

export function printResults(results) {
  for (const r of results) {
    const p = r.probabilities.map((v, k) => `${CLASS_NAMES[k]}=${v.toFixed(4)}`).join(' ');
    console.log(`${r.ok ? 'ok  ' : 'MISS'} ${r.file.padEnd(12)} -> ${r.predicted.padEnd(5)} (${p})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await tf.setBackend('wasm');
  const results = await verifyExamples(await loadExampleModel());
  printResults(results);
  if (!results.every((r) => r.ok)) process.exit(1);
}
