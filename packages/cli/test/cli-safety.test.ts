import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { printable } from '@tfxai/cli';
import { useBackend } from '@tfxai/test-utils';
import { IMAGES, MODEL, runTfxai } from './run-cli.js';


const tfxai = (args: string[]) => runTfxai(args, { cwd: process.cwd() });

/** Saves a layers model as model.json + one weight file in `folder`. */
async function saveModel(model: tf.LayersModel, folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs! }];
      await writeFile(path.join(folder, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
      await writeFile(path.join(folder, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  return path.join(folder, 'model.json');
}

describe('tfxai explain: what is refused, failed and printed', () => {
  let work: string;
  before(async () => {
    await useBackend('cpu');
    work = await mkdtemp(path.join(os.tmpdir(), 'tfxai-cli-safety-'));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it('printable() shows control characters and bidi overrides as escapes and leaves letters alone', () => {
    expect(printable('a\nb\x1b[31mc\td\r\x7f\u009b\u202eé猫')).to.equal('a\\nb\\x1b[31mc\\td\\r\\x7f\\x9b\\u202eé猫');
  });

  it('escapes control characters of file names in what it prints; names the hidden entries and FIFOs it left out', async () => {
    const images = path.join(work, 'names');
    await mkdir(images);
    await copyFile(path.join(IMAGES, 'plus-01.png'), path.join(images, 'plus-01.png'));
    // A broken file whose name would clear the line and print in red on a terminal.
    await writeFile(path.join(images, 'evil\n\x1b[31mred.png'), Buffer.from('not an image'));
    await writeFile(path.join(images, '.hidden.png'), Buffer.from('never read'));
    execFileSync('mkfifo', [path.join(images, 'pipe.png')]);
    const run = await tfxai(['explain', '-m', MODEL, '--method', 'saliency', '--standardize', 'rescale', '-o', path.join(work, 'names-out'), images]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.contain("failed: evil\\n\\x1b[31mred.png: cannot read image '");
    expect(run.stderr).not.to.contain('\x1b');
    expect(run.stderr.split('\n').filter((line) => line.startsWith('[31m') || line.startsWith('red.png'))).to.deep.equal([]);
    expect(run.stderr).to.match(/finished: 1 done, 0 skipped, 1 failed of 2 images/);
    expect(run.stderr).to.contain("left out of the inputs: 1 hidden (name starts with '.'), 1 FIFO/socket/device file refused");
  });

  it('a model with NaN scores: every image fails with the typed non-finite error in the summary and the JSON, exit 1, nothing written', async () => {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [64, 64, 3], filters: 2, kernelSize: 3 }), tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    const nan = model.getWeights().map((w, i) => (i === 2 ? tf.fill(w.shape, Number.NaN) : tf.onesLike(w)));
    model.setWeights(nan);
    tf.dispose(nan);
    const modelPath = await saveModel(model, path.join(work, 'nan-model'));
    const out = path.join(work, 'nan-out');
    const run = await tfxai(['explain', '-m', modelPath, '--method', 'saliency', '--json', '-o', out, '--glob', 'plus-0[12].png', IMAGES]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.match(/finished: 0 done, 0 skipped, 2 failed of 2 images/);
    // The method's own result check (core's lifecycle) stops it before the pipeline's map check.
    expect(run.stderr).to.match(/failed: plus-01\.png: saliency: the attributions \(shape \[1,64,64,3\]\) hold a non-finite value at flat index 0; the model's scores \(or their gradients\) are NaN or infinite/);
    const json = JSON.parse(run.stdout) as { failed: number; samples: { status: string; files: string[]; error: { name: string; code: string } }[] };
    expect(json.failed).to.equal(2);
    for (const sample of json.samples) expect([sample.status, sample.files, sample.error.name, sample.error.code]).to.deep.equal(['failed', [], 'NonFiniteError', 'NON_FINITE_RESULT']);
    // Only the run's own record (tfxai summary's) in .tfxai: no output file.
    expect((await readdir(out)).filter((name) => name !== '.tfxai')).to.deep.equal([]);
  });

  it('models that do not take RGB images, or --channels against the model: the typed message, exit 2, no stack trace', async () => {
    const flat = await saveModel(tf.sequential({ layers: [tf.layers.dense({ inputShape: [10], units: 2 })] }), path.join(work, 'flat'));
    const a = tf.input({ shape: [64, 64, 3], name: 'left' });
    const b = tf.input({ shape: [64, 64, 3], name: 'right' });
    const pooled = tf.layers.globalAveragePooling2d({}).apply(tf.layers.add().apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const two = await saveModel(tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 2 }).apply(pooled) as tf.SymbolicTensor }), path.join(work, 'two'));
    const cases: [string[], RegExp, string][] = [
      [['-m', flat], /the model's input has shape \[null, 10\] \(rank 2\); the image pipeline needs an image input/, 'UNSUPPORTED_MODEL'],
      [['-m', two], /the model has 2 inputs \('left', 'right'\)/, 'UNSUPPORTED_MODEL'],
      [['-m', MODEL, '--channels', '1'], /option 'channels': got 1, but the model's input \[null, 64, 64, 3\] takes 3 channel\(s\)/, 'INVALID_OPTION'],
    ];
    for (const [args, message, code] of cases) {
      const run = await tfxai(['explain', ...args, '--method', 'saliency', '--json', '-o', path.join(work, 'never'), path.join(IMAGES, 'plus-01.png')]);
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.match(new RegExp(`^tfxai: error: ${message.source}`, 'm'));
      expect(run.stderr).not.to.match(/internal error|\n\s+at /);
      expect(JSON.parse(run.stdout).error.code).to.equal(code);
    }
  });

  it('--resume redoes images explained with other method options, and skips them with the same ones', async () => {
    const out = path.join(work, 'resume-out');
    const args = (steps: number) => ['explain', '-m', MODEL, '--method', 'ig', '-O', `numSteps=${steps}`, '--standardize', 'rescale', '--resume', '-o', out, path.join(IMAGES, 'plus-01.png')];
    expect((await tfxai(args(2))).stderr).to.match(/1 done, 0 skipped/);
    const first = await readFile(path.join(out, 'plus-01.png'));
    expect((await tfxai(args(2))).stderr).to.match(/0 done, 1 skipped/);
    expect((await tfxai(args(3))).stderr).to.match(/1 done, 0 skipped/);
    expect((await readFile(path.join(out, 'plus-01.png'))).equals(first)).to.equal(false);
  });
});
