// The messages between xaiDecoder's thread and its decoder worker threads, and
// how errors and results cross the thread boundary (structured clone keeps
// neither error classes nor their typed fields, so both are rebuilt here).
import * as core from '@tfxai/core';
import type { ColormapName } from './colormaps.js';
import type { SampleResult } from './decoder-options.js';
import type { RunSettings } from './decoder-run.js';
import * as nodeErrors from './errors.js';
import type { StandardizeMode } from './preprocessing.js';
import type { PlannedItem } from './run-plan.js';

/** Everything a worker needs to build its own pipeline: plain data, sent as `workerData`. */
export interface WorkerSetup {
  /** Which worker this is (0-based), for crash reports. */
  index: number;
  /** Absolute path of the model.json: each worker loads its own copy. */
  modelPath: string;
  /** The method's registry name, looked up in the worker's default registry. */
  method: string;
  methodOptions: Record<string, unknown> | undefined;
  layerName: string | undefined;
  /** Plugin module URLs, resolved in the parent (a worker would resolve bare names from its own file). */
  plugins: string[];
  /** The backend the parent uses, so results match the in-thread run. */
  backend: string;
  inputSize: readonly [number, number] | undefined;
  channels: 1 | 3 | undefined;
  standardize: StandardizeMode;
  /** Reverse RGB to BGR before standardisation (the model's metadata says channelOrder 'bgr'). */
  reverseChannels: boolean;
  settings: Omit<RunSettings, 'signal'>;
  overlay: { alpha: number; colormap: ColormapName };
}

/** Parent to worker. `work` with no items means there is no more. */
export type ToWorker = { type: 'work'; items: PlannedItem[] } | { type: 'abort' };

/** Worker to parent. */
export type FromWorker =
  | { type: 'ready'; declaredClasses: number | undefined }
  | { type: 'setup-failed'; error: WireError }
  | { type: 'need-work' }
  /** The worker starts explaining this image: if the thread dies now, this image is the one that failed. */
  | { type: 'explaining'; position: number }
  | { type: 'sample'; position: number; result: WireSampleResult }
  | { type: 'finished'; aborted: boolean }
  | { type: 'failed'; error: WireError };

/** An error as plain data: its class name, whether it is a TfxaiError, and its own fields (code, file, reason, ...). */
export interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
  tfxai: boolean;
  fields: Record<string, unknown>;
}

/** A SampleResult with its error as plain data. */
export type WireSampleResult = Omit<SampleResult, 'error'> & { error?: WireError };

/** Every typed error class of tfxai, by name: a rebuilt error is an instance of the same class. */
const TYPED_ERRORS: Record<string, { prototype: Error }> = Object.fromEntries(
  [...Object.values(core), ...Object.values(nodeErrors)]
    .filter((value): value is typeof core.TfxaiError => typeof value === 'function' && (value === core.TfxaiError || value.prototype instanceof core.TfxaiError))
    .map((errorClass) => [errorClass.name, errorClass]),
);

const STANDARD_ERRORS: Record<string, { prototype: Error }> = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), stack: undefined, tfxai: false, fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) if (cloneable(value)) fields[key] = value;
  return { name: error.name, message: error.message, stack: error.stack, tfxai: error instanceof core.TfxaiError, fields };
}

/**
 * The error again, as an instance of its class when tfxai defines it (a
 * plugin's own TfxaiError subclass becomes a TfxaiError with the same name
 * and code), with its fields, message and the worker's stack.
 */
export function fromWireError(wire: WireError): Error {
  const errorClass = wire.tfxai ? (TYPED_ERRORS[wire.name] ?? core.TfxaiError) : (STANDARD_ERRORS[wire.name] ?? Error);
  const error = Object.create(errorClass.prototype) as Error;
  Object.assign(error, wire.fields);
  Object.defineProperty(error, 'message', { value: wire.message, writable: true, configurable: true });
  Object.defineProperty(error, 'stack', { value: wire.stack, writable: true, configurable: true });
  if (error.name !== wire.name) Object.defineProperty(error, 'name', { value: wire.name, writable: true, configurable: true });
  return error;
}

/** A typed array that owns its whole buffer can be moved; a view into a larger buffer is copied first. */
function ownBuffer(data: Float32Array): Float32Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer ? data : data.slice();
}

/** The result as plain data, and the buffers to move (not copy) to the parent. */
export function toWireSample(result: SampleResult): { result: WireSampleResult; transfer: ArrayBuffer[] } {
  const { error, image, maps, ...rest } = result;
  const wire: WireSampleResult = { ...rest };
  const transfer: ArrayBuffer[] = [];
  if (error) wire.error = toWireError(error);
  if (image) {
    wire.image = { ...image, data: ownBuffer(image.data) };
    transfer.push(wire.image.data.buffer as ArrayBuffer);
  }
  if (maps) {
    wire.maps = maps.map(({ classIndex, map }) => ({ classIndex, map: ownBuffer(map) }));
    transfer.push(...wire.maps.map(({ map }) => map.buffer as ArrayBuffer));
  }
  return { result: wire, transfer: [...new Set(transfer)] };
}

export function fromWireSample(wire: WireSampleResult): SampleResult {
  const { error, ...rest } = wire;
  return error ? { ...rest, error: fromWireError(error) as core.TfxaiError } : rest;
}
