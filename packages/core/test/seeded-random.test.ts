import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { clearNoiseCache, fillRandomNormal, InvalidOptionError, NOISE_CACHE_BYTES, noiseCacheBytes, mixSeed, randomChoice, randomInt, randomSubset, sampleNoise, samplesNoise, seededRandom } from '@tfxai/core';
import { expectNoLeak, testBackends, useBackend } from '@tfxai/test-utils';

const draw = (seed: number, n = 5) => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => random());
};

describe('seeded randomness', () => {
  it('seededRandom: the same seed repeats, other seeds (also ones differing only above bit 32) do not; values in [0, 1)', () => {
    expect(draw(7)).to.deep.equal(draw(7));
    expect(draw(7)).to.not.deep.equal(draw(8));
    expect(draw(5)).to.not.deep.equal(draw(5 + 2 ** 32));
    const many = draw(123, 10000);
    expect(Math.min(...many)).to.be.at.least(0);
    expect(Math.max(...many)).to.be.below(1);
    // Uniform: the mean of 10000 draws is 1/2 within 5 standard errors (1/sqrt(12 n)).
    expect(Math.abs(many.reduce((a, b) => a + b, 0) / many.length - 0.5)).to.be.below(5 / Math.sqrt(12 * 10000));
    expect(() => seededRandom(0.5)).to.throw(InvalidOptionError, /seed.*safe integer/);
  });

  it('mixSeed gives unrelated 32-bit seeds for neighbouring streams and for seeds differing above bit 32', () => {
    const seeds = new Set([0, 1, 2, 3].flatMap((index) => [mixSeed(9, index), mixSeed(9 + 2 ** 32, index)]));
    expect(seeds.size).to.equal(8);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).to.equal(true);
  });

  it('randomInt, randomSubset and randomChoice stay in range and follow their distributions', () => {
    const random = seededRandom(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 6000; i++) counts[randomChoice(random, [1, 0, 2])]!++;
    expect(counts[1]).to.equal(0);
    // P(index 2) = 2/3: within 5 standard errors.
    expect(Math.abs(counts[2]! / 6000 - 2 / 3)).to.be.below(5 * Math.sqrt((2 / 9) / 6000));
    for (let i = 0; i < 200; i++) {
      const k = randomInt(random, 6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).to.equal(true);
      const subset = randomSubset(random, 10, 4);
      expect(new Set(subset).size).to.equal(4);
      for (const j of subset) expect(j).to.be.within(0, 9);
    }
  });

  it('sampleNoise: the same numbers on every backend, a new stream per sample, no leaks', async () => {
    const results: Float32Array[] = [];
    for (const backend of testBackends()) {
      await useBackend(backend);
      results.push(
        await expectNoLeak(async () => {
          const noise = sampleNoise([2, 3], 4, 1);
          const values = (await noise.data()) as Float32Array;
          noise.dispose();
          return values;
        }),
      );
    }
    for (const other of results.slice(1)) expect(Array.from(other)).to.deep.equal(Array.from(results[0]!));
    const [a, b] = [sampleNoise([2, 3], 4, 1), sampleNoise([2, 3], 4, 2)];
    expect(Array.from(await a.data())).to.not.deep.equal(Array.from(await b.data()));
    tf.dispose([a, b]);
  });

  it("fillRandomNormal gives tf.randomNormal's float32 values bit for bit (seeds, odd counts, offsets, mean and stdDev)", () => {
    const cases = [
      { seed: 1, count: 1, mean: 0, stdDev: 1 },
      { seed: 7, count: 2, mean: 0, stdDev: 1 },
      { seed: mixSeed(4, 0), count: 12347, mean: 0, stdDev: 1 },
      { seed: 4294967295, count: 1001, mean: -0.5, stdDev: 3 },
      { seed: 0.25, count: 33, mean: 2, stdDev: 0.1 },
    ];
    for (const { seed, count, mean, stdDev } of cases) {
      const expected = tf.tidy(() => tf.randomNormal([count], mean, stdDev, 'float32', seed).dataSync() as Float32Array);
      const values = new Float32Array(count + 5).fill(9);
      fillRandomNormal(values, 3, count, seed, mean, stdDev);
      const label = `seed ${seed}, ${count} values`;
      expect(new Uint32Array(values.slice(3, 3 + count).buffer), label).to.deep.equal(new Uint32Array(expected.slice().buffer));
      expect([...values.slice(0, 3), ...values.slice(3 + count)], `${label}: nothing outside the range is touched`).to.deep.equal([9, 9, 9, 9, 9]);
    }
  });

  it("sampleNoise and samplesNoise: each sample is tf.randomNormal of its own stream (mixSeed), stacked; no leaks", async () => {
    const shape = [3, 4, 2];
    const stacked = await expectNoLeak(async () => {
      const noise = samplesNoise(shape, 11, 5, 3);
      expect(noise.shape).to.deep.equal([3, ...shape]);
      const values = (await noise.data()) as Float32Array;
      noise.dispose();
      return values;
    });
    for (let k = 0; k < 3; k++) {
      const expected = tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', mixSeed(11, 5 + k)).dataSync() as Float32Array);
      const single = sampleNoise(shape, 11, 5 + k);
      expect(Array.from(await single.data()), `sample ${5 + k}`).to.deep.equal(Array.from(expected));
      single.dispose();
      expect(Array.from(stacked.slice(k * 24, (k + 1) * 24)), `stacked sample ${5 + k}`).to.deep.equal(Array.from(expected));
    }
  });

  it('the noise cache: a second draw gives the same values from the cache, within its byte budget, least recently used out first', async () => {
    clearNoiseCache();
    const shape = [5, 7, 3];
    const first = samplesNoise(shape, 3, 0, 4);
    expect(noiseCacheBytes()).to.equal(4 * 105 * 4);
    const again = samplesNoise(shape, 3, 2, 4); // samples 2, 3 cached, 4, 5 new
    expect(noiseCacheBytes()).to.equal(6 * 105 * 4);
    const [a, b] = [(await first.data()) as Float32Array, (await again.data()) as Float32Array];
    expect(Array.from(b.slice(0, 2 * 105))).to.deep.equal(Array.from(a.slice(2 * 105)));
    const fresh = tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', mixSeed(3, 2)).dataSync() as Float32Array);
    expect(Array.from(b.slice(0, 105)), 'a cached sample is still tf.randomNormal of its stream').to.deep.equal(Array.from(fresh));
    // Writing to what a tensor holds never reaches the cache.
    const single = sampleNoise(shape, 3, 2);
    (single.dataSync() as Float32Array).fill(0);
    const reread = sampleNoise(shape, 3, 2);
    expect(Array.from(await reread.data())).to.deep.equal(Array.from(fresh));
    tf.dispose([first, again, single, reread]);

    // A draw larger than the budget is not kept; one that needs room evicts the oldest streams.
    const big = Math.floor(NOISE_CACHE_BYTES / 4 / 3) + 1; // three of these overflow the budget
    const bigShape = [big];
    tf.dispose(samplesNoise(bigShape, 9, 0, 2));
    expect(noiseCacheBytes()).to.be.at.most(NOISE_CACHE_BYTES);
    expect(noiseCacheBytes()).to.equal(2 * big * 4 + 6 * 105 * 4);
    tf.dispose(samplesNoise(bigShape, 9, 2, 1)); // room only after the small streams and sample 0 go
    expect(noiseCacheBytes()).to.equal(2 * big * 4);
    tf.dispose(samplesNoise([Math.floor(NOISE_CACHE_BYTES / 4) + 1], 9, 0, 1));
    expect(noiseCacheBytes(), 'larger than the budget: drawn, not kept').to.equal(2 * big * 4);
    clearNoiseCache();
    expect(noiseCacheBytes()).to.equal(0);
  });
});
