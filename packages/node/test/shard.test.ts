import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ShardSpecError, parseShard, selectShard, shardFromEnvironment, shardOf, xaiDecoder } from '@tfxai/node';
import { forEachBackend } from '@tfxai/test-utils';
import { FirstChannelMethod, meanScoreModel } from './fixtures.js';

const NAMES = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? `sub/dir-${i}/img-${i}.png` : `img-${String(i).padStart(3, '0')}.png`));

function shardsOf(names: readonly string[], count: number): string[][] {
  return Array.from({ length: count }, (_, i) => selectShard(names, { index: i + 1, count }, (n) => n));
}

function thrown(fn: () => unknown): ShardSpecError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ShardSpecError);
    return error as ShardSpecError;
  }
  return expect.fail('expected a ShardSpecError');
}

describe('shards', () => {
  it('for n = 1..5 over 50 names: disjoint, their union is everything, whatever the order', () => {
    const reversed = [...NAMES].reverse();
    for (let n = 1; n <= 5; n++) {
      const shards = shardsOf(NAMES, n);
      const all = shards.flat();
      expect(all, `n=${n}`).to.have.length(NAMES.length);
      expect(new Set(all).size, `n=${n}: no name in two shards`).to.equal(NAMES.length);
      expect([...all].sort()).to.deep.equal([...NAMES].sort());
      // Listing order changes the order within a shard, never its members.
      shardsOf(reversed, n).forEach((shard, i) => expect([...shard].sort(), `n=${n} shard ${i + 1}`).to.deep.equal([...shards[i]!].sort()));
      // Not degenerate: with 50 names every one of up to 5 shards gets some (binomial, P(empty) < 1e-4 per shard).
      for (const shard of shards) expect(shard.length, `n=${n}`).to.be.greaterThan(0);
    }
  });

  it('adding (or removing) a file moves no other file between shards', () => {
    for (let n = 1; n <= 5; n++) {
      const before = new Map(NAMES.map((name) => [name, shardOf(name, n)]));
      const grown = [...NAMES, 'new/late-arrival.png', 'zzz.png'];
      const after = new Map(shardsOf(grown, n).flatMap((shard, i) => shard.map((name) => [name, i + 1] as const)));
      for (const name of NAMES) expect(after.get(name), `${name} n=${n}`).to.equal(before.get(name));
      const shrunk = new Map(shardsOf(NAMES.slice(7), n).flatMap((shard, i) => shard.map((name) => [name, i + 1] as const)));
      for (const name of NAMES.slice(7)) expect(shrunk.get(name)).to.equal(before.get(name));
    }
  });

  it('is a fixed function of the name: SHA-1, first 48 bits, modulo n, plus 1', () => {
    // Python: hashlib.sha1(b'a.png').hexdigest()[:12] = '69aba0d04542'; int(..., 16) % 7 = 6 -> shard 7.
    expect(shardOf('a.png', 7)).to.equal(7);
    expect(shardOf('a.png', 1)).to.equal(1);
    expect([shardOf('sub/x.png', 5), shardOf('b.png', 5)]).to.deep.equal([2, 4]);
  });

  it("parses 'i/n' 1-based and rejects everything else with a typed error", () => {
    expect(parseShard('2/5')).to.deep.equal({ index: 2, count: 5 });
    expect(parseShard(' 1 / 1 ')).to.deep.equal({ index: 1, count: 1 });
    expect(thrown(() => parseShard('0/4')).message).to.match(/numbered 1 to 4 \(1-based; a 0-based scheduler index i is shard i\+1/);
    expect(thrown(() => parseShard('5/4')).message).to.match(/numbered 1 to 4/);
    expect(thrown(() => parseShard('1/0')).message).to.match(/count 0: allowed an integer from 1/);
    expect(thrown(() => parseShard('2')).message).to.match(/allowed 'i\/n'/);
    expect(thrown(() => parseShard('a/b')).code).to.equal('SHARD_INVALID');
  });

  it('auto: Kubernetes Indexed Jobs (0-based index, completions passed in the env) and Slurm arrays (min, step)', () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '4' })).to.include({ index: 1, count: 4 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '3', JOB_COMPLETIONS: '4' })).to.include({ index: 4, count: 4 });
    expect(thrown(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '4', JOB_COMPLETIONS: '4' })).message).to.match(/not below JOB_COMPLETIONS=4/);
    expect(thrown(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' })).message).to.match(/JOB_COMPLETIONS is not set; Kubernetes does not set it/);
    // --array=1-8: ids 1..8, min 1 -> shards 1..8; --array=0-7 the same.
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' })).to.include({ index: 1, count: 8 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' })).to.include({ index: 8, count: 8 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '0' })).to.include({ index: 8, count: 8 });
    // --array=10-20:5: ids 10, 15, 20.
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '15', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '5' })).to.include({ index: 2, count: 3 });
    // --array=1,5,9: count 3, id 9 is not min + k for k < 3.
    expect(thrown(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' })).message).to.match(/contiguous array/);
    expect(thrown(() => shardFromEnvironment({})).message).to.match(/no scheduler index found/);
    expect(thrown(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '2', SLURM_ARRAY_TASK_ID: '0' })).message).to.match(/both/);
    expect(thrown(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: 'x', JOB_COMPLETIONS: '2' })).message).to.match(/not an integer/);
  });

  forEachBackend(() => {
    it('xaiDecoder: the shards of a run together give exactly the whole run, each sample once, with the same results', async () => {
      const batch = tf.tensor4d(Array.from({ length: 12 * 4 * 4 * 3 }, (_, i) => (i * 53) % 256), [12, 4, 4, 3]);
      const names = Array.from({ length: 12 }, (_, i) => `s${i}`);
      try {
        const run = (shard?: { index: number; count: number }) => xaiDecoder({ inputs: batch, names, model: meanScoreModel(), method: new FirstChannelMethod(), ...(shard ? { shard } : {}) });
        const whole = await run();
        const parts = await Promise.all([1, 2, 3].map((index) => run({ index, count: 3 })));
        expect(parts.map((p) => p.inputsTotal)).to.deep.equal([12, 12, 12]);
        expect(parts.reduce((n, p) => n + p.total, 0)).to.equal(12);
        const merged = parts.flatMap((p) => p.samples).sort((a, b) => names.indexOf(a.sample) - names.indexOf(b.sample));
        expect(merged.map((s) => [s.sample, s.classes])).to.deep.equal(whole.samples.map((s) => [s.sample, s.classes]));
        merged.forEach((s, i) => expect([...s.maps![0]!.map]).to.deep.equal([...whole.samples[i]!.maps![0]!.map]));
        parts.forEach((p, i) => expect(p.shard).to.deep.equal({ index: i + 1, count: 3 }));
        const bad = await xaiDecoder({ inputs: batch, model: meanScoreModel(), method: new FirstChannelMethod(), shard: { index: 0, count: 3 } }).then(() => undefined, (e: unknown) => e);
        expect(bad).to.be.instanceOf(ShardSpecError);
      } finally {
        batch.dispose();
      }
    });
  });
});
