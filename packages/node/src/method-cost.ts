import type { XaiRegistry } from '@tfxai/core';

/**
 * What one image costs a method, in model passes (a forward pass, or a forward and backward
 * pass: the same order of cost), as estimated from the method's name and options before any
 * model is loaded. `workers: 'auto'` uses it: a worker thread pays a second or two before its
 * first image (TensorFlow.js, the backend and the model load in every thread), which a method
 * of one pass per image repays only over hundreds of images (bench/pipeline-workers.mjs:
 * Grad-CAM over 256 images of the example model ran at 0.69x with 2 threads, over 1024 at 0.55x).
 */
export interface MethodCost {
  /** Estimated model evaluations of an image-sized input per image (path points, samples, windows; a lower bound where they depend on the image or model); undefined when unknown. */
  passesPerImage: number | undefined;
  /** One phrase for the run summary, e.g. "integrated-gradients, about 51 passes per image". */
  description: string;
}

/** One forward and backward pass per image: the gradient and CAM methods. */
const SINGLE_PASS_METHODS = new Set(['gradcam', 'gradcam++', 'saliency', 'guided-backprop', 'guided-gradcam']);

/**
 * Methods whose passes depend on the image or the model (occlusion: windows; Score-CAM: the
 * layer's channels; KernelSHAP 'auto': the segments), estimated by a floor that is already far
 * above one pass per image, so their workers follow the many-pass rule.
 */
const MANY_PASS_FLOOR: Readonly<Record<string, number>> = Object.freeze({ occlusion: 16, scorecam: 16, 'kernel-shap': 64 });

const integerOption = (options: Record<string, unknown> | undefined, name: string, fallback: number): number => {
  const value = options?.[name];
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : fallback;
};

/** Noisy samples of the `smoothGrad` option (SmoothGrad over the method): 1 without it, 25 for `true` (its default). */
function smoothGradSamples(options: Record<string, unknown> | undefined): number {
  const smoothGrad = options?.['smoothGrad'];
  if (smoothGrad === undefined || smoothGrad === false) return 1;
  if (smoothGrad === true) return 25;
  return typeof smoothGrad === 'object' && smoothGrad !== null ? integerOption(smoothGrad as Record<string, unknown>, 'samples', 25) : 1;
}

/**
 * The estimated cost per image of `method` with `methodOptions` (see {@link MethodCost}). A
 * method instance, or a name the registry resolves to a method this table does not know (a
 * plugin), has an unknown cost. Option values are taken as given: they are checked later,
 * when the method is created.
 */
export function methodCost(method: unknown, methodOptions: Record<string, unknown> | undefined, registry: XaiRegistry): MethodCost {
  if (typeof method !== 'string' || !registry.has(method)) return { passesPerImage: undefined, description: 'a method of unknown cost' };
  const name = registry.registration(method).name;
  const samples = smoothGradSamples(methodOptions);
  const withSamples = (passes: number, what: string) => {
    const total = passes * samples;
    const noise = samples > 1 ? ` (${samples} SmoothGrad samples)` : '';
    return { passesPerImage: total, description: `${name}, ${what === 'about' ? 'about' : 'at least'} ${total} pass${total === 1 ? '' : 'es'} per image${noise}` };
  };
  if (SINGLE_PASS_METHODS.has(name)) return withSamples(1, 'about');
  switch (name) {
    case 'integrated-gradients': {
      const steps = integerOption(methodOptions, 'numSteps', 50);
      // Trapezoid (the default) evaluates steps + 1 points, the other rules `steps`.
      const rule = methodOptions?.['rule'];
      return withSamples(rule === undefined || rule === 'trapezoid' ? steps + 1 : steps, 'about');
    }
    case 'gradient-shap':
      return withSamples(integerOption(methodOptions, 'numSamples', 50), 'about');
    case 'lime-con':
    case 'lime-pro':
      return withSamples(integerOption(methodOptions, 'numSamples', 1000), 'about');
    case 'kernel-shap':
      return withSamples(integerOption(methodOptions, 'numSamples', MANY_PASS_FLOOR['kernel-shap']!), 'at least');
    default: {
      const floor = MANY_PASS_FLOOR[name];
      return floor !== undefined ? withSamples(floor, 'at least') : { passesPerImage: undefined, description: `${name}, a method of unknown cost` };
    }
  }
}
