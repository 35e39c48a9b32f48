import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { ModelLoadError } from './errors.js';
import { NotRegularFileError, openRegularFile, readExactly } from './regular-file.js';

/** Bytes per stored element: the quantised dtype when a weight is quantised, else its own dtype. */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/**
 * The bytes a weight group's shards hold together, from its weight specs
 * (elements times bytes per stored element), or undefined when a weight's
 * size cannot be known in advance (string tensors).
 */
export function expectedGroupBytes(group: tf.io.WeightsManifestConfig[number]): number | undefined {
  let total = 0;
  for (const weight of group.weights) {
    const bytes = STORED_BYTES[weight.quantization?.dtype ?? weight.dtype];
    if (bytes === undefined) return undefined;
    total += weight.shape.reduce((a, b) => a * b, 1) * bytes;
  }
  return total;
}

/**
 * The real path of one weight shard, which must lie inside the model's
 * folder (after symbolic links are resolved): a manifest naming
 * `../../x.bin`, `/etc/passwd` or a link leading out of the folder is refused.
 */
async function confinedShardPath(modelPath: string, folder: string, shard: string): Promise<string> {
  const unsafe = (why: string) => new ModelLoadError(modelPath, 'unsafe-path', `its weight path '${shard}' ${why}`);
  if (typeof shard !== 'string' || shard === '' || shard.includes('\0')) throw unsafe('is not a file name');
  if (path.isAbsolute(shard) || /^[a-z][a-z0-9+.-]*:/i.test(shard)) throw unsafe('is absolute or a URL; weight paths are relative to the model.json');
  const joined = path.resolve(folder, shard);
  if (!isInside(folder, joined)) throw unsafe('leads out of the model folder');
  let real: string;
  try {
    real = await realpath(joined);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new ModelLoadError(modelPath, 'unreadable', `its weight file '${shard}' cannot be read: ${e.code ?? e.message}`);
  }
  if (!isInside(folder, real)) throw unsafe(`is a link that leads out of the model folder (to '${real}')`);
  return real;
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Reads every weight shard a manifest names, for tfjs's
 * `getModelArtifactsForJSON`: each path is confined to the model's folder,
 * each shard must be a regular file, and the shards of every group must
 * together hold exactly the bytes its weight specs describe; all of this is
 * checked on the sizes before any shard is read, so a wrong manifest costs
 * no memory.
 * @throws ModelLoadError: `unsafe-path`, `weight-size`, or `unreadable`
 */
export async function readWeightShards(modelPath: string, manifest: tf.io.WeightsManifestConfig): Promise<ArrayBuffer> {
  const folder = await realpath(path.dirname(path.resolve(modelPath)));
  const opened: { shard: string; handle: Awaited<ReturnType<typeof openRegularFile>>['handle']; size: number }[] = [];
  try {
    for (const group of manifest) {
      let groupBytes = 0;
      for (const shard of group.paths) {
        const real = await confinedShardPath(modelPath, folder, shard);
        try {
          const file = await openRegularFile(real);
          opened.push({ shard, ...file });
          groupBytes += file.size;
        } catch (error) {
          if (error instanceof NotRegularFileError) throw new ModelLoadError(modelPath, 'unsafe-path', `its weight path '${shard}' is refused: ${error.message}`);
          const e = error as NodeJS.ErrnoException;
          throw new ModelLoadError(modelPath, 'unreadable', `its weight file '${shard}' cannot be read: ${e.code ? `${e.code} (${e.message})` : e.message}`);
        }
      }
      const expected = expectedGroupBytes(group);
      if (expected !== undefined && groupBytes !== expected) {
        throw new ModelLoadError(
          modelPath,
          'weight-size',
          `its weight files ${group.paths.map((p) => `'${p}'`).join(', ')} hold ${groupBytes} bytes, but the weights listed for them need ${expected}` +
            ` (${groupBytes < expected ? 'truncated' : 'too large'}: a partial download or files from another model?)`,
        );
      }
    }
    // One buffer for all shards, read into in place: no second copy of the weights.
    const weightData = new ArrayBuffer(opened.reduce((sum, { size }) => sum + size, 0));
    let offset = 0;
    for (const { shard, handle, size } of opened) {
      const bytes = await readExactly(handle, Buffer.from(weightData, offset, size));
      if (bytes !== size) throw new ModelLoadError(modelPath, 'weight-size', `its weight file '${shard}' shrank while it was read`);
      offset += size;
    }
    return weightData;
  } finally {
    await Promise.all(opened.map(({ handle }) => handle.close()));
  }
}
