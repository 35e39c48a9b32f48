import { expect } from 'chai';
import { expectAllClose } from '@tfxai/test-utils';
import { InvalidOptionError } from '@tfxai/core';
import { QUADRATURE_RULES, gaussLegendre, quadrature } from '@tfxai/integrated-gradients';

describe('quadrature rules', () => {
  it('n = 4: the published node and weight tables', () => {
    expectAllClose(quadrature('trapezoid', 4).alphas, [0, 0.25, 0.5, 0.75, 1], 1e-15);
    expectAllClose(quadrature('trapezoid', 4).weights, [1 / 8, 1 / 4, 1 / 4, 1 / 4, 1 / 8], 1e-15);
    expectAllClose(quadrature('left', 4).alphas, [0, 0.25, 0.5, 0.75], 1e-15);
    expectAllClose(quadrature('right', 4).alphas, [0.25, 0.5, 0.75, 1], 1e-15);
    expectAllClose(quadrature('middle', 4).alphas, [0.125, 0.375, 0.625, 0.875], 1e-15);
    for (const rule of ['left', 'right', 'middle'] as const) expectAllClose(quadrature(rule, 4).weights, [0.25, 0.25, 0.25, 0.25], 1e-15);
  });

  it('AUCMEDI trapezoid with 50 steps: 51 points k/50', () => {
    const { alphas, weights } = quadrature('trapezoid', 50);
    expect(alphas).to.have.length(51);
    alphas.forEach((a, k) => expect(a).to.be.closeTo(k / 50, 1e-15));
    expect(weights[0]).to.equal(1 / 100);
    expect(weights[25]).to.equal(1 / 50);
  });

  it('Gauss-Legendre: the closed-form nodes for n = 1, 2, 3', () => {
    expectAllClose(gaussLegendre(1).alphas, [0.5], 1e-15);
    expectAllClose(gaussLegendre(1).weights, [1], 1e-15);
    const r = 1 / (2 * Math.sqrt(3));
    expectAllClose(gaussLegendre(2).alphas, [0.5 - r, 0.5 + r], 1e-14);
    expectAllClose(gaussLegendre(2).weights, [0.5, 0.5], 1e-14);
    const s = Math.sqrt(3 / 5) / 2;
    expectAllClose(gaussLegendre(3).alphas, [0.5 - s, 0.5, 0.5 + s], 1e-14);
    expectAllClose(gaussLegendre(3).weights, [5 / 18, 8 / 18, 5 / 18], 1e-14);
  });

  it('Gauss-Legendre with n nodes integrates t^k exactly on [0,1] for k <= 2n - 1', () => {
    for (const n of [2, 5, 12, 40]) {
      const { alphas, weights } = gaussLegendre(n);
      for (let k = 0; k <= 2 * n - 1; k++) {
        const integral = alphas.reduce((acc, a, i) => acc + weights[i]! * a ** k, 0);
        expect(integral, `n=${n} k=${k}`).to.be.closeTo(1 / (k + 1), 1e-12);
      }
    }
  });

  it('every rule has weights that sum to 1 and nodes in [0, 1]', () => {
    for (const rule of QUADRATURE_RULES) {
      for (const n of [1, 2, 7, 50, 300]) {
        const { alphas, weights } = quadrature(rule, n);
        expect(weights.reduce((a, b) => a + b, 0), `${rule} n=${n}`).to.be.closeTo(1, 1e-12);
        expect(Math.min(...alphas)).to.be.at.least(0);
        expect(Math.max(...alphas)).to.be.at.most(1);
      }
    }
  });

  it('rejects a step count below 1 and an unknown rule', () => {
    expect(() => quadrature('trapezoid', 0)).to.throw(InvalidOptionError, /numSteps.*>= 1/);
    expect(() => quadrature('simpson' as never, 4)).to.throw(InvalidOptionError, /allowed: trapezoid/);
  });
});
