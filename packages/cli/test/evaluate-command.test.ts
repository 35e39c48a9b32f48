import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { EVALUATE_FLAGS, EVALUATE_HELP } from '@tfxai/cli';
import { loadModelFromFile, readImage } from '@tfxai/node';
import { useBackend } from '@tfxai/test-utils';
import { IMAGES, MODEL, PLUGIN, runTfxai } from './run-cli.js';

const SAMPLES = ['plus-01.png', 'x-02.png'];

const tfxai = (args: string[]) => runTfxai(args);

describe('tfxai evaluate (child process)', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'tfxai-evaluate-'));
    await mkdir(path.join(work, 'images'));
    for (const name of SAMPLES) await copyFile(path.join(IMAGES, name), path.join(work, 'images', name));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it('--help documents every flag; the overview lists the command; bad usage exits 2', async () => {
    const help = await tfxai(['evaluate', '--help']);
    expect(help.stdout).to.equal(EVALUATE_HELP);
    for (const [flag, config] of Object.entries(EVALUATE_FLAGS)) {
      expect(help.stdout, flag).to.contain(`--${flag}`);
      if ('short' in config) expect(help.stdout, flag).to.contain(`-${config.short}, --${flag}`);
    }
    expect((await tfxai(['--help'])).stdout).to.match(/evaluate\s+Score methods/);
    const unknown = await tfxai(['evaluate', '--model', MODEL, '--methods', 'saliency,nosuch', '--out', path.join(work, 'never'), path.join(work, 'images')]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/unknown XAI method 'nosuch'/);
    const option = await tfxai(['evaluate', '--model', MODEL, '--methods', 'saliency', '-O', 'ig:numSteps=4', '--out', path.join(work, 'never'), path.join(work, 'images')]);
    expect(option.code).to.equal(2);
    expect(option.stderr).to.match(/'ig' is not one of --methods saliency/);
  });

  it('evaluates a registry method and a plugin, writes JSON, PNGs and HTML whose numbers agree, and resumes', async function () {
    const boxes = JSON.parse(await readFile(path.join(IMAGES, 'boxes.json'), 'utf8')) as Record<string, unknown>;
    const boxesFile = path.join(work, 'boxes.json');
    await writeFile(boxesFile, JSON.stringify(Object.fromEntries(SAMPLES.map((s) => [s, boxes[s]]))));
    const out = path.join(work, 'out');
    const args = ['evaluate', '--model', MODEL, '--methods', 'saliency,gxi', '--plugin', PLUGIN, '--boxes', boxesFile, '--standardize', 'rescale', '--steps', '8', '--mu-samples', '16', '--out', out, path.join(work, 'images')];
    const run = await tfxai(args);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^method\s+rank\s+deletion AUC/);
    expect(run.stdout).to.contain('saliency').and.to.contain('gxi');
    const files = await readdir(out);
    expect(files).to.include.members(['evaluation.json', 'report.html', 'curves.png', 'cascade-saliency.png', 'cascade-gxi.png', 'results']);
    const curves = await readImage(path.join(out, 'curves.png'));
    expect(curves.width).to.be.above(600);
    expect(await readFile(path.join(out, 'report.html'), 'utf8')).to.contain('<img src="curves.png"').and.to.contain('cascade-gxi.png');

    // Each result's curve starts (deletion) and ends (insertion) at the model's own score of the unchanged image.
    await useBackend('wasm');
    const { model } = await loadModelFromFile(MODEL);
    const summary = JSON.parse(await readFile(path.join(out, 'evaluation.json'), 'utf8'));
    for (const method of ['saliency', 'gxi']) {
      const perImage = [];
      for (const sample of SAMPLES) {
        const result = JSON.parse(await readFile(path.join(out, 'results', `${sample.replace('.png', '')}--${method}.json`), 'utf8'));
        const image = await readImage(path.join(IMAGES, sample));
        const scores = tf.tidy(() => (model.predict(tf.div(tf.tensor4d(image.data, [1, 64, 64, 3]), 255)) as tf.Tensor).dataSync());
        expect(result.target).to.equal(Array.from(scores).indexOf(Math.max(...scores)));
        expect(result.deletion.scores).to.have.length(9);
        expect(result.deletion.scores[0]).to.be.closeTo(scores[result.target]!, 1e-5);
        expect(result.insertion.scores[8]).to.be.closeTo(scores[result.target]!, 1e-5);
        expect(result.pointingGame).to.be.within(0, 1);
        perImage.push(result);
      }
      // The summary is the mean and sample standard deviation of the per-image files.
      const areas = perImage.map((r) => r.deletion.area);
      const mean = (areas[0] + areas[1]) / 2;
      expect(summary.summary[method].deletionAuc.mean).to.be.closeTo(mean, 1e-12);
      expect(summary.summary[method].deletionAuc.std).to.be.closeTo(Math.abs(areas[0] - areas[1]) / Math.SQRT2, 1e-12);
      expect(summary.summary[method].relevanceMass.n).to.equal(2);
    }
    model.dispose();
    expect(summary.cascades.map((c: { method: string }) => c.method)).to.deep.equal(['saliency', 'gxi']);
    expect(summary.cascades[0].stages.map((s: { layer: string }) => s.layer)).to.deep.equal(['dense', 'conv3', 'conv2', 'conv1']);

    // Resume: nothing recomputed (result files untouched), the same table.
    const resultFile = path.join(out, 'results', 'plus-01--saliency.json');
    const before = (await stat(resultFile)).mtimeMs;
    const again = await tfxai([...args, '--resume']);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.match(/0 computed, 2 resumed/);
    expect((await stat(resultFile)).mtimeMs).to.equal(before);
    expect(again.stdout).to.equal(run.stdout);
    expect(JSON.parse(await readFile(resultFile, 'utf8')).methodOptions).to.equal('{}');

    // Resume after saliency's options changed: its pairs are redone (and record the new options), gxi's are kept.
    const gxiFile = path.join(out, 'results', 'plus-01--gxi.json');
    const gxiBefore = (await stat(gxiFile)).mtimeMs;
    const changed = await tfxai([...args, '-O', 'saliency:absolute=false', '--resume']);
    expect(changed.code, changed.stderr).to.equal(0);
    expect(changed.stderr).to.match(/2 computed, 0 resumed/);
    expect(JSON.parse(await readFile(resultFile, 'utf8')).methodOptions).to.equal('{"absolute":false}');
    expect((await stat(resultFile)).mtimeMs).to.not.equal(before);
    expect((await stat(gxiFile)).mtimeMs).to.equal(gxiBefore);
    // The cascade of saliency is redone with the new options too; gxi's is kept.
    const cascadeOf = async (method: string) => JSON.parse(await readFile(path.join(out, 'results', `cascade--${method}.json`), 'utf8'));
    expect((await cascadeOf('saliency')).methodOptions).to.equal('{"absolute":false}');
    expect((await cascadeOf('gxi')).methodOptions).to.equal('{}');
    // The same changed options again: everything is reused.
    const same = await tfxai([...args, '-O', 'saliency:absolute=false', '--resume']);
    expect(same.stderr).to.match(/0 computed, 2 resumed/);
  });
});
