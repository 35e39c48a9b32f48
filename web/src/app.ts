// The demo page: model, images, methods and their options, results. All TensorFlow.js work runs in
// a Web Worker (worker.ts); this file only handles the page. The overlay, colormap and .npy code is
// @tfxai/node's (pure functions; web/build.mjs bundles them without the rest of that package).
import { overlayHeatmap } from '../../packages/node/dist/src/overlay.js';
import { colormapLut } from '../../packages/node/dist/src/colormaps.js';
import { encodeNpy } from '../../packages/node/dist/src/npy.js';
import type { DeclaredOption, FromWorker, ImageInput, MethodSummary, ModelSource, ToWorker } from './worker-protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** An image the user picked: its name and RGB floats in [0, 1]. */
interface PickedImage extends ImageInput {
  name: string;
}

interface Job {
  jobId: number;
  method: string;
  options: Record<string, unknown>;
  image: PickedImage;
  card: HTMLElement;
}

const state = {
  worker: undefined as Worker | undefined,
  backend: '',
  methods: [] as MethodSummary[],
  modelSource: undefined as ModelSource | undefined,
  classNames: [] as string[],
  exampleImages: new Map<string, PickedImage>(),
  userImages: [] as PickedImage[],
  queue: [] as Job[],
  running: undefined as Job | undefined,
  total: 0,
  done: 0,
  nextJobId: 1,
};

// ------------------------------------------------------------------ worker lifecycle

/** Starts a worker, initialises the backend, reloads the current model: also how a job is cancelled. */
function startWorker(): Promise<void> {
  state.worker?.terminate();
  // The new worker has no model until it reloads one.
  delete document.body.dataset['model'];
  updateExplainButton();
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  state.worker = worker;
  return new Promise<void>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.kind === 'ready') {
        state.backend = message.backend;
        state.methods = message.methods;
        $('backend-status').textContent = `TensorFlow.js backend: ${message.backend}`;
        document.body.dataset['backend'] = message.backend;
        renderMethods();
        resolve();
      } else if (message.kind === 'error' && message.jobId === undefined && !state.backend) {
        reject(new Error(message.message));
      } else {
        onWorkerMessage(message);
      }
    };
    worker.onerror = (event) => reject(new Error(event.message));
    const backend = ($('backend-choice') as HTMLSelectElement).value;
    send({ kind: 'init', ...(backend ? { backend } : {}) });
  }).then(() => {
    if (state.modelSource) loadModel(state.modelSource);
  });
}

function send(message: ToWorker): void {
  state.worker!.postMessage(message);
}

function onWorkerMessage(message: FromWorker): void {
  if (message.kind === 'model') {
    state.classNames = message.classNames.length ? message.classNames : Array.from({ length: message.classes }, (_, k) => `class ${k}`);
    $('model-status').textContent = `Model loaded: input ${message.height}x${message.width}x${message.channels}, ${message.classes} classes (${state.classNames.join(', ')}).`;
    const target = $<HTMLSelectElement>('target-class');
    target.replaceChildren(new Option('The predicted class', ''), ...state.classNames.map((name, k) => new Option(name, String(k))));
    document.body.dataset['model'] = 'loaded';
    updateExplainButton();
  } else if (message.kind === 'result') {
    const job = state.running;
    if (!job || job.jobId !== message.jobId) return;
    showResult(job, message);
    finishJob();
  } else if (message.kind === 'error') {
    if (message.jobId !== undefined && state.running?.jobId === message.jobId) {
      state.running.card.querySelector('.status')!.textContent = `${message.name}: ${message.message}`;
      state.running.card.querySelector('.status')!.className = 'status error';
      finishJob();
    } else {
      $('model-status').textContent = `${message.name}: ${message.message}`;
      $('model-status').className = 'error';
    }
  }
}

function loadModel(source: ModelSource): void {
  state.modelSource = source;
  $('model-status').className = '';
  $('model-status').textContent = 'Loading the model…';
  send({ kind: 'load-model', source });
}

// ------------------------------------------------------------------ images

async function decodeImage(blob: Blob, name: string): Promise<PickedImage> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const rgb = new Float32Array(bitmap.width * bitmap.height * 3);
  for (let p = 0; p < bitmap.width * bitmap.height; p++) for (let c = 0; c < 3; c++) rgb[3 * p + c] = rgba[4 * p + c]! / 255;
  return { name, width: bitmap.width, height: bitmap.height, rgb };
}

async function showExampleImages(): Promise<void> {
  const names = (await (await fetch('examples/images/index.json')).json()) as string[];
  const box = $('example-images');
  for (const [k, name] of names.entries()) {
    const label = document.createElement('label');
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox', value: name, checked: k === 0 });
    checkbox.dataset['image'] = name;
    checkbox.addEventListener('change', updateExplainButton);
    const img = Object.assign(document.createElement('img'), { src: `examples/images/${name}`, alt: `example image ${name}` });
    label.append(img, checkbox, name.replace('.png', ''));
    box.append(label);
  }
}

