import { randomChoice, randomSubset, type RandomSource } from '@tfxai/core';

/** Coalitions (0/1 per player) with their regression weights. */
export interface WeightedCoalitions {
  coalitions: Uint8Array[];
  weights: number[];
}

/** The binomial coefficient C(n, k) as a float. */
export function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/**
 * The Shapley kernel (Lundberg & Lee 2017) of one coalition of `size` out of
 * `m` players: (m - 1) / (C(m, size) size (m - size)); infinite (a constraint)
 * for the empty and the full coalition.
 */
export function shapleyKernelWeight(m: number, size: number): number {
  if (size === 0 || size === m) return Infinity;
  return (m - 1) / (binomial(m, size) * size * (m - size));
}

/** Every coalition but the empty and the full one (2^m - 2), each with its exact Shapley kernel weight. */
export function enumerateCoalitions(m: number): WeightedCoalitions {
  const coalitions: Uint8Array[] = [];
  const weights: number[] = [];
  for (let bits = 1; bits < 2 ** m - 1; bits++) {
    const z = new Uint8Array(m);
    let size = 0;
    for (let k = 0; k < m; k++) if ((bits >> k) & 1) (z[k] = 1), size++;
    coalitions.push(z);
    weights.push(shapleyKernelWeight(m, size));
  }
  return { coalitions, weights };
}

/** Every subset of `size` out of [0, m), in lexicographic order. */
function* combinations(m: number, size: number): Generator<number[]> {
  const indices = Array.from({ length: size }, (_, i) => i);
  while (true) {
    yield [...indices];
    let i = size - 1;
    while (i >= 0 && indices[i] === m - size + i) i--;
    if (i < 0) return;
    indices[i]!++;
    for (let j = i + 1; j < size; j++) indices[j] = indices[j - 1]! + 1;
  }
}

function coalition(m: number, members: readonly number[]): Uint8Array {
  const z = new Uint8Array(m);
  for (const k of members) z[k] = 1;
  return z;
}

function complement(z: Uint8Array): Uint8Array {
  return z.map((v) => 1 - v);
}

/**
 * About `numSamples` coalitions with weights, by the shap package's KernelExplainer
 * scheme: coalition sizes are taken in pairs (s, m - s) from the smallest up;
 * a pair whose every coalition fits the budget at its share of the kernel
 * weight is enumerated with exact weights; the rest of the budget is drawn at
 * random (size by the remaining kernel weight, then a uniform subset and its
 * complement), repeated draws adding to a coalition's weight, and those
 * weights rescaled to the kernel weight left over. Total weight is 1.
 */
export function sampleCoalitions(m: number, numSamples: number, random: RandomSource): WeightedCoalitions {
  const coalitions: Uint8Array[] = [];
  const weights: number[] = [];
  const numSizes = Math.ceil((m - 1) / 2);
  const numPairedSizes = Math.floor((m - 1) / 2);
  // Kernel weight of each size s (all its coalitions together), sizes s and m - s counted once as a pair.
  const sizeWeights = Array.from({ length: numSizes }, (_, i) => ((m - 1) / ((i + 1) * (m - i - 1))) * (i < numPairedSizes ? 2 : 1));
  const totalWeight = sizeWeights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < numSizes; i++) sizeWeights[i]! /= totalWeight;

  let samplesLeft = numSamples;
  let fullSizes = 0;
  const remaining = [...sizeWeights];
  for (let size = 1; size <= numSizes; size++) {
    const paired = size <= numPairedSizes;
    const count = binomial(m, size) * (paired ? 2 : 1);
    if ((samplesLeft * remaining[size - 1]!) / count < 1 - 1e-8) break;
    fullSizes++;
    samplesLeft -= count;
    if (remaining[size - 1]! < 1) {
      const rest = 1 - remaining[size - 1]!;
      for (let i = 0; i < numSizes; i++) remaining[i]! /= rest;
    }
    const weight = sizeWeights[size - 1]! / binomial(m, size) / (paired ? 2 : 1);
    for (const members of combinations(m, size)) {
      const z = coalition(m, members);
      coalitions.push(z);
      weights.push(weight);
      if (paired) {
        coalitions.push(complement(z));
        weights.push(weight);
      }
    }
  }

  const fixed = coalitions.length;
  if (fullSizes < numSizes && samplesLeft > 0) {
    // Each draw adds a coalition and (for paired sizes) its complement, hence the halved pair weights.
    const drawWeights = sizeWeights.slice(fullSizes).map((w, i) => (fullSizes + i < numPairedSizes ? w / 2 : w));
    const seen = new Map<string, number>();
    for (let draws = 0; samplesLeft > 0 && draws < 4 * numSamples; draws++) {
      const size = fullSizes + 1 + randomChoice(random, drawWeights);
      const z = coalition(m, randomSubset(random, m, size));
      const key = z.join('');
      const index = seen.get(key);
      const paired = size <= numPairedSizes;
      if (index === undefined) {
        seen.set(key, coalitions.length);
        coalitions.push(z);
        weights.push(1);
        samplesLeft--;
        if (paired && samplesLeft > 0) {
          coalitions.push(complement(z));
          weights.push(1);
          samplesLeft--;
        }
      } else {
        weights[index]!++;
        // The complement, when it was added, sits right after its coalition.
        if (paired && index + 1 < coalitions.length && coalitions[index + 1]!.every((v, k) => v === 1 - z[k]!)) weights[index + 1]!++;
      }
    }
    const leftWeight = sizeWeights.slice(fullSizes).reduce((a, b) => a + b, 0);
    const drawn = weights.slice(fixed).reduce((a, b) => a + b, 0);
    for (let i = fixed; i < weights.length; i++) weights[i]! *= leftWeight / drawn;
  }
  return { coalitions, weights };
}
