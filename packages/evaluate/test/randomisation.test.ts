import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidInputError, LayerNotFoundError, createRegistry, withTfxaiKernels } from '@tfxai/core';
import { heatmapExplainer, modelParameterRandomisation, randomLogit, type ExplainFunction, type RandomisationResult } from '@tfxai/evaluate';
import { officialModules } from 'tfxai';
import { expectNoLeak, expectNoLeakOnThrow, forEachBackend } from '@tfxai/test-utils';
import { edgeDetectorModule } from './edge-method.js';
import { seededValues } from './linear-model.js';

const registry = createRegistry(...officialModules, edgeDetectorModule);
const [H, W, C] = [12, 12, 3];

/** A small seeded CNN: conv, conv, dense; 3 classes. */
function smallCnn(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ name: 'conv1', inputShape: [H, W, C], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: tf.initializers.constant({ value: 0.05 }) }));
  model.add(tf.layers.conv2d({ name: 'conv2', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: tf.initializers.constant({ value: 0.05 }) }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ name: 'dense', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return model;
}

const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

forEachBackend(() => {
  describe('model parameter randomisation (Adebayo et al. 2018)', () => {
    let model: tf.LayersModel;
    let images: tf.Tensor4D;
    before(() => {
      model = smallCnn();
      images = tf.tensor4d(seededValues(2 * H * W * C, 9), [2, H, W, C]);
    });
    after(() => {
      model.dispose();
      images.dispose();
    });

    it('separates saliency (maps change with the weights) from an edge detector (maps do not)', async () => {
      const before = model.getWeights().map((w) => Array.from(w.dataSync()));
      const run = (method: string, mode: 'cascading' | 'independent' = 'cascading') =>
        modelParameterRandomisation(model, (m) => heatmapExplainer(registry.decoder(method)(m)), images, [0, 1], { seed: 7, mode });
      const saliency: RandomisationResult = await expectNoLeak(() => run('saliency'));
      const edges = await expectNoLeak(() => run('edge-detector'));
      // The model's weights are back, bit for bit.
      model.getWeights().forEach((w, k) => expect(Array.from(w.dataSync())).to.deep.equal(before[k]));
      expect(saliency.stages.map((s) => s.layer)).to.deep.equal(['dense', 'conv2', 'conv1']);
      // Insensitive to the weights: identical maps at every stage.
      for (const stage of edges.stages) {
        for (const value of [...stage.spearman, ...stage.ssim]) expect(value).to.be.closeTo(1, 1e-9);
      }
      // Saliency: the fully randomised model's maps have little to do with the trained one's.
      const last = saliency.stages[saliency.stages.length - 1]!;
      expect(meanOf(last.spearman)).to.be.below(0.5);
      expect(meanOf(last.ssim)).to.be.below(0.5);
      for (const stage of saliency.stages) expect(meanOf(stage.spearman)).to.be.below(0.6);
      // Seeded: a second run gives the same numbers; independent mode randomises one layer at a time.
      const again = await run('saliency');
      expect(again.stages.map((s) => s.spearman)).to.deep.equal(saliency.stages.map((s) => s.spearman));
      const independent = await run('saliency', 'independent');
      expect(independent.stages[0]!.spearman).to.deep.equal(saliency.stages[0]!.spearman);
      expect(independent.stages[2]!.spearman).to.not.deep.equal(saliency.stages[2]!.spearman);
      for (const stage of (await run('edge-detector', 'independent')).stages) for (const v of stage.ssim) expect(v).to.be.closeTo(1, 1e-9);
      model.getWeights().forEach((w, k) => expect(Array.from(w.dataSync())).to.deep.equal(before[k]));
    });

    it('keeps the maps when asked, and checks the model and layer names', async () => {
      const result = await expectNoLeak(() =>
        modelParameterRandomisation(model, (m) => heatmapExplainer(registry.decoder('saliency')(m)), images, [0, 1], { layers: ['conv1'], keepMaps: true }),
      );
      expect(result.originalMaps!.spatialShape).to.deep.equal([H, W]);
      expect(result.stages[0]!.maps!.batch).to.equal(2);
      const fn = (x: tf.Tensor4D) => x;
      const error = await expectNoLeakOnThrow(() => modelParameterRandomisation(fn as unknown as tf.LayersModel, () => async () => tf.zeros([1]), images, [0, 1]));
      expect(error).to.be.instanceOf(InvalidInputError);
      const before = model.getWeights().map((w) => Array.from(w.dataSync()));
      expect(await expectNoLeakOnThrow(() => modelParameterRandomisation(model, (m) => heatmapExplainer(registry.decoder('saliency')(m)), images, [0, 1], { layers: ['flatten'] }))).to.be.instanceOf(LayerNotFoundError);
      model.getWeights().forEach((w, k) => expect(Array.from(w.dataSync())).to.deep.equal(before[k]));
    });

    it('random logit: the edge detector gives the same map for every class, saliency does not', async () => {
      const edges = await expectNoLeak(() => randomLogit(heatmapExplainer(registry.decoder('edge-detector')(model)), images, [0, 1], { numClasses: 3, seed: 1 }));
      const saliency = await randomLogit(heatmapExplainer(registry.decoder('saliency')(model)), images, [0, 1], { numClasses: 3, seed: 1 });
      expect(edges.randomTargets).to.deep.equal(saliency.randomTargets);
      edges.randomTargets.forEach((t, i) => expect(t).to.not.equal([0, 1][i]));
      for (const v of [...edges.ssim, ...edges.spearman]) expect(v).to.be.closeTo(1, 1e-9);
      for (const v of saliency.ssim) expect(v).to.be.below(0.8);
    });
  });

  describe('on volumes (N, D, H, W, C)', () => {
    const [VD, VH, VW] = [6, 7, 8];
    let model: tf.LayersModel;
    let volumes: tf.Tensor;
    before(() => {
      const sequential = tf.sequential();
      sequential.add(tf.layers.conv3d({ name: 'conv1', inputShape: [VD, VH, VW, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }), biasInitializer: tf.initializers.constant({ value: 0.05 }) }));
      sequential.add(tf.layers.flatten({ name: 'flatten' }));
      sequential.add(tf.layers.dense({ name: 'dense', units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }) }));
      model = sequential;
      volumes = tf.tensor(seededValues(2 * VD * VH * VW, 13), [2, VD, VH, VW, 1]);
    });
    after(() => {
      model.dispose();
      volumes.dispose();
    });
    // A volume saliency (|input gradient| of the class score, (N, D, H, W)) and a weight-blind edge map.
    const saliency3d = (m: tf.LayersModel): ExplainFunction => async (x, targets) =>
      withTfxaiKernels(() =>
        tf.tidy(() => {
          const oneHot = tf.oneHot(targets as number[], 3).toFloat();
          return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(m.predict(v) as tf.Tensor, oneHot)))(x).abs().squeeze([4]);
        }),
      );
    const edges3d: ExplainFunction = async (x) => tf.tidy(() => tf.abs(tf.sub(x.slice([0, 0, 0, 1, 0], [-1, -1, -1, -1, -1]), x.slice([0, 0, 0, 0, 0], [-1, -1, -1, VW - 1, -1]))).squeeze([4]));

    it('parameter randomisation and random logit separate a volume saliency from a weight-blind edge map', async () => {
      const saliency: RandomisationResult = await expectNoLeak(() => modelParameterRandomisation(model, saliency3d, volumes, [0, 1], { seed: 5 }));
      const edges = await expectNoLeak(() => modelParameterRandomisation(model, () => edges3d, volumes, [0, 1], { seed: 5 }));
      expect(saliency.stages.map((stage) => stage.layer)).to.deep.equal(['dense', 'conv1']);
      for (const stage of edges.stages) for (const v of [...stage.spearman, ...stage.ssim]) expect(v).to.be.closeTo(1, 1e-9);
      expect(meanOf(saliency.stages[saliency.stages.length - 1]!.spearman)).to.be.below(0.5);
      const edgeLogit = await expectNoLeak(() => randomLogit(edges3d, volumes, [0, 1], { numClasses: 3, seed: 1 }));
      const saliencyLogit = await randomLogit(saliency3d(model), volumes, [0, 1], { numClasses: 3, seed: 1 });
      for (const v of [...edgeLogit.ssim, ...edgeLogit.spearman]) expect(v).to.be.closeTo(1, 1e-9);
      for (const v of saliencyLogit.spearman) expect(v).to.be.below(0.9);
    });
  });
});
