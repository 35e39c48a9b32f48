// Writes the 9 example images (3 per class) as 8-bit RGB PNGs plus boxes.json.
// Run alone (`node examples/synthetic-shapes/generate.mjs`) or via train.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeDataset, CLASS_NAMES, IMAGE_SIZE, CHANNELS } from './dataset.mjs';
import { encodePng, toBytes } from './png.mjs';

export const EXAMPLE_SEED = 20240607; // separate from the train/test seeds
export const IMAGES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'images');
const PER_CLASS = 3;

export function writeExampleImages(dir = IMAGES_DIR) {
  fs.mkdirSync(dir, { recursive: true });
  // makeDataset labels sample i as class i % 3, so 9 samples = 3 per class.
  const ds = makeDataset({ count: PER_CLASS * CLASS_NAMES.length, seed: EXAMPLE_SEED });
  const per = IMAGE_SIZE * IMAGE_SIZE * CHANNELS;
  const counters = CLASS_NAMES.map(() => 0);
  const boxes = {};
  ds.labels.forEach((cls, i) => {
    const name = `${CLASS_NAMES[cls]}-${String(++counters[cls]).padStart(2, '0')}.png`;
    const bytes = toBytes(ds.images.subarray(i * per, (i + 1) * per));
    fs.writeFileSync(path.join(dir, name), encodePng(IMAGE_SIZE, IMAGE_SIZE, bytes));
    boxes[name] = { class: cls, className: CLASS_NAMES[cls], box: ds.boxes[i] };
  });
  // Sorted keys keep the JSON diff-friendly.
  const sorted = Object.fromEntries(Object.keys(boxes).sort().map((k) => [k, boxes[k]]));
  fs.writeFileSync(path.join(dir, 'boxes.json'), JSON.stringify(sorted, null, 2) + '\n');
  return sorted;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const written = writeExampleImages();
  console.log(`wrote ${Object.keys(written).length} images + boxes.json to ${IMAGES_DIR}`);
}
