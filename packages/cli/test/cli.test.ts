import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EXPLAIN_FLAGS, EXPLAIN_HELP, METHODS_HELP } from '@tfxai/cli';
import { COLORMAP_NAMES, STANDARDIZE_MODES } from '@tfxai/node';
import { testBackends } from '@tfxai/test-utils';
import { IMAGES, MODEL, PLUGIN, runTfxai, type CliRun } from './run-cli.js';

type Run = CliRun;

/** Runs the real binary in a child process (wasm unless `backend` says otherwise). */
function tfxai(args: string[], options: { backend?: string; cwd?: string } = {}): Promise<Run> {
  return runTfxai(args, { cwd: options.cwd, env: { ...process.env, TFXAI_BACKEND: options.backend ?? 'wasm' } });
}

describe('tfxai CLI (child process)', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'tfxai-cli-'));
    await mkdir(path.join(work, 'images'));
    for (const name of ['plus-01.png', 'ring-01.png']) await copyFile(path.join(IMAGES, name), path.join(work, 'images', name));
    // A truncated PNG: the run must report it and go on.
    await writeFile(path.join(work, 'images', 'zz-broken.png'), (await readFile(path.join(IMAGES, 'x-01.png'))).subarray(0, 100));
    // The classic 1x1 GIF under a WebP name: a format tfxai does not read.
    await writeFile(path.join(work, 'images', 'zz-gif.webp'), Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64'));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  describe('help', () => {
    it('prints the overview with --help (exit 0) and without a command (exit 2)', async () => {
      const help = await tfxai(['--help']);
      expect(help.code).to.equal(0);
      for (const word of ['explain', 'methods', 'help', 'Exit codes', 'TFXAI_BACKEND']) expect(help.stdout).to.contain(word);
      expect((await tfxai([])).code).to.equal(2);
    });

    it("explain --help documents every flag the parser accepts, and 'help explain' prints the same", async () => {
      const help = await tfxai(['explain', '--help']);
      expect(help.code).to.equal(0);
      expect(help.stdout).to.equal(EXPLAIN_HELP);
      for (const [flag, config] of Object.entries(EXPLAIN_FLAGS)) {
        expect(help.stdout, flag).to.contain(`--${flag}`);
        if ('short' in config) expect(help.stdout, flag).to.contain(`-${config.short}, --${flag}`);
      }
      for (const mode of STANDARDIZE_MODES) expect(help.stdout).to.match(new RegExp(`--standardize <mode>.*\\b${mode}\\b`, 's'));
      for (const name of COLORMAP_NAMES) expect(help.stdout).to.match(new RegExp(`--colormap <name>.*\\b${name}\\b`));
      expect((await tfxai(['help', 'explain'])).stdout).to.equal(EXPLAIN_HELP);
      expect((await tfxai(['methods', '-h'])).stdout).to.equal(METHODS_HELP);
    });

    it('unknown commands and flags are usage errors (exit 2) that point to the help', async () => {
      const unknown = await tfxai(['explian']);
      expect(unknown.code, unknown.stderr).to.equal(2);
      expect(unknown.stderr).to.match(/unknown command 'explian'/);
      const flag = await tfxai(['explain', '--modle', 'x']);
      expect(flag.code).to.equal(2);
      expect(flag.stderr).to.match(/Unknown option '--modle'.*tfxai explain --help/);
      const missing = await tfxai(['explain', '--method', 'ig', '--out', path.join(work, 'never'), 'images']);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.contain('--model is required');
    });
  });

  describe('methods', () => {
    it('lists names, aliases and descriptions, as a table and as JSON', async () => {
      const table = await tfxai(['methods']);
      expect(table.code).to.equal(0);
      expect(table.stdout).to.match(/^NAME\s+ALIASES\s+DESCRIPTION/);
      expect(table.stdout).to.match(/integrated-gradients\s+IntegratedGradients, ig\s+Integrated Gradients/);
      const json = JSON.parse((await tfxai(['methods', '--json'])).stdout) as { name: string; aliases: string[]; description: string }[];
      const ig = json.find((m) => m.name === 'integrated-gradients')!;
      expect(ig.aliases).to.include.members(['ig', 'IntegratedGradients']);
      expect(ig.description).to.match(/Integrated Gradients/);
    });

    it('--plugin loads a third-party method module by path or by package name', async () => {
      const byPath = JSON.parse((await tfxai(['methods', '--plugin', PLUGIN, '--json'])).stdout) as { name: string; aliases: string[] }[];
      expect(byPath.find((m) => m.name === 'gradient-x-input')?.aliases).to.deep.equal(['gxi']);
      const relative = await tfxai(['methods', '--plugin', './test/plugins/gradient-x-input']);
      expect(relative.stdout).to.match(/gradient-x-input\s+gxi/);
      const byName = await tfxai(['methods', '--plugin', 'tfxai-plugin-gradient-x-input']);
      expect(byName.code).to.equal(0);
      expect(byName.stdout).to.match(/gradient-x-input\s+gxi/);
    });

    it('a plugin that is missing or exports no method module is a clear error (exit 2)', async () => {
      const missing = await tfxai(['methods', '--plugin', './no/such/plugin.js', '--json']);
      expect(missing.code).to.equal(2);
      expect(JSON.parse(missing.stdout).error.code).to.equal('PLUGIN_LOAD_FAILED');
      const empty = path.join(work, 'empty-plugin.mjs');
      await writeFile(empty, 'export const answer = 42;\n');
      const none = await tfxai(['methods', '--plugin', empty]);
      expect(none.code).to.equal(2);
      expect(none.stderr).to.match(/exports no ContainerModule \(exports: answer\)/);
    });
  });

  describe('explain', () => {
    // "reports the broken images" runs per backend; the rest are plumbing.
    for (const backend of testBackends().filter((b) => b !== 'tensorflow')) {
      it(`on ${backend}: explains a folder with a plugin method, reports the broken and the unsupported image, exits 1, prints JSON`, async () => {
        const out = path.join(work, `out-${backend}`);
        const run = await tfxai(['explain', '--plugin', PLUGIN, '--model', MODEL, '--method', 'gxi', '--standardize', 'rescale', '--save-maps', '--json', '--out', out, path.join(work, 'images')], { backend });
        expect(run.code, run.stderr).to.equal(1);
        expect(run.stderr).to.match(/failed: zz-broken\.png: cannot read image/);
        expect(run.stderr).to.match(/failed: zz-gif\.webp: cannot read image .*format is gif/);
        expect(run.stderr).to.match(/finished: 2 done, 0 skipped, 2 failed of 4 images/);
        const result = JSON.parse(run.stdout) as { done: number; failed: number; samples: { sample: string; status: string; classes: number[]; files: string[]; error?: { code: string } }[] };
        expect([result.done, result.failed]).to.deep.equal([2, 2]);
        expect(result.samples.map((s) => [s.sample, s.status, s.classes])).to.deep.equal([
          ['plus-01.png', 'done', [0]],
          ['ring-01.png', 'done', [1]],
          ['zz-broken.png', 'failed', []],
          ['zz-gif.webp', 'failed', []],
        ]);
        expect(result.samples[2]!.error!.code).to.equal('IMAGE_CORRUPT');
        expect(result.samples[3]!.error!.code).to.equal('IMAGE_UNSUPPORTED');
        // Only finished files: no temporary file is left behind (.tfxai holds the run record, see cli-defaults.test).
        expect((await readdir(out)).filter((f) => f !== '.tfxai').sort()).to.deep.equal(['plus-01.npy', 'plus-01.png', 'ring-01.npy', 'ring-01.png']);
      });
    }

    for (const backend of testBackends().filter((b) => b !== 'tensorflow')) {
      it(`on ${backend}: --workers 2 runs a plugin method in worker threads and writes byte for byte what one thread writes`, async () => {
        const args = (workers: string, out: string) =>
          ['explain', '--plugin', PLUGIN, '-m', MODEL, '--method', 'gxi', '--standardize', 'rescale', '--save-maps', '--json', '--workers', workers, '-o', out, path.join(work, 'images')];
        const one = await tfxai(args('1', path.join(work, `w1-${backend}`)), { backend });
        const two = await tfxai(args('2', path.join(work, `w2-${backend}`)), { backend });
        expect([one.code, two.code], two.stderr).to.deep.equal([1, 1]);
        expect(one.stderr).to.match(/finished: 2 done, 0 skipped, 2 failed of 4 images in [^;]*\); output/);
        expect(two.stderr).to.match(/finished: 2 done, 0 skipped, 2 failed of 4 images in .* on 2 worker threads; output/);
        expect(two.stderr).to.match(/failed: zz-broken\.png: cannot read image/);
        type Sample = { sample: string; status: string; classes: number[]; error?: { code: string } };
        const summary = (run: Run) => {
          const json = JSON.parse(run.stdout) as { workers: number; workerCrashes: unknown[]; samples: Sample[] };
          return { samples: json.samples.map((s) => [s.sample, s.status, s.classes, s.error?.code]), crashes: json.workerCrashes, workers: json.workers };
        };
        expect(summary(one)).to.deep.equal({ ...summary(two), workers: 1 });
        expect(summary(two).workers).to.equal(2);
        const files = (await readdir(path.join(work, `w1-${backend}`))).filter((f) => f !== '.tfxai').sort();
        expect(files).to.deep.equal(['plus-01.npy', 'plus-01.png', 'ring-01.npy', 'ring-01.png']);
        expect((await readdir(path.join(work, `w2-${backend}`))).filter((f) => f !== '.tfxai').sort()).to.deep.equal(files);
        for (const file of files) {
          const [a, b] = await Promise.all([readFile(path.join(work, `w1-${backend}`, file)), readFile(path.join(work, `w2-${backend}`, file))]);
          expect(Buffer.compare(a, b), file).to.equal(0);
        }
      });
    }

    it('exits 0 when every image is done; --resume then skips them all', async () => {
      const out = path.join(work, 'out-ok');
      const args = ['explain', '-m', MODEL, '--method', 'ig', '-O', 'numSteps=2', '-O', 'rule=middle', '--standardize', 'rescale', '--class', '1', '--out', out, '--glob', 'plus-*.png', path.join(work, 'images')];
      const first = await tfxai(args);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stderr).to.match(/progress: 1\/1 100%.*img\/s ETA 0:00/);
      expect((await readdir(out)).filter((f) => f !== '.tfxai')).to.deep.equal(['plus-01.class_1.png']);
      const again = await tfxai([...args, '--resume']);
      expect(again.code).to.equal(0);
      expect(again.stderr).to.match(/0 done, 1 skipped, 0 failed of 1 images/);
    });

    it('an unwritable output folder, an unknown method or a missing model stop it early with exit 2', async () => {
      await writeFile(path.join(work, 'a-file'), 'x');
      const unwritable = await tfxai(['explain', '-m', MODEL, '--method', 'ig', '--json', '-o', path.join(work, 'a-file', 'out'), path.join(work, 'images')]);
      expect(unwritable.code).to.equal(2);
      expect(JSON.parse(unwritable.stdout).error).to.include({ code: 'OUTPUT_NOT_WRITABLE', name: 'OutputNotWritableError' });
      const unknown = await tfxai(['explain', '-m', MODEL, '--method', 'gradcma', '-o', path.join(work, 'o2'), path.join(work, 'images')]);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.match(/unknown XAI method 'gradcma'; did you mean 'gradcam'\?/);
      const noModel = await tfxai(['explain', '-m', path.join(work, 'nope.json'), '--method', 'ig', '-o', path.join(work, 'o3'), path.join(work, 'images')]);
      expect(noModel.code).to.equal(2);
      expect(noModel.stderr).to.match(/cannot load the model .*nope\.json': the file does not exist/);
      const badValue = await tfxai(['explain', '-m', MODEL, '--method', 'ig', '--alpha', '1.5', '-o', path.join(work, 'o4'), path.join(work, 'images')]);
      expect(badValue.code).to.equal(2);
      expect(badValue.stderr).to.contain('--alpha 1.5: allowed a number from 0 to 1');
      const badBackend = await tfxai(['explain', '-m', MODEL, '--method', 'ig', '--backend', 'gpu', '-o', path.join(work, 'o5'), path.join(work, 'images')]);
      expect(badBackend.code).to.equal(2);
      expect(badBackend.stderr).to.contain('--backend gpu: allowed tensorflow, wasm, cpu');
      const badWorkers = await tfxai(['explain', '-m', MODEL, '--method', 'ig', '--workers', 'two', '-o', path.join(work, 'o6'), path.join(work, 'images')]);
      expect(badWorkers.code).to.equal(2);
      expect(badWorkers.stderr).to.contain("--workers two: allowed 'auto' or an integer >= 1");
    });
  });
});
