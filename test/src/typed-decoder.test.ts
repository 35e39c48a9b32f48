import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { InvalidOptionError, decoder, type IntegratedGradientsOptions, type MethodFactory, type SaliencyOptions, type WithSmoothGrad } from 'tfxai';

/**
 * decoder(name) for an official name is typed by the method's options: the
 * `@ts-expect-error` lines below must be type errors, or this file does not
 * compile (the build fails). At run time the same options are refused too.
 */
describe('decoder(name) is typed by the official method options', () => {
  const model = (x: tf.Tensor4D) => tf.sum(x, [1, 2]) as tf.Tensor2D;

  it("decoder('ig') takes IntegratedGradientsOptions, decoder('sm') SaliencyOptions", () => {
    const ig: MethodFactory<IntegratedGradientsOptions & WithSmoothGrad> = decoder('ig');
    const saliency: MethodFactory<SaliencyOptions> = decoder('sm');
    expect(ig(model, { numSteps: 4, rule: 'gauss-legendre', smoothGrad: { samples: 2 } }).name).to.equal('integrated-gradients');
    expect(saliency(model, { absolute: false }).name).to.equal('saliency');
  });

  it('a misspelt option, a wrong type or a layerName on IG is a compile error and a run-time InvalidOptionError', () => {
    // @ts-expect-error numStep is not an option of Integrated Gradients
    expect(() => decoder('ig')(model, { numStep: 20 })).to.throw(InvalidOptionError, /did you mean 'numSteps'/);
    // @ts-expect-error rule is one of the quadrature rules
    expect(() => decoder('integrated-gradients')(model, { rule: 'simpson' })).to.throw(InvalidOptionError, /allowed: trapezoid/);
    // @ts-expect-error Integrated Gradients has no layer
    expect(() => decoder('IntegratedGradients')(model, { layerName: 'conv1' })).to.throw(InvalidOptionError, /does not work on a layer/);
    // @ts-expect-error internalBatchSize is a number
    expect(() => decoder('gradient-shap')(model, { internalBatchSize: '8' })).to.throw(InvalidOptionError, /internalBatchSize/);
  });

  it('other names resolve at run time and take decoder<Options>(name)', () => {
    const name: string = 'ig';
    expect(decoder<{ numSteps: number }>(name)(model, { numSteps: 3 }).name).to.equal('integrated-gradients');
  });
});
