import { pearsonCorrelation } from './statistics.js';

/** Ranks 1..n of `values`, ties sharing their average rank (the convention of scipy.stats.spearmanr). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + end + 1) / 2; // mean of the 1-based ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman's rank correlation: Pearson's correlation of the average ranks.
 * Adebayo et al. (2018), "Sanity Checks for Saliency Maps", compare the maps of
 * the original and the randomised model with it. NaN when either side is constant.
 */
export function spearmanCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearsonCorrelation(averageRanks(a), averageRanks(b));
}
