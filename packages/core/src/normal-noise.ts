import seedrandom from 'seedrandom';

/** 2^-32: alea's step scales its 32-bit carry by it. */
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/**
 * Writes `count` values of `tf.randomNormal([count], mean, stdDev, 'float32', seed)` into
 * `out` from `offset`, value for value (tested bit for bit), in less than half the time.
 *
 * Why not call tf.randomNormal: SmoothGrad and GradientSHAP draw one noise image per
 * sample on the host (the same numbers on every backend), 7.5 million values for 50
 * samples at 224x224x3, and tfjs spends 6 ms per image on them, single-threaded, about
 * a third of a two-thread SmoothGrad map. This is the same generator, tfjs-core's
 * MPRandGauss (Marsaglia's polar method over seedrandom's alea, seeded with the seed's
 * string): alea's seeding is seedrandom's own; its step and the polar method are
 * inlined here, on local variables and straight into a Float32Array.
 * @param seed a non-zero number (tfjs replaces 0 by a random seed; here 0 is a seed like any other)
 */
export function fillRandomNormal(out: Float32Array, offset: number, count: number, seed: number, mean = 0, stdDev = 1): void {
  let { c, s0, s1, s2 } = seedrandom.alea(seed.toString(), { state: true }).state() as AleaState;
  const end = offset + count;
  let i = offset;
  while (i < end) {
    let v1: number;
    let v2: number;
    let s: number;
    do {
      let t = 2091639 * s0 + c * TWO_POW_MINUS_32;
      s0 = s1;
      s1 = s2;
      s2 = t - (c = t | 0);
      v1 = 2 * s2 - 1;
      t = 2091639 * s0 + c * TWO_POW_MINUS_32;
      s0 = s1;
      s1 = s2;
      s2 = t - (c = t | 0);
      v2 = 2 * s2 - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    const scale = Math.sqrt((-2.0 * Math.log(s)) / s);
    // Each polar step gives two values; tfjs keeps the second for its next call.
    out[i++] = mean + stdDev * v1 * scale;
    if (i < end) out[i++] = mean + stdDev * v2 * scale;
  }
}

/** alea's internal state, as seedrandom returns it with `{ state: true }`. */
interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}
