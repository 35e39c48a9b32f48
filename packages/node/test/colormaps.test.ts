import { expect } from 'chai';
import { InvalidOptionError } from '@tfxai/core';
import { COLORMAP_NAMES, colormapColor, colormapLut, type ColormapName } from '@tfxai/node';
import { expectAllClose } from '@tfxai/test-utils';

function hex(code: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(code.slice(i, i + 2), 16) / 255) as [number, number, number];
}

describe('colormaps', () => {
  it('jet follows the piecewise-linear definition (hand-computed levels)', () => {
    // Level k sits at x = k / 255; each channel interpolates between matplotlib's jet breakpoints.
    const x = (k: number) => k / 255;
    expectAllClose(colormapColor('jet', 0), [0, 0, 0.5], 1e-12);
    expectAllClose(colormapColor('jet', 255), [0.5, 0, 0], 1e-12);
    // 128: red rises 0.35 -> 0.66, green is 1 on 0.375..0.64, blue falls 0.34 -> 0.65.
    expectAllClose(colormapColor('jet', 128), [(x(128) - 0.35) / 0.31, 1, 1 - (x(128) - 0.34) / 0.31], 1e-12);
    // 64: red 0; green rises 0.125 -> 0.375; blue is 1 on 0.11..0.34.
    expectAllClose(colormapColor('jet', 64), [0, (x(64) - 0.125) / 0.25, 1], 1e-12);
    // 1: blue rises from 0.5 at 0 to 1 at 0.11.
    expectAllClose(colormapColor('jet', 1), [0, 0, 0.5 + 0.5 * (x(1) / 0.11)], 1e-12);
    // 240: red falls 1 -> 0.5 between 0.89 and 1; green and blue are 0.
    expectAllClose(colormapColor('jet', 240), [1 - 0.5 * ((x(240) - 0.89) / 0.11), 0, 0], 1e-12);
    // Published matplotlib values: jet(128) = (0.49019608, 1, 0.47754586).
    expectAllClose(colormapColor('jet', 128), [0.49019608, 1, 0.47754586], 1e-8);
  });

  it('viridis matches its published hex stops and a published polynomial fit', () => {
    expectAllClose(colormapColor('viridis', 0), hex('#440154'), 0.5 / 255);
    expectAllClose(colormapColor('viridis', 128), hex('#21918c'), 0.5 / 255);
    expectAllClose(colormapColor('viridis', 255), hex('#fde725'), 0.5 / 255);
    // Matt Zucker's degree-6 fit of viridis (CC0), good to about 0.013 everywhere.
    const c = [
      [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
      [0.1050930431085774, 1.404613529898575, 1.384590162594685],
      [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
      [-4.634230498983486, -5.799100973351585, -19.33244095627987],
      [6.228269936347081, 14.17993336680509, 56.69055260068105],
      [4.776384997670288, -13.74514537774601, -65.35303263337234],
      [-5.435455855934631, 4.645852612178535, 26.3124352495832],
    ];
    for (let k = 0; k < 256; k++) {
      const t = k / 255;
      const fit = [0, 1, 2].map((ch) => c.reduceRight((acc, row) => acc * t + row[ch]!, 0));
      expectAllClose(colormapColor('viridis', k), fit, 0.015);
    }
  });

  it('turbo matches the published 15-stop Turbo scale within 4/255', () => {
    const stops = ['#30123b', '#4145ab', '#4675ed', '#39a2fc', '#1bcfd4', '#24eca6', '#61fc6c', '#a4fc3b', '#d1e834', '#f3c63a', '#fe9b2d', '#f36315', '#d93806', '#b11901', '#7a0402'];
    stops.forEach((stop, i) => expectAllClose(colormapColor('turbo', Math.round((i * 255) / 14)), hex(stop), 4 / 255));
    expectAllClose(colormapColor('turbo', 0), [0.18995, 0.07176, 0.23217], 1e-12);
  });

  it('gray is k / 255 on every channel', () => {
    for (const k of [0, 1, 77, 128, 254, 255]) expectAllClose(colormapColor('gray', k), [k / 255, k / 255, k / 255], 1e-15);
  });

  it('every table has 256 levels in [0, 1]; an unknown name is a typed error listing the names', () => {
    for (const name of COLORMAP_NAMES) {
      const lut = colormapLut(name);
      expect(lut.length).to.equal(768);
      expect(lut.every((v) => v >= 0 && v <= 1)).to.equal(true);
    }
    expect(() => colormapLut('rainbow' as ColormapName)).to.throw(InvalidOptionError, /colormap.*'rainbow'.*allowed: jet, viridis, turbo, gray/);
  });
});
