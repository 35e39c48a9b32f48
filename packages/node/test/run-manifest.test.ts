import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { MANIFEST_FOLDER, RunManifestError, manifestPath, mergeRunManifests, readRunManifests, runManifest, writeRunManifest, type DecoderResult, type SampleResult } from '@tfxai/node';
import { TfxaiError } from '@tfxai/core';
import { removeFolder, tempFolder } from './fixtures.js';

/** A decoder result of one shard, as xaiDecoder returns it. */
function shardResult(index: number, count: number, samples: SampleResult[], extra: Partial<DecoderResult> = {}): DecoderResult {
  const tally = (status: string) => samples.filter((s) => s.status === status).length;
  return {
    total: samples.length,
    done: tally('done'),
    skipped: tally('skipped'),
    failed: tally('failed'),
    seconds: 1,
    aborted: false,
    workers: 1,
    workerCrashes: [],
    samples,
    classNames: ['plus', 'ring', 'x'],
    preprocessing: 'preprocessing: standardize rescale',
    preprocessingAssumed: false,
    warnings: [],
    shard: { index, count },
    inputsTotal: 10,
    ignored: { hidden: 0, symlinks: 0, special: 0, excluded: 0 },
    ...extra,
  };
}

const done = (sample: string, c: number, out: string, extra: Partial<SampleResult> = {}): SampleResult => ({
  sample,
  source: `/in/${sample}`,
  status: 'done',
  classes: [c],
  classNames: [['plus', 'ring', 'x'][c]!],
  files: [path.join(out, sample)],
  ...extra,
});

describe('run manifests and their merge (tfxai summary)', () => {
  let out: string;
  beforeEach(async () => (out = await tempFolder('tfxai-manifest-')));
  afterEach(async () => removeFolder(out));

  it('merges 3 shard manifests, one of them missing: counts, failures, warnings, classes, missing images', async () => {
    const run = { outDir: out, method: 'ig', model: '/m/model.json' };
    // Shard 1 of 3: 3 done (one with a flat map), 1 failed. Shard 3: 2 done, 1 skipped, interrupted with 1 not reached. Shard 2 never reported.
    const warning = { code: 'CONSTANT_MAP' as const, classIndex: 2, value: 0, message: 'flat' };
    const s1 = shardResult(1, 3, [
      done('a.png', 0, out),
      done('b.png', 1, out),
      done('sub/c.png', 2, out, { warnings: [warning] }),
      { sample: 'd.png', source: '/in/d.png', status: 'failed', classes: [], files: [], error: new TfxaiError('IMAGE_CORRUPT', 'cannot read image d.png') },
    ]);
    const s3 = shardResult(3, 3, [done('e.png', 0, out), done('f.png', 0, out), { sample: 'g.png', source: '/in/g.png', status: 'skipped', classes: [1], files: [path.join(out, 'g.png')] }], {
      total: 4,
      aborted: true,
    });
    await writeRunManifest(out, runManifest(s1, run));
    const file3 = await writeRunManifest(out, runManifest(s3, run));
    expect(file3).to.equal(path.join(out, MANIFEST_FOLDER, 'run-3-of-3.json'));
    const found = await readRunManifests(out);
    expect(found.map((f) => f.manifest.shard.index)).to.deep.equal([1, 3]);
    expect(found[0]!.manifest.samples[2]!.files).to.deep.equal(['sub/c.png']);
    const summary = mergeRunManifests(found);
    expect(summary).to.deep.include({
      shardCount: 3,
      reported: [1, 3],
      missingShards: [2],
      inputsTotal: 10,
      inputsDisagree: false,
      done: 5,
      skipped: 1,
      failed: 1,
      notReached: 1, // shard 3: 4 planned, 3 reached
      missing: 2, // 10 inputs - (4 + 4) in the shards that reported
      complete: false,
    });
    expect(summary.failures).to.deep.equal([{ sample: 'd.png', shard: 1, error: { name: 'TfxaiError', code: 'IMAGE_CORRUPT', message: 'cannot read image d.png' } }]);
    expect(summary.warnings.map((w) => [w.sample, w.shard, w.className])).to.deep.equal([['sub/c.png', 1, 'x']]);
    expect(summary.classCounts).to.deep.equal({ plus: 3, ring: 1, x: 1 });
  });

  it('a complete run is complete; a rerun of a shard replaces its manifest', async () => {
    const run = { outDir: out, method: 'ig', model: 'm' };
    const one = (n: number) => shardResult(1, 1, Array.from({ length: n }, (_, i) => done(`i${i}.png`, i % 3, out)), { inputsTotal: n });
    await writeRunManifest(out, runManifest(one(4), run));
    await writeRunManifest(out, runManifest(one(5), run));
    const summary = mergeRunManifests(await readRunManifests(out));
    expect([summary.done, summary.missing, summary.complete]).to.deep.equal([5, 0, true]);
    expect(manifestPath(out, { index: 1, count: 1 })).to.equal(path.join(out, '.tfxai', 'run-1-of-1.json'));
  });

  it('refuses manifests of different splits, broken ones, and an empty folder, with typed errors', async () => {
    const run = { outDir: out, method: 'ig', model: 'm' };
    expect(await readRunManifests(out)).to.deep.equal([]);
    expect(() => mergeRunManifests([])).to.throw(RunManifestError, /no run manifests/);
    await writeRunManifest(out, runManifest(shardResult(1, 2, []), run));
    await writeRunManifest(out, runManifest(shardResult(1, 3, []), run));
    const found = await readRunManifests(out);
    expect(() => mergeRunManifests(found)).to.throw(RunManifestError, /shard 1 of 3, but .*run-1-of-2\.json' is of 2.*mixes runs split differently/);
    await mkdir(path.join(out, MANIFEST_FOLDER), { recursive: true });
    await writeFile(path.join(out, MANIFEST_FOLDER, 'run-2-of-2.json'), '{"format": "other"}');
    const broken = await readRunManifests(out).then(() => undefined, (e: unknown) => e);
    expect(broken).to.be.instanceOf(RunManifestError);
    expect((broken as Error).message).to.match(/not a tfxai run manifest/);
  });
});
