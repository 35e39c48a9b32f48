import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { minMaxNormalize, toImageBatch, type XaiMethod } from '@tfxai/core';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (tests run from packages/node/dist/test). */
export const REPO_ROOT = path.resolve(here, '../../../..');
export const EXAMPLE_DIR = path.join(REPO_ROOT, 'examples/synthetic-shapes');
export const EXAMPLE_MODEL = path.join(EXAMPLE_DIR, 'model/model.json');
export const EXAMPLE_IMAGES = path.join(EXAMPLE_DIR, 'images');

/** A fresh temporary folder; `cleanup` removes it. */
export async function tempFolder(prefix = 'tfxai-node-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
}

/** Every file below `folder`, relative, sorted. */
export async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(folder, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
    .sort();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A PNG written by hand (independent of sharp): 8 or 16 bits, 1 (gray),
 * 2 (gray + alpha), 3 (RGB) or 4 (RGBA) channels, no filtering.
 */
export function encodeTestPng(width: number, height: number, channels: 1 | 2 | 3 | 4, bits: 8 | 16, values: ArrayLike<number>): Buffer {
  const colorType = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels];
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = bits;
  header[9] = colorType;
  const bytesPerSample = bits / 8;
  const rowBytes = width * channels * bytesPerSample;
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * channels; i++) {
      const offset = y * (rowBytes + 1) + 1 + i * bytesPerSample;
      const v = values[y * width * channels + i]!;
      if (bits === 16) raw.writeUInt16BE(v, offset);
      else raw[offset] = v;
    }
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A test method whose heatmap is known without any model: the min-max
 * normalised first channel of the (preprocessed) input. Counts its calls.
 */
export class FirstChannelMethod implements XaiMethod {
  readonly name = 'first-channel';
  calls: { classIndex: number; shape: number[] }[] = [];
  async computeHeatmap(image: tf.Tensor, classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
    this.calls.push({ classIndex, shape: image.shape });
    const batch = toImageBatch(image);
    const map = tf.tidy(() => minMaxNormalize(batch.slice([0, 0, 0, 0], [1, -1, -1, 1]).reshape(batch.shape.slice(1, 3)) as tf.Tensor2D, eps));
    batch.dispose();
    return map;
  }
}

/** A function model scoring each image by its mean intensity: softmax of -|mean - centre_c| with the class centres spread over 0..255. */
export function meanScoreModel(numClasses = 3): (x: tf.Tensor4D) => tf.Tensor2D {
  return (x) =>
    tf.tidy(() => {
      const mean = tf.mean(x, [1, 2, 3]).reshape([-1, 1]);
      const centres = tf.linspace(0, 255, numClasses).reshape([1, numClasses]);
      return tf.softmax(tf.neg(tf.abs(tf.sub(mean, centres)))) as tf.Tensor2D;
    });
}

/** A small 8-bit RGB PNG whose pixels depend on `seed` (default 8 x 6). */
export function testPng(seed: number, width = 8, height = 6): Buffer {
  return encodeTestPng(width, height, 3, 8, Array.from({ length: width * height * 3 }, (_, i) => (i * 29 + seed * 67) % 256));
}
