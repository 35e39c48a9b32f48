import { InvalidOptionError, checkInteger } from '@tfxai/core';

/** How the path integral from baseline to input is approximated. */
export type QuadratureRule = 'trapezoid' | 'left' | 'right' | 'middle' | 'gauss-legendre';
export const QUADRATURE_RULES: readonly QuadratureRule[] = ['trapezoid', 'left', 'right', 'middle', 'gauss-legendre'];

/** Points on the path (alpha in [0, 1]) and their weights; the weights sum to 1. */
export interface Quadrature {
  alphas: number[];
  weights: number[];
}

/**
 * The nodes and weights of a rule with `steps` intervals (or nodes, for Gauss-Legendre).
 * - trapezoid: the n + 1 points k/n, weights 1/(2n), 1/n, ..., 1/n, 1/(2n) (AUCMEDI's, unbiased)
 * - left: k/n for k = 0..n-1; right: k = 1..n; middle: (k + 1/2)/n; weights 1/n
 * - gauss-legendre: n Legendre nodes mapped to [0, 1], exact for polynomials of degree <= 2n - 1
 */
export function quadrature(rule: QuadratureRule, steps: number): Quadrature {
  const n = checkInteger('numSteps', steps);
  const uniform = (offset: number) => ({
    alphas: Array.from({ length: n }, (_, k) => (k + offset) / n),
    weights: new Array<number>(n).fill(1 / n),
  });
  switch (rule) {
    case 'trapezoid':
      return {
        alphas: Array.from({ length: n + 1 }, (_, k) => k / n),
        weights: Array.from({ length: n + 1 }, (_, k) => (k === 0 || k === n ? 1 / (2 * n) : 1 / n)),
      };
    case 'left':
      return uniform(0);
    case 'right':
      return uniform(1);
    case 'middle':
      return uniform(0.5);
    case 'gauss-legendre':
      return gaussLegendre(n);
    default:
      throw new InvalidOptionError('rule', `got '${String(rule)}'; allowed: ${QUADRATURE_RULES.join(', ')}`);
  }
}

/**
 * Gauss-Legendre nodes on [0, 1]: the roots x_i of P_n by Newton's method
 * (from the Chebyshev guess), mapped to (1 + x_i)/2 with weights w_i/2.
 */
export function gaussLegendre(n: number): Quadrature {
  const alphas = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      // P_n(x) by the three-term recurrence; its derivative from P_n and P_{n-1}.
      let p0 = 1;
      let p1 = 0;
      for (let j = 1; j <= n; j++) [p0, p1] = [((2 * j - 1) * x * p0 - (j - 1) * p1) / j, p0];
      derivative = (n * (x * p0 - p1)) / (x * x - 1);
      const step = p0 / derivative;
      x -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    const w = 2 / ((1 - x * x) * derivative * derivative);
    alphas[i] = (1 - x) / 2;
    alphas[n - 1 - i] = (1 + x) / 2;
    weights[i] = w / 2;
    weights[n - 1 - i] = w / 2;
  }
  return { alphas, weights };
}
