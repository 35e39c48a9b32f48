import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { TfxaiError, createRegistry, type ModelFunction } from '@tfxai/core';
import { guidedBackpropModule, saliencyModule, withGuidedRelu, type GuidedBackpropOptions } from '@tfxai/gradient-maps';
import { expectAllClose, expectNoLeak, forEachBackend, maxAbsDiff } from '@tfxai/test-utils';
import { handCaseGraphModel } from './hand-case-graph-model.js';
import { reluSoftmaxCnn, seededImages } from './models.js';

const registry = createRegistry(saliencyModule, guidedBackpropModule);

async function attributionValues(name: string, model: tf.LayersModel | tf.GraphModel | ModelFunction, images: tf.Tensor, target: number | number[], options?: GuidedBackpropOptions): Promise<Float32Array> {
  return expectNoLeak(async () => {
    const { attributions } = await registry.decoder<GuidedBackpropOptions>(name)(model, options).attribute!(images, target);
    const values = (await attributions.data()) as Float32Array;
    attributions.dispose();
    return values;
  });
}

/**
 * The hand-derived case. x = (1, 2); hidden pre-activations h = x W1 = (3, 1, -0.5);
 * y0 = (-2, 3, 5) . ReLU(h) = -3.
 * Vanilla: dy0/dh = (-2, 3, 5) * step(h) = (-2, 3, 0), so dy0/dx = W1 (-2, 3, 0) = (4, -3.5).
 * Guided: the ReLUs pass back only positive gradient: (0, 3, 0), so dy0/dx = (6, -1.5).
 */
const W1 = [
  [1, 2, -1],
  [1, -0.5, 0.25],
];
const W2 = [
  [-2, 1],
  [3, 1],
  [5, 1],
];
const HAND_INPUT = [1, 2];
const VANILLA = [4, -3.5];
const GUIDED = [6, -1.5];

/** The hand case as every kind of ReLU a model can contain; `dispose` frees the models and weights. */
function handCaseModels(): { cases: { label: string; model: tf.LayersModel | ModelFunction }[]; dispose(): void } {
  const w1 = tf.tensor2d(W1);
  const w2 = tf.tensor2d(W2);
  const dense = (units: number, activation: 'relu' | 'relu6' | 'linear', weights: tf.Tensor2D) => tf.layers.dense({ units, activation, useBias: false, weights: [weights] });
  const sequential = (hidden: tf.layers.Layer[]) => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [1, 2, 1] }), ...hidden, dense(2, 'linear', w2)] });
  const layersModels = {
    "dense layer with activation 'relu'": sequential([dense(3, 'relu', w1)]),
    "dense layer with activation 'relu6'": sequential([dense(3, 'relu6', w1)]),
    'tf.layers.reLU layer': sequential([dense(3, 'linear', w1), tf.layers.reLU()]),
    "tf.layers.activation('relu') layer": sequential([dense(3, 'linear', w1), tf.layers.activation({ activation: 'relu' })]),
    'relu dense layer inside a nested base model': tf.sequential({
      layers: [tf.sequential({ layers: [tf.layers.flatten({ inputShape: [1, 2, 1] }), dense(3, 'relu', w1)] }) as unknown as tf.layers.Layer, dense(2, 'linear', w2)],
    }),
  };
  const functionModels: Record<string, ModelFunction> = {
    'function model with tf.relu': (x) => tf.matMul(tf.relu(tf.matMul(x.reshape([x.shape[0], 2]), w1)), w2),
    'function model with tf.relu6': (x) => tf.matMul(tf.relu6(tf.matMul(x.reshape([x.shape[0], 2]), w1)), w2),
  };
  return {
    cases: Object.entries({ ...functionModels, ...layersModels }).map(([label, model]) => ({ label, model })),
    dispose: () => {
      Object.values(layersModels).forEach((m) => m.dispose());
      tf.dispose([w1, w2]);
    },
  };
}

/** A 2-hidden-layer ReLU MLP on 2x2x2 images with biases; weights from sin/cos so signs are mixed. */
function mlpWeights() {
  const matrix = (rows: number, cols: number, phase: number) => Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => Math.sin(phase + 1.7 * r + 0.9 * c) * 0.8));
  const vector = (n: number, phase: number) => Array.from({ length: n }, (_, i) => 0.3 * Math.cos(phase + 2.1 * i));
  return { w1: matrix(8, 6, 0.2), b1: vector(6, 1), w2: matrix(6, 5, 2.5), b2: vector(5, 3), w3: matrix(5, 3, 4.1) };
}

