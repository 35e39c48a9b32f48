import os from 'node:os';
import { expect } from 'chai';
import { createRegistry, defineMethod, type XaiRegistry } from '@tfxai/core';
import {
  MIN_IMAGES_PER_WORKER,
  MIN_PASSES_PER_WORKER,
  autoWorkerCount,
  methodCost,
  resolveWorkerChoice,
  xaiDecoder,
  type InputItem,
  type MethodCost,
  type XaiDecoderOptions,
} from '@tfxai/node';
import { forEachBackend } from '@tfxai/test-utils';
import { defaultRegistry } from 'tfxai';
import { EXAMPLE_IMAGES, EXAMPLE_MODEL, FirstChannelMethod } from './fixtures.js';

const registry: XaiRegistry = defaultRegistry();
const cost = (passesPerImage: number | undefined): MethodCost => ({ passesPerImage, description: 'test' });
const files = (n: number): InputItem[] => Array.from({ length: n }, (_, i) => ({ kind: 'file', path: `/in/${i}.png`, sample: `${i}.png` }));

describe("cost-aware workers: 'auto'", () => {
  describe('methodCost: model passes per image from the name and options', () => {
    it('one pass for the gradient and CAM methods, by any alias', () => {
      for (const name of ['gradcam', 'GradCAM', 'gc++', 'saliency', 'sm', 'guided-backprop', 'guided-gradcam']) {
        expect(methodCost(name, undefined, registry).passesPerImage, name).to.equal(1);
      }
    });

    it('the path points of Integrated Gradients: numSteps + 1 for the trapezoid, numSteps for the other rules', () => {
      expect(methodCost('ig', undefined, registry)).to.deep.equal({ passesPerImage: 51, description: 'integrated-gradients, about 51 passes per image' });
      expect(methodCost('integrated-gradients', { numSteps: 300 }, registry).passesPerImage).to.equal(301);
      expect(methodCost('IntegratedGradients', { numSteps: 20, rule: 'gauss-legendre' }, registry).passesPerImage).to.equal(20);
    });

    it('samples: GradientSHAP, LIME, and SmoothGrad over any method (25 by default) multiply the passes', () => {
      expect(methodCost('gradient-shap', undefined, registry).passesPerImage).to.equal(50);
      expect(methodCost('lime-pro', { numSamples: 200 }, registry).passesPerImage).to.equal(200);
      expect(methodCost('gradcam', { smoothGrad: true }, registry)).to.deep.equal({ passesPerImage: 25, description: 'gradcam, about 25 passes per image (25 SmoothGrad samples)' });
      expect(methodCost('ig', { numSteps: 10, smoothGrad: { samples: 4 } }, registry).passesPerImage).to.equal(44);
    });

    it('a floor for methods whose passes depend on the image or model; unknown for instances and plugin methods', () => {
      expect(methodCost('occlusion', undefined, registry)).to.deep.equal({ passesPerImage: 16, description: 'occlusion, at least 16 passes per image' });
      expect(methodCost('scorecam', undefined, registry).passesPerImage).to.equal(16);
      expect(methodCost('kernel-shap', undefined, registry).passesPerImage).to.equal(64);
      expect(methodCost(new FirstChannelMethod(), undefined, registry).passesPerImage).to.equal(undefined);
      const plugins = createRegistry(defineMethod({ name: 'plugin-method', create: () => new FirstChannelMethod() }));
      expect(methodCost('plugin-method', undefined, plugins)).to.deep.equal({ passesPerImage: undefined, description: 'plugin-method, a method of unknown cost' });
    });
  });

  describe('autoWorkerCount: one thread per max(16, ceil(816 / passes)) images, at most one per core', () => {
    it('a one-pass method stays in this thread below 1632 images on 2 cores (2 threads ran at 0.69x over 256, 0.55x over 1024)', () => {
      expect([MIN_IMAGES_PER_WORKER, MIN_PASSES_PER_WORKER]).to.deep.equal([16, 816]);
      expect(autoWorkerCount(256, cost(1), 2).workers).to.equal(1);
      expect(autoWorkerCount(1631, cost(1), 2).workers).to.equal(1);
      expect(autoWorkerCount(1632, cost(1), 2).workers).to.equal(2);
      expect(autoWorkerCount(8000, cost(1), 8).workers).to.equal(8);
      expect(autoWorkerCount(3000, cost(1), 8).workers).to.equal(3);
    });

    it('a many-pass method takes a thread per 16 images; in between, 816 / passes images', () => {
      expect(autoWorkerCount(31, cost(51), 2).workers).to.equal(1);
      expect(autoWorkerCount(32, cost(51), 2).workers).to.equal(2);
      expect(autoWorkerCount(1000, cost(1000), 4).workers).to.equal(4);
      // 8 passes: ceil(816 / 8) = 102 images per thread.
      expect(autoWorkerCount(203, cost(8), 4).workers).to.equal(1);
      expect(autoWorkerCount(204, cost(8), 4).workers).to.equal(2);
      expect(autoWorkerCount(305, cost(8), 4).workers).to.equal(2);
      expect(autoWorkerCount(306, cost(8), 4).workers).to.equal(3);
    });

    it('an unknown cost keeps the 16-image rule; one core or one image is always this thread', () => {
      expect(autoWorkerCount(32, cost(undefined), 2).workers).to.equal(2);
      expect(autoWorkerCount(31, cost(undefined), 2).workers).to.equal(1);
      expect(autoWorkerCount(10_000, cost(51), 1).workers).to.equal(1);
      expect(autoWorkerCount(1, cost(1000), 8).workers).to.equal(1);
      expect(autoWorkerCount(0, cost(1), 8).workers).to.equal(1);
    });

    it('says the choice and why in one sentence', () => {
      expect(autoWorkerCount(300, { passesPerImage: 1, description: 'gradcam, about 1 pass per image' }, 2).reason).to.equal(
        "workers 'auto': this thread for 300 images of gradcam, about 1 pass per image (a thread per 816 images, at most one per core: 2)",
      );
      expect(autoWorkerCount(40, { passesPerImage: 51, description: 'integrated-gradients, about 51 passes per image' }, 2).reason).to.equal(
        "workers 'auto': 2 worker threads for 40 images of integrated-gradients, about 51 passes per image (a thread per 16 images, at most one per core: 2)",
      );
      expect(autoWorkerCount(40, { passesPerImage: 51, description: 'x' }, 8).reason).to.equal("workers 'auto': 2 worker threads for 40 images of x (a thread per 16 images, at most one per core: 8)");
    });
  });

  describe('resolveWorkerChoice', () => {
    const base: XaiDecoderOptions = { inputs: '/in', model: '/model.json', method: 'gradcam' };

    it("'auto' follows the method's cost; a number is taken as given; a run that cannot move says why", () => {
      const cores = os.availableParallelism();
      expect(resolveWorkerChoice(base, files(300), registry)).to.deep.equal({
        workers: 1,
        reason: `workers 'auto': this thread for 300 images of gradcam, about 1 pass per image (a thread per 816 images, at most one per core: ${cores})`,
      });
      expect(resolveWorkerChoice({ ...base, workers: 2 }, files(300), registry)).to.deep.equal({ workers: 2, reason: 'workers 2: 2 worker threads' });
      expect(resolveWorkerChoice({ ...base, method: 'ig', standardize: (x) => x }, files(300), registry)).to.deep.equal({
        workers: 1,
        reason: "workers 'auto': this thread, because a standardize function cannot be moved to another thread; use a named mode",
      });
    });
  });

  describe('the run summary says the choice', () => {
    forEachBackend(() => {
      it("xaiDecoder's result carries the reason of 'auto' for the example images", async () => {
        const result = await xaiDecoder({ inputs: EXAMPLE_IMAGES, model: EXAMPLE_MODEL, method: 'saliency', standardize: 'rescale' });
        expect(result.done).to.equal(9);
        expect(result.workers).to.equal(1);
        expect(result.workersReason).to.equal(
          `workers 'auto': this thread for 9 images of saliency, about 1 pass per image (a thread per 816 images, at most one per core: ${os.availableParallelism()})`,
        );
      });
    });
  });
});
