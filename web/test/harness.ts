// The page side of `npm run test:browser` (bundled by web/build.mjs into harness.js): runs tfxai on
// the backend named in the page's query string and hands numbers back to the Node test process.
import * as tf from '@tensorflow/tfjs';
import { defaultRegistry, initBrowserBackend, tfxaiKernelStatus, withTfxaiKernels, type BrowserBackendName } from 'tfxai';
import { FAMILIES } from '../../packages/wasm-kernels/dist/test/families.js';
import { CASE_IMAGES, DILATED_FAMILY, DILATED_INPUT_SEED, DILATED_METHOD_CASES, DILATED_TARGET, METHOD_CASES } from './method-cases.mjs';

/** An image file decoded to (1, H, W, 3) floats in [0, 1], byte / 255, as the example's README says. */
async function loadImage(url: string): Promise<{ pixels: Float32Array; height: number; width: number }> {
  const bitmap = await createImageBitmap(await (await fetch(url)).blob(), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const pixels = new Float32Array(bitmap.width * bitmap.height * 3);
  for (let p = 0; p < bitmap.width * bitmap.height; p++) for (let c = 0; c < 3; c++) pixels[3 * p + c] = rgba[4 * p + c]! / 255;
  return { pixels, height: bitmap.height, width: bitmap.width };
}

interface MethodRun {
  method: string;
  image: string;
  heatmap: number[];
  attributions?: number[];
  leaked: number;
  error?: string;
}

/** One method's heatmap and raw attributions (when it has them) for `target`, and the tensors it left behind. */
async function runMethod(model: tf.LayersModel, image: tf.Tensor4D, imageName: string, method: string, options: object, target: number): Promise<MethodRun> {
  const before = tf.memory().numTensors;
  const started = performance.now();
  try {
    const explainer = defaultRegistry().decoder(method)(model, options);
    const map = await explainer.computeHeatmap(image, target);
    const heatmap = Array.from(await map.data());
    map.dispose();
    let attributions: number[] | undefined;
    if (explainer.attribute) {
      const result = await explainer.attribute(image, target);
      attributions = Array.from(await result.attributions.data());
      result.attributions.dispose();
    }
    console.info(`[harness] ${tf.getBackend()} ${method} on ${imageName}: ${(performance.now() - started).toFixed(0)} ms`);
    return { method, image: imageName, heatmap, attributions, leaked: tf.memory().numTensors - before };
  } catch (error) {
    return { method, image: imageName, heatmap: [], leaked: tf.memory().numTensors - before, error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

async function runMethods(): Promise<MethodRun[]> {
  const model = await tf.loadLayersModel('examples/model/model.json');
  const runs: MethodRun[] = [];
  for (const name of CASE_IMAGES) {
    const { pixels, height, width } = await loadImage(`examples/images/${name}`);
    const image = tf.tensor4d(pixels, [1, height, width, 3]);
    const predicted = tf.tidy(() => (model.predict(image) as tf.Tensor).argMax(-1).dataSync()[0]!);
    for (const { method, options } of METHOD_CASES) runs.push(await runMethod(model, image, name, method, options, predicted));
    image.dispose();
  }
  model.dispose();
  return runs;
}

/** The gradient methods on the Dilated family (method-cases.mjs); call after familyGradients (seeded weights). */
async function runDilatedMethods(): Promise<MethodRun[]> {
  const model = FAMILIES[DILATED_FAMILY]!();
  const image = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', DILATED_INPUT_SEED) as tf.Tensor4D;
  const runs: MethodRun[] = [];
  for (const { method, options } of DILATED_METHOD_CASES) runs.push(await runMethod(model, image, 'the Dilated family', method, options, DILATED_TARGET));
  image.dispose();
  model.dispose();
  return runs;
}

/** Input gradients of class 1 for each model family of the wasm kernel tests, batch 2 (two seeded inputs). */
async function familyGradients(): Promise<{ family: string; gradient: number[]; error?: string }[]> {
  const out: { family: string; gradient: number[]; error?: string }[] = [];
  for (const [family, build] of Object.entries(FAMILIES)) {
    const model = build();
    const input = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 11);
    try {
      // Inside tfxai's kernel scope, as tfxai's methods take gradients (dilated gradients are scoped).
      const gradient = withTfxaiKernels(() => tf.grad((x: tf.Tensor) => (model.apply(x) as tf.Tensor).slice([0, 1], [-1, 1]).sum())(input));
      out.push({ family, gradient: Array.from(await gradient.data()) });
      gradient.dispose();
    } catch (error) {
      out.push({ family, gradient: [], error: `${(error as Error).name}: ${(error as Error).message}` });
    }
    input.dispose();
    model.dispose();
  }
  return out;
}

async function main(): Promise<void> {
  const wanted = (new URLSearchParams(location.search).get('backend') ?? 'webgl') as BrowserBackendName;
  // A backend tfxai does not know in a browser is a typed error naming the browser's backends.
  const unknownBackend = await initBrowserBackend({ backend: 'tensorflow' as BrowserBackendName, log: () => {} }).then(
    (name) => `no error: chose ${name}`,
    (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
  );
  const backend = await initBrowserBackend({ backend: wanted });
  await tf.ready();
  const flags = {
    WEBGL_RENDER_FLOAT32_ENABLED: backend === 'webgl' ? tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') : undefined,
    WEBGL_PACK: backend === 'webgl' ? tf.env().getBool('WEBGL_PACK') : undefined,
    WEBGL_VERSION: backend === 'webgl' ? tf.env().getNumber('WEBGL_VERSION') : undefined,
  };
  const started = performance.now();
  const methods = await runMethods();
  const families = await familyGradients();
  const dilatedMethods = await runDilatedMethods();
  (window as unknown as { harnessResult: unknown }).harnessResult = {
    backend,
    unknownBackend,
    active: tf.getBackend(),
    flags,
    methods,
    families,
    dilatedMethods,
    fusedConvRoute: tfxaiKernelStatus().fusedConvRoute,
    dilatedConvLayerRoute: tfxaiKernelStatus().dilatedConvLayerRoute,
    ms: performance.now() - started,
  };
}

main().catch((error: Error) => {
  (window as unknown as { harnessResult: unknown }).harnessResult = { error: `${error.name}: ${error.message}` };
});
