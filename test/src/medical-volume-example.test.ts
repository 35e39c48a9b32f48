import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { explainMedical, readNifti, voxelToWorld } from '@tfxai/node';
import { expectNoLeak, forEachBackend } from '@tfxai/test-utils';

// The 3-D example (examples/synthetic-volumes) through the medical pipeline: its model explains its NIfTI volumes
// (0.9 x 1.1 x 2.0 mm voxels, j flipped, tilted 15 degrees) as volumes, and the written heatmaps must sit on the
// structure that decides the class, on the scan's own grid and affine.
const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/synthetic-volumes');
const volumes = path.join(example, 'volumes');
const MODEL = path.join(example, 'model/model.json');
interface WorldEntry { class: number; voxelBox: { i: [number, number]; j: [number, number]; k: [number, number] }; worldCentre: number[] }
const boxes = JSON.parse(await readFile(path.join(volumes, 'boxes-world.json'), 'utf8')) as Record<string, WorldEntry>;
const allNames = Object.keys(boxes).sort();
/** IG's 50 model passes per volume take about 25 s a volume on the cpu backend: there it explains one volume per class. */
const onePerClass = allNames.filter((name) => name.endsWith('-01.nii.gz'));
const SIZE = 24;
const MARGIN = 1;

/** Chance that a voxel drawn uniformly falls in a structure's box grown by the margin, averaged over the volumes. */
const chanceOf = (names: readonly string[]) => names.reduce((sum, name) => {
  const { i, j, k } = boxes[name]!.voxelBox;
  return sum + [i, j, k].reduce((p, [lo, hi]) => p * (Math.min(hi + MARGIN, SIZE - 1) - Math.max(lo - MARGIN, 0) + 1), 1) / SIZE ** 3;
}, 0) / names.length;

/** The cases: a gradient method at voxel resolution and a CAM at the feature grid (6^3, resized trilinearly back); at most one miss in nine. */
const CASES = [
  { method: 'integrated-gradients', cpu: onePerClass },
  { method: 'gradcam', cpu: allNames },
];

describe('the 3-D example through explainMedical: NIfTI heatmaps on the scan grid, peaks on the structure', function () {
  this.timeout(300_000);
  let folder: string;
  beforeEach(async () => (folder = await mkdtemp(path.join(tmpdir(), 'tfxai-volume-example-'))));
  afterEach(async () => rm(folder, { recursive: true, force: true }));

  forEachBackend((backend) => {
    for (const { method, cpu } of CASES) {
      const names = backend === 'cpu' ? cpu : allNames;
      const atLeast = names.length - Math.floor(names.length / 9);
      const inputs = names.map((name) => path.join(volumes, name));
      it(`${method}: every map has the source's shape and affine, spans [0, 1] over the volume, and its peak is on the structure (at least ${atLeast} of ${names.length})`, async () => {
        const out = path.join(folder, method);
        // [0, 1] voxels -> window 0.5 +- 0.5 -> 0..255 -> the model's tfxai.json (rescale) -> the voxels the model was trained on.
        const result = await expectNoLeak(() => explainMedical({ inputs, model: MODEL, method, window: { center: 0.5, width: 1 }, outDir: out }));
        expect(result.done, result.samples.map((s) => s.error?.message).filter(Boolean).join('; ')).to.equal(names.length);
        let hits = 0;
        for (const sample of result.samples) {
          const name = path.basename(sample.source);
          const truth = boxes[name]!;
          expect(sample.volume!.classes, `${name}: the model's class`).to.deep.equal([truth.class]);
          const source = await readNifti(sample.source);
          const heatmap = await readNifti(path.join(out, name));
          expect(heatmap.dims).to.deep.equal(source.dims);
          for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(heatmap.affine[r]![c], `${name} affine[${r}][${c}]`).to.be.closeTo(source.affine[r]![c]!, 1e-5);
          expect([heatmap.qformCode, heatmap.sformCode]).to.deep.equal([source.qformCode || source.sformCode, source.sformCode || source.qformCode]);
          // Normalised over the whole volume: 0 and 1 overall.
          let [min, max] = [Infinity, -Infinity];
          for (const v of heatmap.data) [min, max] = [Math.min(min, v), Math.max(max, v)];
          expect([min, max]).to.deep.equal([0, 1]);
          const slice = SIZE * SIZE;
          const sliceMaxima = Array.from({ length: SIZE }, (_, k) => heatmap.data.subarray(k * slice, (k + 1) * slice).reduce((m, v) => Math.max(m, v), 0));
          // Per-slice normalisation would put every slice's maximum at 1; over the volume, the slices far from the structure stay low.
          expect(Math.min(...sliceMaxima), `${name}: the lowest slice maximum`).to.be.below(0.5);
          // The peak read from the written file, and where a viewer puts it: on the structure, in voxels and in millimetres.
          let best = 0;
          heatmap.data.forEach((v, n) => (v > heatmap.data[best]! ? (best = n) : 0));
          const peak = [best % SIZE, Math.floor(best / SIZE) % SIZE, Math.floor(best / slice)] as [number, number, number];
          expect(sample.peak!.voxel).to.deep.equal(peak);
          const { i, j, k } = truth.voxelBox;
          const inside = [i, j, k].every(([lo, hi], n) => peak[n]! >= lo - MARGIN && peak[n]! <= hi + MARGIN);
          if (inside) {
            hits++;
            // Within the box grown by the margin, the peak is at most its half-diagonal (mm) from the recorded world centre.
            const spacing = [0.9, 1.1, 2.0];
            const halfDiagonal = Math.hypot(...[i, j, k].map(([lo, hi], n) => ((hi - lo) / 2 + MARGIN) * spacing[n]!));
            const world = voxelToWorld(heatmap.affine, peak);
            expect(Math.hypot(...world.map((v, n) => v - truth.worldCentre[n]!))).to.be.at.most(halfDiagonal + 1e-3);
          }
        }
        const chance = chanceOf(names);
        expect(chance).to.be.below(0.1);
        expect(hits, `${method}: peaks on the structure ${hits}/${names.length} (chance ${(100 * chance).toFixed(1)}%)`).to.be.at.least(atLeast);
      });
    }
  });
});
