import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, UnsupportedModelError, adaptModel } from '@tfxai/core';
import { explainedOutputAdapter } from '@tfxai/cam';
import { expectAllClose, expectNoLeak, forEachBackend } from '@tfxai/test-utils';

/** conv -> flatten -> dense(units, activation), seeded so that two builds share every weight. */
function classifier(units: number, activation: 'softmax' | 'sigmoid' | 'linear', name = 'head'): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 21 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ name, units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: 22 }), biasInitializer: tf.initializers.constant({ value: 0.3 }) }),
    ],
  });
}

async function scores(predict: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D): Promise<number[]> {
  return expectNoLeak(async () => {
    const y = tf.tidy(() => predict(x));
    const values = Array.from(await y.data());
    y.dispose();
    return values;
  });
}

describe("output: 'logits' (explainedOutputAdapter)", () => {
  forEachBackend(() => {
    let x: tf.Tensor4D;
    before(() => (x = tf.randomUniform([3, 4, 4, 1], -1, 1, 'float32', 2) as tf.Tensor4D));
    after(() => x.dispose());

    for (const [units, activation] of [
      [3, 'softmax'],
      [1, 'sigmoid'],
    ] as const) {
      it(`a Dense ${activation} head gives x . kernel + bias, the same as a linear twin; the model itself is left as it was`, async () => {
        const model = classifier(units, activation);
        const twin = classifier(units, 'linear');
        const probabilities = await scores((b) => model.predict(b) as tf.Tensor, x);
        const logits = await scores((b) => explainedOutputAdapter(adaptModel(model), 'logits').predict(b), x);
        expectAllClose(logits, await scores((b) => twin.predict(b) as tf.Tensor, x), 1e-5);
        expect(Math.min(...logits), 'logits leave [0, 1]').to.be.lessThan(0);
        expectAllClose(await scores((b) => model.predict(b) as tf.Tensor, x), probabilities, 0);
        model.dispose();
        twin.dispose();
      });
    }

    it('an Activation(softmax) layer after a linear Dense, inside a nested model, is bypassed too', async () => {
      const inner = classifier(3, 'linear');
      inner.add(tf.layers.activation({ activation: 'softmax' }));
      const outer = tf.sequential({ layers: [inner] });
      const twin = classifier(3, 'linear');
      expectAllClose(await scores((b) => explainedOutputAdapter(adaptModel(outer), 'logits').predict(b), x), await scores((b) => twin.predict(b) as tf.Tensor, x), 1e-5);
      outer.dispose();
      twin.dispose();
    });

    it("a linear head already gives logits (the adapter is returned as it is); 'probabilities' never changes the adapter", () => {
      const model = classifier(2, 'linear');
      const adapter = adaptModel(model);
      expect(explainedOutputAdapter(adapter, 'logits')).to.equal(adapter);
      expect(explainedOutputAdapter(adapter, 'probabilities')).to.equal(adapter);
      expect(explainedOutputAdapter(adapter)).to.equal(adapter);
      model.dispose();
    });

    it('typed errors: unknown output, a tanh head, a function model', () => {
      const model = classifier(2, 'softmax');
      const adapter = adaptModel(model);
      expect(() => explainedOutputAdapter(adapter, 'raw' as never)).to.throw(InvalidOptionError, /output.*allowed: probabilities, logits/);
      const tanh = tf.sequential({ layers: [tf.layers.dense({ name: 'squash', inputShape: [2], units: 2, activation: 'tanh' })] });
      expect(() => explainedOutputAdapter(adaptModel(tanh), 'logits')).to.throw(UnsupportedModelError, /final layer 'squash' is a Dense with activation 'tanh'/);
      expect(() => explainedOutputAdapter(adaptModel((b: tf.Tensor4D) => b.mean([1, 2])), 'logits')).to.throw(UnsupportedModelError, /function model/);
      model.dispose();
      tanh.dispose();
    });
  });
});
