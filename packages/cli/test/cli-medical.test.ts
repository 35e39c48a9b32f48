import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { encodeNifti1, readNifti } from '@tfxai/node';
import { MODEL, runTfxai } from './run-cli.js';


const tfxai = (args: string[]) => runTfxai(args);

describe('tfxai explain on NIfTI (child process)', () => {
  let work: string;
  const dims: [number, number, number] = [12, 10, 4];
  // Oblique and anisotropic: 0.9 x 1.1 x 2.5 mm, i flipped, 90 degrees about z.
  const affine = [
    [0, -1.1, 0, 10],
    [-0.9, 0, 0, -5],
    [0, 0, 2.5, 30],
    [0, 0, 0, 1],
  ];
  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'tfxai-cli-medical-'));
    const values = Float32Array.from({ length: 480 }, (_, n) => (n * 37) % 200);
    await writeFile(path.join(work, 'scan.nii.gz'), encodeNifti1(values, dims, affine));
    await writeFile(path.join(work, 'cut.nii.gz'), encodeNifti1(values, dims, affine).subarray(0, 300));
    await mkdir(path.join(work, 'images'));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it('writes a heatmap volume on the scan grid and a picture, reports the broken scan and exits 1', async () => {
    const out = path.join(work, 'out');
    const run = await tfxai(['explain', '-m', MODEL, '--method', 'gradcam', '-o', out, '--window', 'soft-tissue', '--slice-axis', 'axial', '--json', path.join(work, 'scan.nii.gz'), path.join(work, 'cut.nii.gz')]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.match(/failed: cut: cannot read .*cut\.nii\.gz/);
    expect(run.stderr).to.match(/scan: 12x10x4 voxels \(sform affine\), window center 40, width 400 \(preset soft-tissue\), axial slices/);
    expect(run.stderr).to.match(/finished: 1 done, 0 skipped, 1 failed of 2 scans/);
    const json = JSON.parse(run.stdout) as { samples: { status: string; error?: { code: string } }[] };
    expect(json.samples.map((s) => s.status)).to.deep.equal(['done', 'failed']);
    expect(json.samples[1]!.error!.code).to.equal('MEDICAL_CORRUPT');
    expect((await readdir(out)).filter((f) => !f.startsWith('.')).sort()).to.deep.equal(['scan.nii.gz', 'scan.png']);
    const heatmap = await readNifti(path.join(out, 'scan.nii.gz'));
    expect(heatmap.dims).to.deep.equal(dims);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(heatmap.affine[r]![c]).to.be.closeTo(affine[r]![c]!, 1e-6);
    expect(Math.min(...heatmap.data)).to.be.at.least(0);
    expect(Math.max(...heatmap.data)).to.be.at.most(1);
  });

  it('refuses medical flags without medical inputs, and a mix of scans and images, with usage errors (exit 2)', async () => {
    await writeFile(path.join(work, 'images', 'a.png'), Buffer.from('not really'));
    const flags = await tfxai(['explain', '-m', MODEL, '--method', 'gradcam', '-o', path.join(work, 'o2'), '--window', 'lung', path.join(work, 'images')]);
    expect(flags.code).to.equal(2);
    expect(flags.stderr).to.match(/--window applies to NIfTI and DICOM inputs only/);
    const mixed = await tfxai(['explain', '-m', MODEL, '--method', 'gradcam', '-o', path.join(work, 'o3'), path.join(work, 'scan.nii.gz'), path.join(work, 'images')]);
    expect(mixed.code).to.equal(2);
    expect(mixed.stderr).to.match(/either NIfTI\/DICOM inputs or images/);
    const preset = await tfxai(['explain', '-m', MODEL, '--method', 'gradcam', '-o', path.join(work, 'o4'), '--window', 'liver', path.join(work, 'scan.nii.gz')]);
    expect(preset.code).to.equal(2);
    expect(preset.stderr).to.match(/lung, soft-tissue, brain, bone/);
  });

  it('explains a NIfTI volume with a 3-D model as one volume: the summary says so, the map has the scan grid and affine and peaks on the structure', async () => {
    const example = path.resolve(path.dirname(MODEL), '../../synthetic-volumes');
    const scan = path.join(example, 'volumes/frame-01.nii.gz');
    const out = path.join(work, 'volume');
    const run = await tfxai(['explain', '-m', path.join(example, 'model/model.json'), '--method', 'gradcam', '--window', '0.5,1', '--class', '1', '-o', out, '--json', scan]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/frame-01: 24x24x24 voxels \(sform affine\), window center 0\.5, width 1 \(given\), whole volume on the 3-D model's 24x24x24 grid \(class 1\)/);
    const json = JSON.parse(run.stdout) as { samples: { volume: { classes: number[] }; peak: { voxel: number[] } }[] };
    expect(json.samples[0]!.volume.classes).to.deep.equal([1]);
    const [source, heatmap] = [await readNifti(scan), await readNifti(path.join(out, 'frame-01.class_1.nii.gz'))];
    expect(heatmap.dims).to.deep.equal(source.dims);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(heatmap.affine[r]![c]).to.be.closeTo(source.affine[r]![c]!, 1e-5);
    // The frame's voxel box (examples/synthetic-volumes/volumes/boxes-world.json): i 2..9, j 8..15, k 11..18, one voxel of margin.
    const [i, j, k] = json.samples[0]!.peak.voxel as [number, number, number];
    expect(i >= 1 && i <= 10 && j >= 7 && j <= 16 && k >= 10 && k <= 19, `peak ${i},${j},${k}`).to.equal(true);
  });
});