async function pickedImages(): Promise<PickedImage[]> {
  const names = [...document.querySelectorAll<HTMLInputElement>('#example-images input:checked')].map((box) => box.value);
  const examples: PickedImage[] = [];
  for (const name of names) {
    if (!state.exampleImages.has(name)) state.exampleImages.set(name, await decodeImage(await (await fetch(`examples/images/${name}`)).blob(), name));
    examples.push(state.exampleImages.get(name)!);
  }
  return [...examples, ...state.userImages];
}

async function addUserImages(files: Iterable<File>): Promise<void> {
  for (const file of files) {
    if (!file.type.startsWith('image/')) continue;
    state.userImages.push(await decodeImage(file, file.name));
  }
  $('image-drop').textContent = state.userImages.length ? `Your images: ${state.userImages.map((i) => i.name).join(', ')}` : 'Drop images here';
  updateExplainButton();
}

// ------------------------------------------------------------------ methods and their options

/** One form field for a declared option, labelled with its name, its doc as the description. */
function optionField(method: string, option: DeclaredOption): HTMLElement {
  const id = `opt-${method}-${option.name}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  const row = document.createElement('div');
  row.className = 'option';
  const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: option.name, title: option.doc });
  let input: HTMLInputElement | HTMLSelectElement;
  if (option.choices?.length) {
    input = document.createElement('select');
    for (const choice of option.choices) input.append(new Option(String(choice), JSON.stringify(choice), false, choice === option.default));
  } else if (option.type === 'boolean') {
    input = Object.assign(document.createElement('input'), { type: 'checkbox', checked: option.default === true });
  } else if (option.type === 'number' || option.type === 'integer') {
    input = Object.assign(document.createElement('input'), { type: 'number', step: option.type === 'integer' ? '1' : 'any' });
    if (option.min !== undefined) input.min = String(option.min);
    if (option.max !== undefined) input.max = String(option.max);
    if (typeof option.default === 'number') input.placeholder = String(option.default);
  } else {
    input = Object.assign(document.createElement('input'), { type: 'text', placeholder: option.default === undefined ? '' : JSON.stringify(option.default) });
  }
  input.id = id;
  input.dataset['option'] = option.name;
  input.dataset['type'] = option.type;
  const help = Object.assign(document.createElement('span'), { id: `${id}-doc`, className: 'help', textContent: option.doc });
  input.setAttribute('aria-describedby', help.id);
  row.append(label, input, help);
  return row;
}

function renderMethods(): void {
  const box = $('methods');
  const ticked = new Set([...box.querySelectorAll<HTMLInputElement>('input[data-method]:checked')].map((b) => b.value));
  if (!ticked.size) ticked.add('gradcam');
  box.replaceChildren();
  for (const method of state.methods) {
    const card = document.createElement('div');
    card.className = 'method';
    const id = `method-${method.name}`.replace(/[^a-zA-Z0-9_-]/g, '_');
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox', id, value: method.name, checked: ticked.has(method.name) });
    checkbox.dataset['method'] = method.name;
    checkbox.addEventListener('change', updateExplainButton);
    const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: ` ${method.name}` });
    const details = document.createElement('details');
    details.append(Object.assign(document.createElement('summary'), { textContent: 'Options' }));
    details.append(Object.assign(document.createElement('p'), { className: 'help', textContent: method.description }));
    if (method.options) {
      for (const option of method.options) details.append(optionField(method.name, option));
    } else {
      // Until the method declares its options, they can still be given as JSON.
      const textId = `${id}-json`;
      details.append(
        Object.assign(document.createElement('label'), { htmlFor: textId, textContent: 'Options as JSON (this method does not declare its options):' }),
        Object.assign(document.createElement('textarea'), { id: textId, rows: 2, placeholder: '{}', className: 'json-options' }),
      );
    }
    card.append(checkbox, label, details);
    box.append(card);
  }
  updateExplainButton();
}

/** The options the user set for one method; empty fields take the method's defaults. */
function methodOptions(method: string): Record<string, unknown> {
  const card = document.getElementById(`method-${method}`.replace(/[^a-zA-Z0-9_-]/g, '_'))!.parentElement!;
  const json = card.querySelector<HTMLTextAreaElement>('textarea.json-options');
  if (json) return json.value.trim() ? (JSON.parse(json.value) as Record<string, unknown>) : {};
  const options: Record<string, unknown> = {};
  for (const input of card.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-option]')) {
    const name = input.dataset['option']!;
    if (input instanceof HTMLSelectElement) options[name] = JSON.parse(input.value);
    else if (input.type === 'checkbox') options[name] = input.checked;
    else if (input.value.trim() === '') continue;
    else if (input.type === 'number') options[name] = Number(input.value);
    else {
      try {
        options[name] = JSON.parse(input.value);
      } catch {
        options[name] = input.value;
      }
    }
  }
  return options;
}

function tickedMethods(): string[] {
  return [...document.querySelectorAll<HTMLInputElement>('#methods input[data-method]:checked')].map((box) => box.value);
}

function updateExplainButton(): void {
  const images = document.querySelectorAll('#example-images input:checked').length + state.userImages.length;
  $<HTMLButtonElement>('explain').disabled = !(document.body.dataset['model'] === 'loaded' && images > 0 && tickedMethods().length > 0 && !state.running);
}

// ------------------------------------------------------------------ jobs, progress, cancel

async function explainAll(): Promise<void> {
  const images = await pickedImages();
  const methods = tickedMethods();
  const results = $('results');
  results.replaceChildren();
  for (const image of images) {
    const row = document.createElement('div');
    row.className = 'result-row';
    row.append(Object.assign(document.createElement('h3'), { textContent: image.name }));
    const predictions = Object.assign(document.createElement('div'), { className: 'predictions' });
    const cards = Object.assign(document.createElement('div'), { className: 'cards' });
    row.append(predictions, cards);
    results.append(row);
    for (const method of methods) {
      let options: Record<string, unknown>;
      try {
        options = methodOptions(method);
      } catch (error) {
        cards.append(Object.assign(document.createElement('p'), { className: 'error', textContent: `${method}: options are not valid JSON (${(error as Error).message})` }));
        continue;
      }
      const card = Object.assign(document.createElement('figure'), { className: 'card' });
      card.dataset['method'] = method;
      card.append(Object.assign(document.createElement('figcaption'), { textContent: method }), Object.assign(document.createElement('span'), { className: 'status', textContent: 'waiting' }));
      cards.append(card);
      state.queue.push({ jobId: state.nextJobId++, method, options, image, card });
    }
  }
  state.total = state.queue.length;
  state.done = 0;
  $<HTMLButtonElement>('cancel').disabled = false;
  runNext();
}

function runNext(): void {
  updateProgress();
  const job = state.queue.shift();
  state.running = job;
  updateExplainButton();
  if (!job) {
    $<HTMLButtonElement>('cancel').disabled = true;
    document.body.dataset['busy'] = 'no';
    return;
  }
  document.body.dataset['busy'] = 'yes';
  job.card.querySelector('.status')!.textContent = 'running…';
  const target = $<HTMLSelectElement>('target-class').value;
  const image = { width: job.image.width, height: job.image.height, rgb: job.image.rgb };
  send({ kind: 'explain', jobId: job.jobId, method: job.method, options: job.options, image, ...(target ? { classIndex: Number(target) } : {}) });
}

function finishJob(): void {
  state.done++;
  runNext();
}

function updateProgress(): void {
  const progress = $<HTMLProgressElement>('progress');
  progress.max = Math.max(1, state.total);
  // A running job counts as half done: the methods report no progress of their own.
  progress.value = state.done + (state.running ? 0.5 : 0);
  $('progress-text').textContent = state.total ? `${state.done} of ${state.total} done` : '';
}

async function cancel(): Promise<void> {
  for (const job of [state.running, ...state.queue]) if (job) job.card.querySelector('.status')!.textContent = 'cancelled';
  state.queue = [];
  state.running = undefined;
  state.total = 0;
  state.done = 0;
  $<HTMLButtonElement>('cancel').disabled = true;
  document.body.dataset['busy'] = 'no';
  $('progress-text').textContent = 'Cancelled.';
  // Terminating the worker stops a running kernel at once; a fresh one reloads the model.
  await startWorker();
  updateExplainButton();
}

// ------------------------------------------------------------------ results

function drawRgb(canvas: HTMLCanvasElement, width: number, height: number, rgb: ArrayLike<number>, scale: number): void {
  canvas.width = width;
  canvas.height = height;
  const pixels = new ImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) pixels.data[4 * p + c] = rgb[3 * p + c]! * scale;
    pixels.data[4 * p + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
}

function colorBar(): HTMLElement {
  const bar = Object.assign(document.createElement('div'), { className: 'colorbar' });
  const canvas = document.createElement('canvas');
  const lut = colormapLut('jet');
  drawRgb(canvas, 256, 1, Array.from({ length: 256 * 3 }, (_, i) => lut[i]!), 255);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'colour bar: jet colormap from 0 (dark blue, least important) to 1 (dark red, most important)');
  bar.append('0', canvas, '1');
  return bar;
}

function download(name: string, blob: Blob, text: string): HTMLAnchorElement {
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name, textContent: text });
  return link;
}

function showResult(job: Job, result: Extract<FromWorker, { kind: 'result' }>): void {
  const { width, height, map, input, probabilities, classIndex, ms } = result;
  const alpha = Number($<HTMLInputElement>('alpha').value);
  const overlay = overlayHeatmap({ width, height, channels: 3, data: input.map((v) => v * 255), bitDepth: 8 }, map, { alpha, colormap: 'jet' });
  const base = job.image.name.replace(/\.[^.]+$/, '');
  const className = state.classNames[classIndex] ?? `class ${classIndex}`;

  const original = Object.assign(document.createElement('canvas'), { className: 'image' });
  drawRgb(original, width, height, input, 255);
  original.setAttribute('role', 'img');
  original.setAttribute('aria-label', `${job.image.name} as the model sees it`);
  const heat = Object.assign(document.createElement('canvas'), { className: 'image overlay' });
  drawRgb(heat, width, height, overlay, 1);
  heat.setAttribute('role', 'img');
  heat.setAttribute('aria-label', `${job.method} heatmap for class ${className} over ${job.image.name}`);

  const row = job.card.closest('.result-row')!;
  const predictions = row.querySelector('.predictions')!;
  if (!predictions.childElementCount) {
    const list = Object.assign(document.createElement('ol'), { className: 'classes', ariaLabel: 'predicted classes' });
    const order = probabilities.map((p, k) => [p, k] as const).sort((a, b) => b[0] - a[0]);
    for (const [p, k] of order.slice(0, 5)) list.append(Object.assign(document.createElement('li'), { textContent: `${state.classNames[k] ?? `class ${k}`}: ${(100 * p).toFixed(1)}%` }));
    predictions.append(Object.assign(document.createElement('span'), { textContent: 'Predicted classes:' }), list);
    row.querySelector('h3')!.after(original);
  }

  const status = job.card.querySelector('.status')!;
  status.textContent = `explains ${className}, ${ms.toFixed(0)} ms on ${state.backend}`;
  job.card.dataset['ms'] = String(ms);
  job.card.dataset['done'] = 'yes';
  const downloads = Object.assign(document.createElement('div'), { className: 'downloads' });
  const raw = { method: job.method, image: job.image.name, classIndex, className, height, width, backend: state.backend, ms, map: Array.from(map) };
  heat.toBlob((png) => {
    if (png) downloads.prepend(download(`${base}-${job.method}.png`, png, 'overlay PNG'));
  });
  downloads.append(
    download(`${base}-${job.method}.npy`, new Blob([encodeNpy(map, [height, width]) as Uint8Array<ArrayBuffer>]), 'map .npy'),
    download(`${base}-${job.method}.json`, new Blob([JSON.stringify(raw)], { type: 'application/json' }), 'map JSON'),
  );
  job.card.append(heat, colorBar(), downloads);
}

// ------------------------------------------------------------------ wiring

function dropZone(zone: HTMLElement, onFiles: (files: File[]) => void): void {
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    onFiles([...(event.dataTransfer?.files ?? [])]);
  });
}

/** model.json first, as tf.io.browserFiles wants it. */
function modelFiles(files: File[]): ModelSource | undefined {
  const json = files.find((file) => file.name.endsWith('.json'));
  if (!json) {
    $('model-status').textContent = 'Choose a model.json and its weight (.bin) files.';
    $('model-status').className = 'error';
    return undefined;
  }
  return { files: [json, ...files.filter((file) => file !== json)] };
}

async function main(): Promise<void> {
  if ('serviceWorker' in navigator && location.protocol !== 'file:') navigator.serviceWorker.register('service-worker.js').catch(() => undefined);
  $('example-model').addEventListener('click', () => loadModel({ url: new URL('examples/model/model.json', location.href).href }));
  $<HTMLInputElement>('model-files').addEventListener('change', (event) => {
    const source = modelFiles([...((event.target as HTMLInputElement).files ?? [])]);
    if (source) loadModel(source);
  });
  dropZone($('model-drop'), (files) => {
    const source = modelFiles(files);
    if (source) loadModel(source);
  });
  $<HTMLInputElement>('image-files').addEventListener('change', (event) => addUserImages((event.target as HTMLInputElement).files ?? []));
  dropZone($('image-drop'), (files) => addUserImages(files));
  $('explain').addEventListener('click', () => explainAll());
  $('cancel').addEventListener('click', () => cancel());
  $('backend-choice').addEventListener('change', () => {
    // A backend is chosen once per worker: a new choice needs a new worker.
    state.backend = '';
    startWorker().catch(showStartError);
  });
  await showExampleImages();
  await startWorker();
}

function showStartError(error: Error): void {
  $('backend-status').textContent = `TensorFlow.js could not start: ${error.message}`;
  $('backend-status').className = 'error';
}

main().catch(showStartError);
