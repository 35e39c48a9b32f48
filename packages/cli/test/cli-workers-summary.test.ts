import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { IMAGES, MODEL, runTfxai } from './run-cli.js';

// `--workers auto` (the default) decides from the method's cost; the summary says the choice and why.
describe("tfxai explain: the summary says what workers 'auto' chose (child process)", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'tfxai-cli-workers-'));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it('a one-pass method over the 9 example images stays in this thread, and the summary and the JSON say why', async () => {
    const run = await runTfxai(['explain', '-m', MODEL, '--method', 'gradcam', '-o', path.join(work, 'gradcam'), '--json', IMAGES]);
    expect(run.code, run.stderr).to.equal(0);
    const reason = `workers 'auto': this thread for 9 images of gradcam, about 1 pass per image (a thread per 816 images, at most one per core: ${os.availableParallelism()})`;
    expect(run.stderr.split('\n')).to.include(reason);
    const json = JSON.parse(run.stdout) as { workers: number; workersReason: string };
    expect([json.workers, json.workersReason]).to.deep.equal([1, reason]);
  });

  it('a number given is said as given', async () => {
    const run = await runTfxai(['explain', '-m', MODEL, '--method', 'gradcam', '--workers', '1', '-o', path.join(work, 'one'), IMAGES]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr.split('\n')).to.include('workers 1: this thread');
  });
});
