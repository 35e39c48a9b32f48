// The demo's Web Worker: owns TensorFlow.js and tfxai, so that explaining never blocks the page.
// The page cancels a job by terminating this worker and starting a fresh one.
import * as tf from '@tensorflow/tfjs';
import { defaultRegistry, initBrowserBackend, type BrowserBackendName } from 'tfxai';
import type { DeclaredOption, FromWorker, ImageInput, MethodSummary, ModelSource, ToWorker } from './worker-protocol.js';

let model: tf.LayersModel | undefined;
let classNames: string[] = [];

const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

/** Registered methods with their declared options (null while a method declares none). */
function methodSummaries(): MethodSummary[] {
  const registry = defaultRegistry();
  return registry.names().map((info) => {
    const declared = (registry.registration(info.name) as { options?: readonly DeclaredOption[] }).options;
    // Through JSON: only plain data crosses to the page (a default that is a function or tensor would not clone).
    return { ...info, options: Array.isArray(declared) ? (JSON.parse(JSON.stringify(declared)) as DeclaredOption[]) : null };
  });
}

async function loadModel(source: ModelSource): Promise<FromWorker> {
  const handler = 'url' in source ? source.url : tf.io.browserFiles(source.files);
  const next = await tf.loadLayersModel(handler);
  const shape = next.inputs[0]!.shape;
  if (shape.length !== 4 || shape[1] == null || shape[2] == null) {
    next.dispose();
    throw new Error(`the model's input must be (batch, height, width, channels) with a fixed size; got (${shape.join(', ')})`);
  }
  model?.dispose();
  model = next;
  const classes = (model.outputs[0]!.shape.at(-1) as number) ?? 0;
  // The bundled example stores its class names beside the model; a user's model shows indices.
  classNames = 'url' in source ? await fetchClassNames(source.url, classes) : [];
  return { kind: 'model', height: shape[1], width: shape[2], channels: shape[3] ?? 3, classes, classNames };
}

async function fetchClassNames(modelUrl: string, classes: number): Promise<string[]> {
  try {
    const response = await fetch(new URL('classes.json', new URL(modelUrl, self.location.href)));
    const names = response.ok ? ((await response.json()) as unknown) : undefined;
    return Array.isArray(names) && names.length === classes ? names.map(String) : [];
  } catch {
    return [];
  }
}

/** The image at the model's input size, (1, H, W, C); grayscale models get the channel mean. */
function modelInput(image: ImageInput): tf.Tensor4D {
  const [, height, width, channels] = model!.inputs[0]!.shape as number[];
  return tf.tidy(() => {
    let x: tf.Tensor4D = tf.tensor4d(image.rgb, [1, image.height, image.width, 3]);
    if (image.height !== height || image.width !== width) x = tf.image.resizeBilinear(x, [height!, width!], false, true);
    if (channels === 1) x = x.mean(-1, true);
    return x;
  });
}

async function explain(message: Extract<ToWorker, { kind: 'explain' }>): Promise<void> {
  if (!model) throw new Error('load a model first');
  post({ kind: 'started', jobId: message.jobId });
  const input = modelInput(message.image);
  try {
    const probabilities = tf.tidy(() => Array.from((model!.predict(input) as tf.Tensor).dataSync()));
    const classIndex = message.classIndex ?? probabilities.indexOf(Math.max(...probabilities));
    const started = performance.now();
    const method = defaultRegistry().decoder(message.method)(model, message.options);
    const heatmap = await method.computeHeatmap(input, classIndex);
    const map = (await heatmap.data()) as Float32Array;
    const ms = performance.now() - started;
    const [height, width] = heatmap.shape;
    heatmap.dispose();
    const rgb = tf.tidy(() => (input.shape[3] === 1 ? input.tile([1, 1, 1, 3]) : input).dataSync() as Float32Array);
    post({ kind: 'result', jobId: message.jobId, map, height, width, input: rgb, probabilities, classIndex, ms }, [map.buffer, rgb.buffer]);
  } finally {
    input.dispose();
  }
}

// One message at a time, in order: an explain sent right after a load-model waits for the model.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<ToWorker>) => {
  queue = queue.then(() => handle(event.data));
};

async function handle(message: ToWorker): Promise<void> {
  try {
    if (message.kind === 'init') {
      const backend = await initBrowserBackend(message.backend ? { backend: message.backend as BrowserBackendName } : {});
      post({ kind: 'ready', backend, methods: methodSummaries() });
    } else if (message.kind === 'load-model') {
      post(await loadModel(message.source));
    } else {
      await explain(message);
    }
  } catch (error) {
    const { name, message: text } = error as Error;
    post({ kind: 'error', jobId: message.kind === 'explain' ? message.jobId : undefined, name, message: text });
  }
}
