import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, mixSeed, randomChoice, randomInt, randomSubset, sampleNoise, seededRandom } from '@tfxai/core';
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
});