/** Guided (or vanilla) backprop of the MLP by hand, in float64 on the host. */
function mlpReferenceGradient(x: number[], classIndex: number, guided: boolean): number[] {
  const { w1, b1, w2, b2, w3 } = mlpWeights();
  const layer = (input: number[], w: number[][], b: number[]) => b.map((bias, j) => input.reduce((sum, v, i) => sum + v * w[i]![j]!, bias));
  const pre1 = layer(x, w1, b1);
  const a1 = pre1.map((v) => Math.max(v, 0));
  const pre2 = layer(a1, w2, b2);
  // Backward: upstream at the second ReLU's output is column c of w3.
  const throughRelu = (upstream: number[], pre: number[]) => upstream.map((g, j) => (guided ? Math.max(g, 0) : g) * (pre[j]! > 0 ? 1 : 0));
  const g2 = throughRelu(w3.map((row) => row[classIndex]!), pre2);
  const g1 = throughRelu(w2.map((row) => row.reduce((sum, w, k) => sum + w * g2[k]!, 0)), pre1);
  return w1.map((row) => row.reduce((sum, w, j) => sum + w * g1[j]!, 0));
}

describe('Guided Backpropagation', () => {
  it('withGuidedRelu restores the Relu and Relu6 gradients, also when the computation throws or is async', () => {
    const relu = tf.getGradient(tf.Relu);
    const relu6 = tf.getGradient(tf.Relu6);
    expect(() => withGuidedRelu(() => {
      expect(tf.getGradient(tf.Relu)).to.not.equal(relu);
      throw new Error('boom');
    })).to.throw('boom');
    expect(() => withGuidedRelu(() => Promise.resolve(1))).to.throw(TfxaiError, /synchronous/);
    expect(withGuidedRelu(() => withGuidedRelu(() => 7))).to.equal(7);
    expect(tf.getGradient(tf.Relu)).to.equal(relu);
    expect(tf.getGradient(tf.Relu6)).to.equal(relu6);
  });

  forEachBackend(() => {
    it('the hand-derived case: guided (6, -1.5) where the vanilla gradient is (4, -3.5), for every kind of ReLU', async () => {
      const input = tf.tensor4d(HAND_INPUT, [1, 1, 2, 1]);
      const { cases, dispose } = handCaseModels();
      for (const { label, model } of cases) {
        try {
          expectAllClose(await attributionValues('gb', model, input, 0), GUIDED, 1e-6, 0);
          expectAllClose(await attributionValues('saliency', model, input, 0), VANILLA, 1e-6, 0);
          // Class 1 has only positive upstream gradients (1, 1, 1): guided equals vanilla, W1 (1, 1, 0) = (3, 0.5).
          expectAllClose(await attributionValues('GuidedBackpropagation', model, input, 1), [3, 0.5], 1e-6, 0);
        } catch (error) {
          throw new Error(`${label}: ${(error as Error).message}`);
        }
      }
      dispose();
      input.dispose();
    });

    it('the hand-derived case as a tf.GraphModel: a Relu node, and a _FusedMatMul node with a fused Relu', async () => {
      const input = tf.tensor4d(HAND_INPUT, [1, 1, 2, 1]);
      for (const variant of ['relu-node', 'fused'] as const) {
        const model = await handCaseGraphModel(variant, W1, W2);
        expectAllClose(await attributionValues('gb', model, input, 0), GUIDED, 1e-6, 0);
        expectAllClose(await attributionValues('saliency', model, input, 0), VANILLA, 1e-6, 0);
        model.dispose();
      }
      input.dispose();
    });

    it('two ReLU layers: equals a by-hand guided backward pass (and saliency the by-hand vanilla one), function and layers model', async () => {
      const { w1, b1, w2, b2, w3 } = mlpWeights();
      const tensors = [tf.tensor2d(w1), tf.tensor1d(b1), tf.tensor2d(w2), tf.tensor1d(b2), tf.tensor2d(w3)] as const;
      const functionModel: ModelFunction = (x) =>
        tf.matMul(tf.relu(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x.reshape([x.shape[0], 8]), tensors[0]), tensors[1])), tensors[2]), tensors[3])), tensors[4]);
      const layersModel = tf.sequential({
        layers: [
          tf.layers.flatten({ inputShape: [2, 2, 2] }),
          tf.layers.dense({ units: 6, activation: 'relu', weights: [tensors[0], tensors[1]] }),
          tf.layers.dense({ units: 5, activation: 'relu', weights: [tensors[2], tensors[3]] }),
          tf.layers.dense({ units: 3, useBias: false, weights: [tensors[4]] }),
        ],
      });
      const inputs = [Array.from({ length: 8 }, (_, i) => Math.cos(3 * i) + 0.2), Array.from({ length: 8 }, (_, i) => Math.sin(2 * i + 1))];
      const batch = tf.tensor4d(inputs.flat(), [2, 2, 2, 2]);
      for (const model of [functionModel, layersModel]) {
        for (const classIndex of [0, 1, 2]) {
          const guided = await attributionValues('guided-backprop', model, batch, classIndex);
          const vanilla = await attributionValues('saliency', model, batch, classIndex);
          const expectedGuided = inputs.flatMap((x) => mlpReferenceGradient(x, classIndex, true));
          const expectedVanilla = inputs.flatMap((x) => mlpReferenceGradient(x, classIndex, false));
          expectAllClose(guided, expectedGuided, 1e-5, 1e-5);
          expectAllClose(vanilla, expectedVanilla, 1e-5, 1e-5);
        }
      }
      // The case is not trivial: somewhere the guided rule changes the answer.
      const differs = [0, 1, 2].some((c) => maxAbsDiff(mlpReferenceGradient(inputs[0]!, c, true), mlpReferenceGradient(inputs[0]!, c, false)) > 0.05);
      expect(differs).to.equal(true);
      layersModel.dispose();
      tf.dispose([...tensors, batch]);
    });

    it('heatmap with absolute: false is AUCMEDI\'s signed channel maximum of the guided gradient', async () => {
      const { w1, b1, w2, b2, w3 } = mlpWeights();
      const tensors = [tf.tensor2d(w1), tf.tensor1d(b1), tf.tensor2d(w2), tf.tensor1d(b2), tf.tensor2d(w3)] as const;
      const model: ModelFunction = (x) =>
        tf.matMul(tf.relu(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x.reshape([x.shape[0], 8]), tensors[0]), tensors[1])), tensors[2]), tensors[3])), tensors[4]);
      const x = Array.from({ length: 8 }, (_, i) => Math.cos(3 * i) + 0.2);
      const image = tf.tensor4d(x, [1, 2, 2, 2]);
      const gradient = mlpReferenceGradient(x, 1, true);
      for (const absolute of [false, true]) {
        const map = Array.from({ length: 4 }, (_, p) => Math.max(...gradient.slice(2 * p, 2 * p + 2).map((v) => (absolute ? Math.abs(v) : v))));
        const [min, max] = [Math.min(...map), Math.max(...map)];
        const heatmap = await expectNoLeak(async () => {
          const result = await registry.decoder<GuidedBackpropOptions>('gb')(model, { absolute }).computeHeatmap(image, 1);
          const values = await result.data();
          result.dispose();
          return values;
        });
        expectAllClose(heatmap, map.map((v) => (v - min) / (max - min + 1e-8)), 1e-5);
      }
      tf.dispose([...tensors, image]);
    });

    describe('the guided rule stays inside its own computation', () => {
      let model: tf.LayersModel;
      let images: tf.Tensor4D;
      before(() => {
        model = reluSoftmaxCnn();
        images = seededImages([2, 8, 8, 3], 21);
      });
      after(() => {
        model.dispose();
        images.dispose();
      });

      it('saliency after guided backprop on the same model is still the vanilla gradient', async () => {
        const before = await attributionValues('saliency', model, images, [0, 2]);
        const guided = await attributionValues('guided-backprop', model, images, [0, 2]);
        const after = await attributionValues('saliency', model, images, [0, 2]);
        expect(maxAbsDiff(before, after)).to.equal(0);
        // On this CNN the two really differ, so the check above means something.
        expect(maxAbsDiff(before, guided)).to.be.greaterThan(1e-3 * Math.max(...before.map(Math.abs)));
        // The model's own predictions are untouched as well.
        expect(model.layers.map((l) => l.getClassName())).to.deep.equal(['Conv2D', 'MaxPooling2D', 'Conv2D', 'Flatten', 'Dense']);
      });

      it('Promise.all of guided backprop and saliency: each gets its own gradient', async () => {
        const guidedAlone = await attributionValues('gb', model, images, [1, 0]);
        const vanillaAlone = await attributionValues('sm', model, images, [1, 0]);
        const gb = registry.decoder<GuidedBackpropOptions>('gb')(model, { internalBatchSize: 1 });
        const sm = registry.decoder<GuidedBackpropOptions>('sm')(model, { internalBatchSize: 1 });
        const values = await expectNoLeak(async () => {
          // Interleaved at every await: each call's synchronous forward+backward runs between the others'.
          const all = await Promise.all([gb.attribute!(images, [1, 0]), sm.attribute!(images, [1, 0]), gb.attribute!(images, [1, 0]), sm.attribute!(images, [1, 0])]);
          const data = await Promise.all(all.map((r) => r.attributions.data()));
          all.forEach((r) => r.attributions.dispose());
          return data;
        });
        expect(maxAbsDiff(values[0]!, guidedAlone)).to.equal(0);
        expect(maxAbsDiff(values[2]!, guidedAlone)).to.equal(0);
        expect(maxAbsDiff(values[1]!, vanillaAlone)).to.equal(0);
        expect(maxAbsDiff(values[3]!, vanillaAlone)).to.equal(0);
      });
    });
  });
});
