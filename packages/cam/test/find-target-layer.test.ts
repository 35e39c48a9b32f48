import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, LayerNotFoundError, adaptModel } from '@tfxai/core';
import { findTargetLayer, layerActivations } from '@tfxai/cam';
import { expectAllClose, forEachBackend } from '@tfxai/test-utils';
import { caught } from './caught.js';

const conv = (name: string, extra: Partial<Parameters<typeof tf.layers.conv2d>[0]> = {}) =>
  tf.layers.conv2d({ name, filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), ...extra });

function base(name: string, first = 'c1', second = 'c2'): tf.Sequential {
  return tf.sequential({ name, layers: [conv(first, { inputShape: [6, 6, 1] }), conv(second)] });
}

describe('the target layer finder', () => {
  forEachBackend(() => {
    const models: tf.LayersModel[] = [];
    const keep = <T extends tf.LayersModel>(m: T): T => {
      models.push(m);
      return m;
    };
    after(() => models.forEach((m) => m.dispose()));

    it('picks the last 4-D layer before Flatten, before global pooling, and a 4-D pooling layer itself (AUCMEDI: last 4-D output)', () => {
      const flat = keep(tf.sequential({ layers: [conv('c1', { inputShape: [6, 6, 1] }), conv('c2'), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }));
      expect(findTargetLayer(flat).path).to.equal('c2');
      const gap = keep(tf.sequential({ layers: [conv('c1', { inputShape: [6, 6, 1] }), conv('c2'), tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 2 })] }));
      expect(findTargetLayer(gap).path).to.equal('c2');
      const pooled = keep(tf.sequential({ layers: [conv('c1', { inputShape: [6, 6, 1] }), tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }));
      expect(findTargetLayer(pooled).path).to.equal('pool');
    });

    it('a named layer wins over the automatic choice', () => {
      const model = keep(tf.sequential({ layers: [conv('c1', { inputShape: [6, 6, 1] }), conv('c2'), tf.layers.flatten()] }));
      expect(findTargetLayer(model, 'c1').path).to.equal('c1');
    });

    it('searches into a nested base network (a Sequential holding a model), by path, by bare name and automatically', async () => {
      const inner = base('base');
      const model = keep(tf.sequential({ layers: [inner, tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 2, activation: 'softmax' })] }));
      expect(findTargetLayer(model).path).to.equal('base/c2');
      expect(findTargetLayer(model, 'base/c1').path).to.equal('base/c1');
      expect(findTargetLayer(model, 'c1').path).to.equal('base/c1');
      expect(findTargetLayer(model, 'base').path).to.equal('base');
      // Numbers, not only names: the automatic layer's activations are the base network's output.
      const x = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
      const activations = layerActivations(adaptModel(model)).activations(x);
      const expected = inner.predict(x) as tf.Tensor;
      expectAllClose(await activations.data(), await expected.data(), 1e-6);
      tf.dispose([x, activations, expected]);
    });

    it('a bare name found in two nested models is ambiguous: LayerNotFoundError listing both paths', () => {
      const input = tf.input({ shape: [6, 6, 1] });
      const left = base('left', 'conv', 'left_out');
      const right = base('right', 'conv', 'right_out');
      const merged = tf.layers.concatenate().apply([left.apply(input) as tf.SymbolicTensor, right.apply(input) as tf.SymbolicTensor]) as tf.SymbolicTensor;
      const model = keep(tf.model({ inputs: input, outputs: tf.layers.flatten().apply(merged) as tf.SymbolicTensor }));
      const error = caught(() => findTargetLayer(model, 'conv'));
      expect(error).to.be.instanceOf(LayerNotFoundError);
      expect(error.message).to.contain("'left/conv'").and.contain("'right/conv'").and.contain('pass the full path');
      expect(findTargetLayer(model).layer.getClassName(), 'automatic: the concatenation of both branches').to.equal('Concatenate');
      expect(findTargetLayer(model, 'right/conv').layer).to.equal(right.getLayer('conv'));
    });

    it('a dense-only model: LayerNotFoundError saying so and listing every layer', () => {
      const model = keep(tf.sequential({ layers: [tf.layers.dense({ name: 'd1', inputShape: [4], units: 3 }), tf.layers.dense({ name: 'd2', units: 2 })] }));
      const error = caught(() => findTargetLayer(model)) as LayerNotFoundError;
      expect(error).to.be.instanceOf(LayerNotFoundError);
      expect(error.message).to.match(/has no layer with a 4-D output.*no layer has a 4-D output; layers: d1, d2/);
      expect(error.candidates).to.deep.equal(['d1', 'd2']);
    });

    it('an unknown name: LayerNotFoundError listing the 4-D candidates, with nested paths', () => {
      const model = keep(tf.sequential({ layers: [base('base2'), tf.layers.flatten(), tf.layers.dense({ name: 'head', units: 2 })] }));
      const error = caught(() => findTargetLayer(model, 'conv_pw_13_relu')) as LayerNotFoundError;
      expect(error).to.be.instanceOf(LayerNotFoundError);
      expect(error.message).to.contain("has no layer 'conv_pw_13_relu'").and.contain('layers with a 4-D output: base2/c1, base2/c2, base2');
      expect(error.candidates).to.deep.equal(['base2/c1', 'base2/c2', 'base2']);
    });

    it('a layerName that is not a non-empty string, or names a layer without a 4-D output: InvalidOptionError', () => {
      const model = keep(tf.sequential({ layers: [conv('c1', { inputShape: [6, 6, 1] })] }));
      expect(() => findTargetLayer(model, '')).to.throw(InvalidOptionError, /layerName.*non-empty/);
      expect(() => findTargetLayer(model, 3 as unknown as string)).to.throw(InvalidOptionError, /layerName/);
      const pooled = keep(tf.sequential({ layers: [conv('c1', { inputShape: [6, 6, 1] }), tf.layers.globalAveragePooling2d({ name: 'gap' })] }));
      expect(() => findTargetLayer(pooled, 'gap')).to.throw(InvalidOptionError, /layer 'gap' gives a 2-D output, but CAM methods need a 4-D feature map.*layers with a 4-D output: c1/);
    });
  });
});
