// The entry point of a decoder worker thread (started by WorkerPool): builds
// its own pipeline (backend, plugins, model, method) from WorkerSetup, then
// asks the parent for work until there is none, streaming each image's result.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { adaptModel, initBackend, type BackendName } from '@tfxai/core';
import { defaultRegistry } from 'tfxai';
import { DecoderRun } from './decoder-run.js';
import { checkModelTakesImages } from './model-input-check.js';
import { loadModelFromFile } from './model-loader.js';
import { loadPluginModule } from './plugin-modules.js';
import { declaredClassCount, modelInputSpec } from './model-spec.js';
import { checkStandardize } from './preprocessing.js';
import type { PlannedItem } from './run-plan.js';
import { toWireError, toWireSample, type FromWorker, type ToWorker, type WorkerSetup } from './worker-protocol.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const aborter = new AbortController();
let deliverWork: ((items: PlannedItem[]) => void) | undefined;
port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') aborter.abort();
  else deliverWork?.(message.items);
});

/** Batches from the parent's queue, one request at a time (DecoderRun asks for the next while it explains the current). */
async function* batchesFromParent(): AsyncGenerator<PlannedItem[]> {
  for (;;) {
    const items = await new Promise<PlannedItem[]>((resolve) => {
      deliverWork = resolve;
      post({ type: 'need-work' });
    });
    if (items.length === 0) return;
    yield items;
  }
}

async function buildRun(): Promise<{ run: DecoderRun; model: tf.LayersModel | tf.GraphModel; declaredClasses: number | undefined }> {
  // Silent: the parent already said which backend it chose.
  await initBackend({ backend: setup.backend as BackendName, log: () => {} });
  // The cpu backend prints a one-time "install tfjs-node" hint per instance; the parent thread has shown it already.
  const backend = tf.backend() as { firstUse?: boolean };
  if ('firstUse' in backend) backend.firstUse = false;
  const registry = defaultRegistry();
  for (const plugin of setup.plugins) await loadPluginModule(plugin, registry);
  const { model } = await loadModelFromFile(setup.modelPath);
  try {
    checkModelTakesImages(model, setup.channels);
    const adapter = adaptModel(model);
    const spec = { ...modelInputSpec(adapter, setup.inputSize, setup.channels), reverseChannels: setup.reverseChannels };
    const standardize = checkStandardize(setup.standardize, spec.channels ?? undefined);
    const methodOptions = { ...(setup.methodOptions ?? {}), ...(setup.layerName !== undefined ? { layerName: setup.layerName } : {}) };
    const method = registry.decoder(setup.method)(model, methodOptions);
    const declaredClasses = declaredClassCount(model);
    const run = new DecoderRun({ ...setup.settings, signal: aborter.signal }, adapter, method, spec, standardize, declaredClasses, setup.overlay);
    return { run, model, declaredClasses };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

let built: Awaited<ReturnType<typeof buildRun>> | undefined;
try {
  built = await buildRun();
} catch (error) {
  post({ type: 'setup-failed', error: toWireError(error) });
}
if (built) {
  post({ type: 'ready', declaredClasses: built.declaredClasses });
  try {
    const { aborted } = await built.run.process(
      batchesFromParent(),
      (position, result) => {
        const wire = toWireSample(result);
        post({ type: 'sample', position, result: wire.result }, wire.transfer);
      },
      (position) => post({ type: 'explaining', position }),
    );
    post({ type: 'finished', aborted });
  } catch (error) {
    post({ type: 'failed', error: toWireError(error) });
  } finally {
    built.model.dispose();
  }
}
port.close();
