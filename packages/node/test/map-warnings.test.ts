import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { constantMapWarning, xaiDecoder } from '@tfxai/node';
import type { XaiMethod } from '@tfxai/core';
import { forEachBackend } from '@tfxai/test-utils';
import { FirstChannelMethod, meanScoreModel, removeFolder, tempFolder } from './fixtures.js';

/** A method whose map is the same value everywhere (what occlusion gives when no patch changes the score). */
class FlatMethod implements XaiMethod {
  readonly name = 'flat';
  async computeHeatmap(image: tf.Tensor): Promise<tf.Tensor2D> {
    return tf.zeros([image.shape[1]!, image.shape[2]!]) as tf.Tensor2D;
  }
}

describe('constant-map warnings', () => {
  it('flags max == min and nothing else', () => {
    expect(constantMapWarning(Float32Array.from([0, 0, 0]), 2)).to.include({ code: 'CONSTANT_MAP', classIndex: 2, value: 0 });
    expect(constantMapWarning(Float32Array.from([0.5]), 0)?.value).to.equal(0.5);
    expect(constantMapWarning(Float32Array.from([0, 0, 1e-7]), 0)).to.equal(undefined);
    expect(constantMapWarning(Float32Array.from([1, 0, 1]), 0)).to.equal(undefined);
    expect(constantMapWarning(Float32Array.from([]), 0)).to.equal(undefined);
  });

  forEachBackend(() => {
    it('a flat map is reported on its sample and in the run, written or returned; a varying one is not', async () => {
      // Two images: an all-equal one (FirstChannelMethod gives a flat map) and a varied one.
      const flatImage = tf.fill([4, 5, 3], 100) as tf.Tensor3D;
      const variedImage = tf.tensor3d(Array.from({ length: 60 }, (_, i) => (i * 37) % 256), [4, 5, 3]);
      const out = await tempFolder('tfxai-warn-');
      try {
        const before = tf.memory().numTensors;
        const written = await xaiDecoder({ inputs: [flatImage, variedImage], names: ['flat', 'varied'], model: meanScoreModel(), method: new FirstChannelMethod(), outDir: out, classes: [0, 2] });
        expect(tf.memory().numTensors).to.equal(before);
        expect(written.samples[0]!.warnings!.map((w) => w.classIndex)).to.deep.equal([0, 2]);
        expect(written.samples[1]!.warnings).to.equal(undefined);
        expect(written.warnings.map((w) => [w.sample, w.classIndex, w.value])).to.deep.equal([
          ['flat', 0, 0],
          ['flat', 2, 0],
        ]);
        const returned = await xaiDecoder({ inputs: variedImage, model: meanScoreModel(), method: new FlatMethod() });
        expect(returned.warnings).to.have.length(1);
        expect(returned.warnings[0]!.message).to.match(/constant \(every pixel 0\)/);
      } finally {
        tf.dispose([flatImage, variedImage]);
        await removeFolder(out);
      }
    });
  });
});
