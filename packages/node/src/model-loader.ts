import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@tfxai/core';
import { ModelLoadError } from './errors.js';
import { NotRegularFileError, openRegularFile, readExactly } from './regular-file.js';
import { readWeightShards } from './weight-files.js';

/** What a model.json holds: a Keras-style layers model, or a converted TensorFlow graph. */
export type SavedModelKind = 'layers' | 'graph';

function describeIoError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code} (${e.message})` : String(e.message ?? error);
}

async function readModelJson(modelPath: string): Promise<tf.io.ModelJSON> {
  let text: string;
  try {
    // Opened only when it is a regular file: a FIFO or a device is refused, not waited on.
    const { handle, size } = await openRegularFile(modelPath);
    try {
      const bytes = Buffer.alloc(size);
      text = bytes.subarray(0, await readExactly(handle, bytes)).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelLoadError(modelPath, 'not-found', 'the file does not exist');
    if (error instanceof NotRegularFileError && error.kind === 'folder') throw new ModelLoadError(modelPath, 'not-found', `it is a folder; give the path of its model.json`);
    if (error instanceof NotRegularFileError) throw new ModelLoadError(modelPath, 'unreadable', error.message);
    throw new ModelLoadError(modelPath, 'unreadable', describeIoError(error));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(modelPath, 'unreadable', `it is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json) || (json as tf.io.ModelJSON).modelTopology == null) {
    throw new ModelLoadError(modelPath, 'invalid', 'it has no modelTopology');
  }
  return json as tf.io.ModelJSON;
}

/**
 * Layers model or graph model, read from `format` when present, else from
 * the topology: a GraphDef has a `node` list, a Keras model a `class_name`
 * or `model_config`.
 */
export function savedModelKind(json: tf.io.ModelJSON): SavedModelKind | undefined {
  if (json.format === 'layers-model') return 'layers';
  if (json.format === 'graph-model') return 'graph';
  const topology = json.modelTopology as Record<string, unknown>;
  if (Array.isArray(topology['node'])) return 'graph';
  if ('class_name' in topology || 'model_config' in topology) return 'layers';
  return undefined;
}

/**
 * A TensorFlow.js `IOHandler` that loads a model.json and its weight shards
 * from the local file system with node:fs (the role of tfjs-node's
 * `file://` handler, which needs the native binding).
 */
export function fileSystemHandler(modelPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = await readModelJson(modelPath);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        // Paths confined to the model's folder, sizes checked against the manifest before reading (weight-files.ts).
        const weightData = await readWeightShards(modelPath, manifest);
        return [tf.io.getWeightSpecs(manifest), weightData];
      });
    },
  };
}

/** A model read from disk, with the kind that was detected. */
export interface LoadedModel {
  model: tf.LayersModel | tf.GraphModel;
  kind: SavedModelKind;
}

/**
 * Loads a TensorFlow.js model.json (layers model or graph model, detected)
 * with its weights from the local file system. Initialises a TensorFlow.js
 * backend first if none is ready.
 * Weight paths must stay inside the model's folder, and the weight files'
 * sizes must match what the manifest lists (see weight-files.ts).
 * @throws ModelLoadError (`not-found`, `unreadable`, `invalid`, `unsafe-path` or `weight-size`)
 */
export async function loadModelFromFile(modelPath: string): Promise<LoadedModel> {
  const kind = savedModelKind(await readModelJson(modelPath));
  if (kind === undefined) throw new ModelLoadError(modelPath, 'invalid', 'its format is neither layers-model nor graph-model');
  // Weights become tensors: a backend must be ready (tfjs-node, else wasm, else cpu; see initBackend).
  await initBackend();
  try {
    const handler = fileSystemHandler(modelPath);
    const model = kind === 'layers' ? await tf.loadLayersModel(handler) : await tf.loadGraphModel(handler);
    return { model, kind };
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    throw new ModelLoadError(modelPath, 'invalid', (error as Error).message);
  }
}
