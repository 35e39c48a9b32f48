// The 3-D part of `npm run demo`: the 3-D example model explains its nine
// example volumes (volumes/*.nii.gz: oblique, flipped, anisotropic affine)
// as volumes, through the medical pipeline a user gets with
// `tfxai explain --model examples/synthetic-volumes/model/model.json ... *.nii.gz`:
// per method and volume a NIfTI heatmap on the scan's grid with its affine
// (opens on top of the scan in any viewer) and a PNG of the three planes
// through the heatmap's peak. Each method's line says whether the peak fell
// on the structure that decides the class (volumes/boxes-world.json).
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { explainMedical } from '@tfxai/node';

const EXAMPLE = path.dirname(fileURLToPath(import.meta.url));
const VOLUMES = path.join(EXAMPLE, 'volumes');
const MODEL = path.join(EXAMPLE, 'model/model.json');

/**
 * The methods shown on volumes. Occlusion's default 16-voxel patch is most of
 * a 24-voxel volume: an 8-voxel patch is about a structure's size. It runs one
 * model pass per window (125 here), so it explains one volume per class only,
 * to keep the demo short.
 */
export const VOLUME_METHODS = [
  { name: 'integrated-gradients', label: 'Integrated Gradients', options: {} },
  { name: 'gradcam', label: 'Grad-CAM', options: {} },
  { name: 'occlusion', label: 'Occlusion', options: { patchSize: 8, stride: 4 }, only: ['cross-01.nii.gz', 'frame-01.nii.gz', 'diagonal-01.nii.gz'] },
];

/** Whether voxel (i, j, k) lies in a structure's voxel box, grown by `margin` voxels. */
const inBox = (voxel, box, margin) => ['i', 'j', 'k'].every((axis, n) => voxel[n] >= box[axis][0] - margin && voxel[n] <= box[axis][1] + margin);

/**
 * Explains the example volumes with each method into `outDir/<method>/`,
 * printing one line per method through `log`. A method that does not take
 * volumes on this build is reported and skipped.
 * @returns the per-method results, for the caller's summary
 */
export async function explainExampleVolumes(outDir, { log = console.log, registry } = {}) {
  const boxes = JSON.parse(await fs.readFile(path.join(VOLUMES, 'boxes-world.json'), 'utf8'));
  const names = Object.keys(boxes).sort();
  const inputs = names.map((name) => path.join(VOLUMES, name));
  log(`\n3-D: ${inputs.length} example volumes (24x24x24, ${path.relative(process.cwd(), VOLUMES)}/*.nii.gz) through the 3-D example model`);
  const results = {};
  for (const method of VOLUME_METHODS) {
    if (registry && !registry.has(method.name)) {
      log(`  ${method.label.padEnd(26)} not registered, skipped`);
      continue;
    }
    let result;
    try {
      // The volumes hold values in [0, 1]; the window 0.5 +- 0.5 maps them to 0..255 unchanged in shape, and the model's
      // tfxai.json ('rescale') brings them back to [0, 1]: the model sees exactly the voxels it was trained on.
      const chosen = method.only ? inputs.filter((input) => method.only.includes(path.basename(input))) : inputs;
      result = await explainMedical({ inputs: chosen, model: MODEL, method: method.name, methodOptions: method.options, window: { center: 0.5, width: 1 }, outDir: path.join(outDir, method.name) });
    } catch (error) {
      log(`  ${method.label.padEnd(26)} skipped: ${error.message}`);
      continue;
    }
    const failed = result.samples.filter((s) => s.status === 'failed');
    const done = result.samples.filter((s) => s.status === 'done');
    if (!done.length) {
      log(`  ${method.label.padEnd(26)} skipped: ${failed[0]?.error?.message ?? 'no volume explained'}`);
      continue;
    }
    results[method.name] = result;
    const onStructure = done.filter((s) => inBox(s.peak.voxel, boxes[path.basename(s.source)].voxelBox, 1)).length;
    const right = done.filter((s) => s.volume.classes[0] === boxes[path.basename(s.source)].class).length;
    log(
      `  ${method.label.padEnd(26)} ${done.length} volumes in ${result.seconds.toFixed(1)} s; predicted class right ${right}/${done.length}, ` +
        `heatmap peak on the structure (within 1 voxel) ${onStructure}/${done.length}` +
        (failed.length ? `; ${failed.length} FAILED: ${failed[0].error.message}` : ''),
    );
  }
  // One picture: per volume a row of each method's three-plane picture.
  const shown = Object.keys(results);
  if (shown.length) {
    const rows = [];
    for (const name of names) {
      const stem = name.replace(/\.nii\.gz$/, '');
      const methodsHere = shown.filter((m) => results[m].samples.some((s) => s.status === 'done' && path.basename(s.source) === name));
      const pictures = methodsHere.map((m) => path.join(outDir, m, `${stem}.png`));
      const sizes = await Promise.all(pictures.map((p) => sharp(p).metadata()));
      const width = sizes.reduce((w, s) => w + s.width + 12, 0);
      const label = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="24" font-family="DejaVu Sans, Arial, sans-serif" font-size="14" fill="#fff"><text x="4" y="17">${stem} (${boxes[name].className}): ${methodsHere.join(' | ')}</text></svg>`);
      const row = await sharp({ create: { width, height: sizes[0].height + 24, channels: 3, background: '#000' } })
        .composite([{ input: label, left: 0, top: 0 }, ...pictures.map((input, n) => ({ input, left: sizes.slice(0, n).reduce((w, s) => w + s.width + 12, 0), top: 24 }))])
        .png()
        .toBuffer({ resolveWithObject: true });
      rows.push(row);
    }
    const overview = path.join(outDir, 'overview.png');
    await sharp({ create: { width: Math.max(...rows.map((r) => r.info.width)), height: rows.reduce((h, r) => h + r.info.height, 0), channels: 3, background: '#000' } })
      .composite(rows.map((r, n) => ({ input: r.data, left: 0, top: rows.slice(0, n).reduce((h, x) => h + x.info.height, 0) })))
      .png()
      .toFile(overview);
    log(`  NIfTI heatmaps (open over the scan in a viewer): ${outDir}/<method>/<volume>.nii.gz; pictures: <volume>.png; all on one page: ${overview}`);
  }
  return results;
}
