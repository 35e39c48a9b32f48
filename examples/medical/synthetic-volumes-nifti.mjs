// The 3-D example's volumes (examples/synthetic-volumes) as NIfTI with a non-identity affine:
// writes examples/synthetic-volumes/volumes/<class>-0N.nii.gz (float32, 24x24x24, the same voxels as the .npy files
// that example's generate.mjs writes) and volumes/boxes-world.json (each structure's box corners in world mm, RAS).
// Run: node examples/medical/synthetic-volumes-nifti.mjs   (needs examples/synthetic-volumes/dataset.mjs)
//
// Geometry: voxels 0.9 x 1.1 x 2.0 mm (anisotropic), j flipped, tilted 15 degrees about x (oblique): a viewer
// shows the volumes slanted and stretched, and the recorded boxes say where each structure must appear.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNifti1, voxelToWorld } from '@tfxai/node';

const here = path.dirname(fileURLToPath(import.meta.url));
const example = path.join(here, '../synthetic-volumes');
if (!fs.existsSync(path.join(example, 'dataset.mjs'))) {
  console.error('examples/synthetic-volumes/dataset.mjs is missing: this converter needs the 3-D example');
  process.exit(1);
}
const { makeVolumes, CLASS_NAMES, VOLUME_SIZE, CHANNELS } = await import(path.join(example, 'dataset.mjs'));
// The seed and naming of that example's generate.mjs (its writeExampleVolumes), so the .nii.gz and .npy files hold the same volumes.
const { EXAMPLE_SEED } = await import(path.join(example, 'generate.mjs'));

export function volumeAffine() {
  const t = (15 * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  const spacing = [0.9, -1.1, 2.0]; // j flipped
  // Rotation about x applied to the scaled axes: columns i, j, k.
  return [
    [spacing[0], 0, 0, -10],
    [0, c * spacing[1], -s * spacing[2], 12],
    [0, s * spacing[1], c * spacing[2], -20],
    [0, 0, 0, 1],
  ];
}

const S = VOLUME_SIZE;
const { volumes, labels, boxes } = makeVolumes({ count: 9, seed: EXAMPLE_SEED });
const out = path.join(example, 'volumes');
fs.mkdirSync(out, { recursive: true });
const affine = volumeAffine();
const index = {};
for (let n = 0; n < labels.length; n++) {
  const name = `${CLASS_NAMES[labels[n]]}-0${Math.floor(n / 3) + 1}`;
  // NDHWC with C = 1: index (d * S + r) * S + c, which is NIfTI's i = column, j = row, k = depth, i fastest.
  const values = volumes.slice(n * S ** 3 * CHANNELS, (n + 1) * S ** 3 * CHANNELS);
  fs.writeFileSync(path.join(out, `${name}.nii.gz`), encodeNifti1(values, [S, S, S], affine, { description: `synthetic-volumes ${name}` }));
  const { depth, row, column, size } = boxes[n];
  index[`${name}.nii.gz`] = {
    class: labels[n],
    className: CLASS_NAMES[labels[n]],
    voxelBox: { i: [column, column + size - 1], j: [row, row + size - 1], k: [depth, depth + size - 1] },
    worldCentre: voxelToWorld(affine, [column + (size - 1) / 2, row + (size - 1) / 2, depth + (size - 1) / 2]).map((v) => Number(v.toFixed(3))),
  };
}
fs.writeFileSync(path.join(out, 'boxes-world.json'), JSON.stringify(index, null, 1) + '\n');
console.log(`wrote ${labels.length} .nii.gz volumes and boxes-world.json to ${out}`);
