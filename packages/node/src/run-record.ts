import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { isGraphModel, isLayersModel, type ModelLike, type XaiMethod } from '@tfxai/core';
import { ModelLoadError } from './errors.js';
import { openRegularFile, readExactly } from './regular-file.js';
import { readWeightShards } from './weight-files.js';

/**
 * What made an output file: written into every overlay PNG (a `tEXt` chunk
 * with the keyword {@link RECORD_KEYWORD}), so that `resume` skips only the
 * outputs that this same run setup wrote. Plain data, the same in every
 * worker thread; no time stamps, so runs stay byte for byte reproducible.
 */
export interface RunRecord {
  /** The method's registry name, or `instance:<name>` for a method instance (whose options tfxai cannot see). */
  method: string;
  /** The method options (with `layerName`), keys sorted; null for a method instance. */
  options: unknown;
  /** `sha256:<hex>` of the model's files (model.json and weights) or of its weights in memory; `function` when it has neither. */
  model: string;
  /** Preprocessing: standardisation mode (`function` for a user's own), input size and channels as given. */
  standardize: string;
  inputSize: readonly number[] | null;
  channels: number | null;
  eps: number;
  alpha: number;
  colormap: string;
}

/** The record of one file: the run's, plus the class its map explains. */
export interface OutputRecord extends RunRecord {
  /** The class explained. */
  classIndex: number;
}

/** The PNG text keyword tfxai's record is stored under. */
export const RECORD_KEYWORD = 'tfxai-run';

/** JSON with object keys sorted at every level (one text per value, whatever the key order it was given in). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * Options as data that can be recorded: plain JSON values only. Anything else
 * (a tensor, a function, NaN) has no stable text, so such a run's outputs are
 * never reused: its record says `unrecordable`, which matches nothing.
 */
function recordableOptions(options: Record<string, unknown>): unknown {
  const plain = (v: unknown): boolean =>
    v === null ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    (typeof v === 'number' && Number.isFinite(v)) ||
    (Array.isArray(v) && v.every(plain)) ||
    (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && Object.values(v as object).every(plain));
  return plain(options) ? JSON.parse(canonicalJson(options)) : `unrecordable:${Math.random()}`;
}

function sha256(parts: Iterable<Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The identity of a model: for a model.json path, the hash of its text and
 * of its weight files (read with the same confinement and size checks as
 * loading); for a layers or graph model in memory, the hash of its weights'
 * order, shapes and values; `function` for a function or adapter.
 */
export async function modelIdentity(model: string | ModelLike): Promise<string> {
  if (typeof model === 'string') {
    const { handle, size } = await openRegularFile(model).catch((error: Error) => {
      throw new ModelLoadError(model, 'unreadable', error.message);
    });
    const text = Buffer.alloc(size);
    try {
      await readExactly(handle, text);
    } finally {
      await handle.close();
    }
    const manifest = (JSON.parse(text.toString('utf8')) as tf.io.ModelJSON).weightsManifest;
    const weights = manifest ? new Uint8Array(await readWeightShards(model, manifest)) : new Uint8Array();
    return sha256([text, weights]);
  }
  // In order, without names: tfjs makes layer names unique per process, so the same weights loaded twice differ in name only.
  const tensors: tf.Tensor[] = isLayersModel(model) ? model.weights.map((w) => w.read()) : isGraphModel(model) ? Object.values(model.weights).flat() : [];
  if (tensors.length === 0) return 'function';
  const parts: Uint8Array[] = [];
  for (const [index, tensor] of tensors.entries()) {
    parts.push(Buffer.from(`${index}|${tensor.dtype}|${tensor.shape.join(',')}|`));
    const values = await tensor.data();
    parts.push(values instanceof Uint8Array || Array.isArray(values) ? Buffer.from(String(values)) : new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return sha256(parts);
}

/** The run's record from its options (see {@link RunRecord}). */
export function runRecord(setup: {
  method: string | XaiMethod;
  methodOptions?: Record<string, unknown> | undefined;
  layerName?: string | undefined;
  model: string;
  standardize: unknown;
  inputSize?: readonly number[] | undefined;
  channels?: number | undefined;
  eps?: number | undefined;
  alpha: number;
  colormap: string;
}): RunRecord {
  const named = typeof setup.method === 'string';
  const options = { ...(setup.methodOptions ?? {}), ...(setup.layerName !== undefined ? { layerName: setup.layerName } : {}) };
  return {
    method: named ? (setup.method as string) : `instance:${(setup.method as XaiMethod).name}`,
    options: named ? recordableOptions(options) : null,
    model: setup.model,
    standardize: typeof setup.standardize === 'function' ? 'function' : String(setup.standardize),
    inputSize: setup.inputSize ? [...setup.inputSize] : null,
    channels: setup.channels ?? null,
    eps: setup.eps ?? 1e-8,
    alpha: setup.alpha,
    colormap: setup.colormap,
  };
}

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(type)), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * The PNG with the record added as a `tEXt` chunk right after its header
 * (the text is JSON with non-ASCII characters escaped, so Latin-1 holds it).
 */
export function embedRecord(png: Uint8Array, record: OutputRecord): Buffer {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const ascii = canonicalJson(record).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const text = chunk('tEXt', Buffer.concat([Buffer.from(RECORD_KEYWORD, 'latin1'), Buffer.from([0]), Buffer.from(ascii, 'latin1')]));
  // The signature (8) and IHDR (4 + 4 + 13 + 4) come first in every PNG.
  const afterHeader = 8 + 25;
  return Buffer.concat([bytes.subarray(0, afterHeader), text, bytes.subarray(afterHeader)]);
}

/** What a structurally checked PNG holds: its size and tfxai's record, if any. */
export interface PngFacts {
  width: number;
  height: number;
  record: OutputRecord | undefined;
}

/**
 * Walks a PNG's chunks: the signature, every chunk's CRC, IHDR first and
 * IEND last with nothing after it. Returns undefined for anything else (an
 * empty, truncated or damaged file).
 */
export function pngFacts(bytes: Buffer): PngFacts | undefined {
  if (bytes.length < 8 + 25 + 12 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  let offset = 8;
  let record: OutputRecord | undefined;
  let width = 0;
  let height = 0;
  for (let index = 0; offset + 12 <= bytes.length; index++) {
    const length = bytes.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) return undefined;
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (zlib.crc32(data, zlib.crc32(type)) !== bytes.readUInt32BE(offset + 8 + length)) return undefined;
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) return undefined;
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    }
    if (type === 'tEXt') {
      const zero = data.indexOf(0);
      if (zero > 0 && data.toString('latin1', 0, zero) === RECORD_KEYWORD) {
        try {
          record = JSON.parse(data.toString('latin1', zero + 1)) as OutputRecord;
        } catch {
          return undefined;
        }
      }
    }
    offset = end;
    if (type === 'IEND') return offset === bytes.length ? { width, height, record } : undefined;
  }
  return undefined;
}

/** True when the record was written by a run with this record (and, when given, for this class). */
export function sameRun(found: OutputRecord | undefined, run: RunRecord, classIndex: number | undefined): boolean {
  if (!found || typeof found !== 'object') return false;
  const { classIndex: foundClass, ...foundRun } = found;
  if (classIndex !== undefined && foundClass !== classIndex) return false;
  return canonicalJson(foundRun) === canonicalJson(run);
}
