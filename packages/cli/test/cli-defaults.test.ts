import { copyFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { readImage } from '@tfxai/node';
import { IMAGES, MODEL, REPO, runTfxai, type CliRun } from './run-cli.js';

// A newcomer's run: the example model with no options, the backend line, class
// names, constant-map warnings, shards and their summary, all through the real binary.

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLE = path.join(REPO, 'examples/synthetic-shapes');
const FLAT_PLUGIN = path.resolve(here, 'plugins/flat-map-plugin.js');

type Run = CliRun;

/** The real binary in a child process; TFXAI_BACKEND and scheduler variables only as given. */
function tfxai(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'TFXAI_BACKEND' && !k.startsWith('SLURM_') && !k.startsWith('JOB_COMPLETION')));
  return runTfxai(args, { env: { ...base, ...env } });
}

interface JsonSample {
  sample: string;
  status: string;
  classes: number[];
  classNames?: string[];
}

describe('tfxai CLI defaults (child process)', () => {
  let work: string;
  let truth: Record<string, { class: number; className: string }>;
  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'tfxai-cli-defaults-'));
    truth = JSON.parse(await readFile(path.join(IMAGES, 'boxes.json'), 'utf8'));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it('explains the example with no options: right classes by name from the sidecar, one plain backend line, a run record', async () => {
    const out = path.join(work, 'plain');
    const run = await tfxai(['explain', '-m', MODEL, '--method', 'saliency', '-o', out, '--json', IMAGES]);
    expect(run.code, run.stderr).to.equal(0);
    const json = JSON.parse(run.stdout) as { samples: JsonSample[]; classNames: string[]; backend: string; preprocessingAssumed: boolean; warnings: unknown[] };
    expect(json.samples).to.have.length(9);
    for (const s of json.samples) {
      expect(s.classes, s.sample).to.deep.equal([truth[s.sample]!.class]);
      expect(s.classNames, s.sample).to.deep.equal([truth[s.sample]!.className]);
    }
    expect(json.classNames).to.deep.equal(['plus', 'ring', 'x']);
    expect([json.preprocessingAssumed, json.warnings]).to.deep.equal([false, []]);
    // One backend line, in plain words; nothing that reads like an error.
    const backendLines = run.stderr.split('\n').filter((line) => /backend/i.test(line));
    expect(backendLines, run.stderr).to.have.length(1);
    expect(backendLines[0]).to.match(/^backend: (tensorflow|wasm|cpu) \(/);
    expect(json.backend).to.equal(backendLines[0]);
    expect(run.stderr).not.to.match(/could not be loaded|\[tfxai\]/);
    expect(run.stderr).to.match(/preprocessing: standardize rescale \(from .*tfxai\.json\)/);
    expect(run.stderr).to.contain('explained classes: plus 3, ring 3, x 3');
    expect(await readdir(path.join(out, '.tfxai'))).to.deep.equal(['run-1-of-1.json']);
    const summary = await tfxai(['summary', out]);
    expect(summary.code, summary.stderr).to.equal(0);
    expect(summary.stdout).to.match(/1 of 1 shard reported, 9 inputs\n9 done, 0 skipped, 0 failed, 0 not reached \(interrupted\), 0 missing\n/);
    expect(summary.stdout).to.contain('complete: every input is done');
  });

  it('-q prints nothing at all on a clean run; TFXAI_BACKEND is named as the reason', async () => {
    const quiet = await tfxai(['explain', '-q', '-m', MODEL, '--method', 'saliency', '-o', path.join(work, 'quiet'), path.join(IMAGES, 'plus-01.png')]);
    expect(quiet.code).to.equal(0);
    expect(quiet.stderr).to.equal('');
    const forced = await tfxai(['explain', '-m', MODEL, '--method', 'saliency', '-o', path.join(work, 'forced'), path.join(IMAGES, 'plus-01.png')], { TFXAI_BACKEND: 'cpu' });
    expect(forced.stderr).to.match(/^backend: cpu \(plain JavaScript, the slowest; chosen with TFXAI_BACKEND\)$/m);
    // tfjs's own cpu banner would be a second backend message.
    expect(forced.stderr).not.to.match(/looks like you are running TensorFlow\.js in Node/);
  });

  it('without a sidecar it warns once that it assumed the preprocessing (even with -q); --standardize silences that', async () => {
    const bare = path.join(work, 'bare-model');
    await rm(bare, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(bare));
    for (const file of ['model.json', 'weights.bin']) await copyFile(path.join(EXAMPLE, 'model', file), path.join(bare, file));
    const args = ['-m', path.join(bare, 'model.json'), '--method', 'saliency', path.join(IMAGES, 'plus-01.png')];
    const run = await tfxai(['explain', '-q', '-o', path.join(work, 'bare-out'), ...args]);
    expect(run.code).to.equal(0);
    expect(run.stderr.match(/ASSUMED/g), run.stderr).to.have.length(1);
    expect(run.stderr).to.match(/warning: preprocessing: ASSUMED standardize none.*no tfxai\.json beside the model/);
    const given = await tfxai(['explain', '--standardize', 'rescale', '-o', path.join(work, 'bare-out2'), ...args]);
    expect(given.stderr).not.to.contain('ASSUMED');
    expect(given.stderr).to.contain('preprocessing: standardize rescale (given as an option)');
  });

  it('reports constant maps in the summary line and the JSON, with class names', async () => {
    const run = await tfxai(['explain', '--plugin', FLAT_PLUGIN, '-m', MODEL, '--method', 'flat-map', '--alpha', 'aucmedi', '-o', path.join(work, 'flat'), '--json', '--glob', '{plus,x}-01.png', IMAGES]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/warning: 2 maps are constant \(one flat colour, no evidence anywhere\): plus-01\.png \(plus\), x-01\.png \(x\)/);
    const json = JSON.parse(run.stdout) as { warnings: { sample: string; classIndex: number; value: number; code: string }[] };
    expect(json.warnings.map((w) => [w.sample, w.classIndex, w.value, w.code])).to.deep.equal([
      ['plus-01.png', 0, 0, 'CONSTANT_MAP'],
      ['x-01.png', 2, 0, 'CONSTANT_MAP'],
    ]);
    // A flat 0 map is jet's (0, 0, 0.5) everywhere; --alpha aucmedi blends it at 0.25: trunc(0.25 * 255 * jet + 0.75 * pixel).
    const [image, overlay] = await Promise.all([readImage(path.join(IMAGES, 'plus-01.png')), readImage(path.join(work, 'flat', 'plus-01.png'))]);
    for (let i = 0; i < image.data.length; i++) {
      const jet = [0, 0, 0.5][i % 3]!;
      expect(overlay.data[i], `value ${i}`).to.equal(Math.trunc(0.25 * 255 * jet + 0.75 * image.data[i]!));
    }
    const summary = await tfxai(['summary', path.join(work, 'flat')]);
    expect(summary.stdout).to.match(/warning: 2 maps are constant.*plus-01\.png \(plus\), x-01\.png \(x\)/);
  });

  it('--shard i/n and --shard auto split the images without overlap; summary merges them and names a missing shard', async () => {
    const out = path.join(work, 'sharded');
    const common = ['-m', MODEL, '--method', 'saliency', '-o', out, '--json', IMAGES];
    const parts = [
      await tfxai(['explain', '--shard', '1/3', ...common]),
      await tfxai(['explain', '--shard', 'auto', ...common], { JOB_COMPLETION_INDEX: '1', JOB_COMPLETIONS: '3' }),
    ];
    for (const part of parts) expect(part.code, part.stderr).to.equal(0);
    expect(parts[1]!.stderr).to.match(/shard: 2\/3 \(Kubernetes JOB_COMPLETION_INDEX=1 of JOB_COMPLETIONS=3\)/);
    const samples = parts.map((p) => (JSON.parse(p.stdout) as { samples: JsonSample[] }).samples.map((s) => s.sample));
    expect(samples[0]!.filter((s) => samples[1]!.includes(s))).to.deep.equal([]);
    let summary = await tfxai(['summary', out, '--json']);
    expect(summary.code).to.equal(1);
    const merged = JSON.parse(summary.stdout) as { missingShards: number[]; done: number; missing: number; complete: boolean };
    expect(merged).to.include({ done: samples[0]!.length + samples[1]!.length, missing: 9 - samples[0]!.length - samples[1]!.length, complete: false });
    expect(merged.missingShards).to.deep.equal([3]);
    expect((await tfxai(['summary', out])).stdout).to.match(/shard 3\/3 never reported/);
    // Slurm array --array=1-3: task 3 is shard 3.
    const third = await tfxai(['explain', '--shard', 'auto', ...common], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' });
    expect(third.code, third.stderr).to.equal(0);
    const all = [...samples[0]!, ...samples[1]!, ...(JSON.parse(third.stdout) as { samples: JsonSample[] }).samples.map((s) => s.sample)];
    expect(all.sort()).to.deep.equal(Object.keys(truth).sort());
    summary = await tfxai(['summary', out]);
    expect(summary.code, summary.stdout).to.equal(0);
    expect(summary.stdout).to.match(/3 of 3 shards reported, 9 inputs\n9 done/);
    expect(summary.stdout).to.contain('explained classes: plus 3, ring 3, x 3');
  });

  it('bad shards and an empty summary folder are errors (exit 2)', async () => {
    const zero = await tfxai(['explain', '--shard', '0/3', '-m', MODEL, '--method', 'saliency', '-o', path.join(work, 'z'), '--json', IMAGES]);
    expect(zero.code).to.equal(2);
    expect(JSON.parse(zero.stdout).error.code).to.equal('SHARD_INVALID');
    expect(zero.stderr).to.match(/1-based/);
    const auto = await tfxai(['explain', '--shard', 'auto', '-m', MODEL, '--method', 'saliency', '-o', path.join(work, 'z'), IMAGES]);
    expect(auto.code).to.equal(2);
    expect(auto.stderr).to.match(/no scheduler index found/);
    const empty = await tfxai(['summary', path.join(work, 'nothing-here')]);
    expect(empty.code).to.equal(2);
    expect(empty.stderr).to.match(/no run manifests found/);
    expect((await tfxai(['summary'])).code).to.equal(2);
  });
});
