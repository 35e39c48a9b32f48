// `npm run demo`: explains the bundled example images with several XAI
// methods through tfxai's decoder pipeline, writes each method's heatmap
// overlays, and puts them side by side in one contact sheet per image
// (original | method 1 | method 2 | ...), with the structure that decides the
// class outlined on the original, so a person can see whether each heatmap
// sits on it.
//
// It runs with the defaults a user gets: the model's own tfxai.json says how
// to preprocess and names the classes, the overlay alpha is the decoder's
// default, and every method runs with its own defaults (no options). A map
// that comes out flat is labelled as such.
//
// Then the 3-D example (examples/synthetic-volumes/demo-volumes.mjs): its
// model explains its NIfTI volumes as volumes, writing NIfTI heatmaps on each
// scan's grid and affine, and pictures of the planes through each peak.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { DEFAULT_OVERLAY_ALPHA, xaiDecoder } from '@tfxai/node';
import { defaultRegistry } from 'tfxai';
import { explainExampleVolumes } from './synthetic-volumes/demo-volumes.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = path.join(ROOT, 'examples/synthetic-shapes');
const IMAGES = path.join(EXAMPLE, 'images');
const MODEL = path.join(EXAMPLE, 'model/model.json');
const OUT = path.join(ROOT, 'demo-output');

// The methods to show, in this order; those not registered (yet) are skipped.
const CANDIDATES = [
  { name: 'integrated-gradients', label: 'Integrated Gradients', options: {} },
  { name: 'saliency', label: 'Saliency', options: {} },
  { name: 'guided-backprop', label: 'Guided Backprop', options: {} },
  { name: 'gradcam', label: 'Grad-CAM', options: {} },
  { name: 'gradcam++', label: 'Grad-CAM++', options: {} },
  { name: 'scorecam', label: 'Score-CAM', options: {} },
  // The default 16 px patch is larger than the 10-14 px shapes: a user picks a smaller one.
  { name: 'occlusion', label: 'Occlusion', options: {} },
  { name: 'lime-pro', label: 'LIME Pro', options: {} },
];
const TILE = 192;
const GAP = 12;
const LABEL = 26;
const TITLE = 30;

const escapeXml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One contact sheet: a title, then the tiles in a row, each with its label underneath. */
async function contactSheet(title, tiles, file) {
  const width = GAP + tiles.length * (TILE + GAP);
  const height = TITLE + TILE + LABEL + GAP;
  const labels = tiles
    .map((tile, i) => `<text x="${GAP + i * (TILE + GAP) + TILE / 2}" y="${TITLE + TILE + 19}" text-anchor="middle">${escapeXml(tile.label)}</text>`)
    .join('');
  const text = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="14" fill="#222">` +
      `<text x="${GAP}" y="21" font-size="16" font-weight="bold">${escapeXml(title)}</text>${labels}</svg>`,
  );
  const layers = [{ input: text, left: 0, top: 0 }];
  tiles.forEach((tile, i) => layers.push({ input: tile.image, left: GAP + i * (TILE + GAP), top: TITLE }));
  await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(layers).png().toFile(file);
}

/** An image scaled up without smoothing (64 px is tiny on screen), with an optional box outline. */
async function tile(file, box) {
  let image = sharp(file).resize(TILE, TILE, { kernel: 'nearest' });
  if (box) {
    const scale = TILE / 64;
    const outline = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE}" height="${TILE}"><rect x="${box.x * scale - 2}" y="${box.y * scale - 2}" ` +
        `width="${box.width * scale + 4}" height="${box.height * scale + 4}" fill="none" stroke="#00ff66" stroke-width="2" stroke-dasharray="6 4"/></svg>`,
    );
    image = sharp(await image.png().toBuffer()).composite([{ input: outline }]);
  }
  return image.png().toBuffer();
}

const registry = defaultRegistry();
const methods = CANDIDATES.filter((m) => registry.has(m.name));
const skipped = CANDIDATES.filter((m) => !registry.has(m.name)).map((m) => m.name);
const boxes = JSON.parse(await fs.readFile(path.join(IMAGES, 'boxes.json'), 'utf8'));

await fs.rm(OUT, { recursive: true, force: true });
console.log(`tfxai demo: ${Object.keys(boxes).length} example images, methods: ${methods.map((m) => m.name).join(', ')}` + (skipped.length ? ` (not registered, skipped: ${skipped.join(', ')})` : ''));

const results = {};
for (const method of methods) {
  // The model path, as a user gives it: its tfxai.json beside it sets the preprocessing and class names.
  const result = await xaiDecoder({ inputs: IMAGES, model: MODEL, method: method.name, methodOptions: method.options, outDir: path.join(OUT, method.name) });
  results[method.name] = result;
  const flat = result.warnings.length ? `, ${result.warnings.length} CONSTANT map(s)` : '';
  console.log(`  ${method.label.padEnd(26)} ${result.done} overlays in ${result.seconds.toFixed(1)} s${result.failed ? `, ${result.failed} FAILED` : ''}${flat}`);
}
const first = results[methods[0].name];
console.log(`  ${first.preprocessing}`);
const classNames = first.classNames ?? [];

const sheets = path.join(OUT, 'sheets');
await fs.mkdir(sheets, { recursive: true });
const sheetFiles = [];
for (const [name, truth] of Object.entries(boxes)) {
  const stem = name.replace(/\.png$/, '');
  const predicted = first.samples.find((s) => s.sample === name);
  const tiles = [{ label: `original (${truth.className})`, image: await tile(path.join(IMAGES, name), truth.box) }];
  for (const method of methods) {
    const flat = results[method.name].samples.find((s) => s.sample === name)?.warnings?.length;
    tiles.push({ label: flat ? `${method.label}: FLAT` : method.label, image: await tile(path.join(OUT, method.name, `${stem}.png`)) });
  }
  const file = path.join(sheets, `${stem}.png`);
  const predictedName = predicted?.classNames?.[0] ?? classNames[predicted?.classes[0]] ?? '?';
  await contactSheet(`${name}: true class ${truth.className}, model predicts ${predictedName}; heatmaps explain the predicted class (red = high)`, tiles, file);
  sheetFiles.push(file);
}
// All sheets stacked: one picture to look at.
const sizes = await Promise.all(sheetFiles.map((f) => sharp(f).metadata()));
const overview = path.join(OUT, 'overview.png');
await sharp({ create: { width: Math.max(...sizes.map((s) => s.width)), height: sizes.reduce((h, s) => h + s.height, 0), channels: 3, background: '#ffffff' } })
  .composite(sheetFiles.map((input, i) => ({ input, left: 0, top: sizes.slice(0, i).reduce((h, s) => h + s.height, 0) })))
  .png()
  .toFile(overview);

console.log(`\nOverlays (alpha ${DEFAULT_OVERLAY_ALPHA}, jet): ${OUT}/<method>/<image>.png`);
console.log(`Contact sheets, one per image: ${sheets}/`);
console.log(`Everything on one page: ${overview}`);

await explainExampleVolumes(path.join(OUT, 'volumes'), { registry });
