import { expect } from 'chai';
import { InvalidInputError, InvalidOptionError } from '@tfxai/core';
import { overlayHeatmap, type RasterImage } from '@tfxai/node';
import { jetReference } from './jet-reference.js';


const rgb = (width: number, height: number, data: number[]): RasterImage => ({ width, height, channels: 3, data: Float32Array.from(data), bitDepth: 8 });

describe('overlayHeatmap (AUCMEDI: uint8(alpha * 255 * jet(uint8(255 map)) + (1 - alpha) * image))', () => {
  it('matches the formula by hand on a few pixels', () => {
    const image = rgb(3, 1, [100, 50, 200, 0, 0, 0, 255, 255, 255]);
    const map = Float32Array.from([0.5, 0, 1]);
    const out = overlayHeatmap(image, map);
    // Pixel 0: level trunc(127.5) = 127.
    const c = jetReference(127 / 255);
    const expected0 = [0, 1, 2].map((ch) => Math.trunc(0.25 * 255 * c[ch]! + 0.75 * image.data[ch]!));
    expect([...out.slice(0, 3)]).to.deep.equal(expected0);
    // Hand arithmetic for pixel 0, red: jet r(127/255) = (0.49804 - 0.35) / 0.31 = 0.47755; 0.25*255*0.47755 + 75 = 105.44 -> 105.
    expect(out[0]).to.equal(105);
    // Pixel 1: level 0 = (0, 0, 0.5) over black: blue 0.25 * 127.5 = 31.875 -> 31.
    expect([...out.slice(3, 6)]).to.deep.equal([0, 0, 31]);
    // Pixel 2: level 255 = (0.5, 0, 0) over white: red 31.875 + 191.25 = 223.125 -> 223; others 191.25 -> 191.
    expect([...out.slice(6, 9)]).to.deep.equal([223, 191, 191]);
  });

  it('agrees with the straightforward formula on every level and alpha', () => {
    const levels = 256;
    const image = rgb(levels, 1, Array.from({ length: levels * 3 }, (_, i) => (i * 37) % 256));
    const map = Float32Array.from({ length: levels }, (_, k) => k / 255);
    for (const alpha of [0, 0.25, 0.4, 1]) {
      const out = overlayHeatmap(image, map, { alpha });
      for (let p = 0; p < levels; p++) {
        const level = Math.trunc(Math.fround(map[p]! * 255));
        const color = jetReference(level / 255);
        for (let ch = 0; ch < 3; ch++) {
          const expected = Math.trunc(alpha * 255 * color[ch]! + (1 - alpha) * image.data[3 * p + ch]!);
          expect(Math.abs(out[3 * p + ch]! - expected), `alpha ${alpha} level ${level} channel ${ch}`).to.be.at.most(alpha === 0 ? 0 : 1);
        }
      }
    }
  });

  it('alpha 0 gives the image itself; alpha 1 the colormap alone; grayscale is repeated to RGB', () => {
    const gray: RasterImage = { width: 2, height: 2, channels: 1, data: Float32Array.from([0, 10, 128, 255]), bitDepth: 8 };
    const map = Float32Array.from([0.1, 0.9, 0.3, 1]);
    expect([...overlayHeatmap(gray, map, { alpha: 0 })]).to.deep.equal([0, 0, 0, 10, 10, 10, 128, 128, 128, 255, 255, 255]);
    const full = overlayHeatmap(gray, map, { alpha: 1, colormap: 'gray' });
    // gray colormap: level trunc(255 m) / 255 * 255.
    expect([...full.filter((_, i) => i % 3 === 0)]).to.deep.equal([25, 229, 76, 255]);
  });

  it('rejects a bad alpha, colormap or map size with typed errors', () => {
    const image = rgb(1, 1, [1, 2, 3]);
    expect(() => overlayHeatmap(image, Float32Array.from([0.5]), { alpha: 1.5 })).to.throw(InvalidOptionError, /alpha.*0 .*1/);
    expect(() => overlayHeatmap(image, Float32Array.from([0.5]), { colormap: 'hot' as never })).to.throw(InvalidOptionError, /colormap/);
    expect(() => overlayHeatmap(image, Float32Array.from([0.5, 0.5]))).to.throw(InvalidInputError, /2 values but the image is 1x1/);
  });
});
