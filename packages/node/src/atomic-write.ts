import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { TfxaiError } from '@tfxai/core';

/** Suffix of the temporary files {@link writeFileAtomic} makes; nothing else ends in it. */
export const TEMP_SUFFIX = '.tfxai-tmp';

/** `.<name>.<pid>-<random>.tfxai-tmp` beside the target, so rename never crosses file systems. */
function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/**
 * Writes a file so that it appears whole or not at all: the bytes go to a
 * temporary file in the same folder, are flushed to disk, and the file is
 * renamed over the target. On failure the temporary file is removed.
 */
export async function writeFileAtomic(target: string, data: Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files that a killed run left in `folder` (those whose
 * writing process no longer exists). Returns how many were removed.
 */
export async function removeStaleTempFiles(folder: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(folder)) {
    const match = /\.(\d+)-[0-9a-f]+\.tfxai-tmp$/.exec(name);
    if (!match || processAlive(Number(match[1]))) continue;
    await unlink(path.join(folder, name)).then(() => removed++, () => {});
  }
  return removed;
}

/**
 * {@link writeFileAtomic} for a run's outputs: a failure is a typed
 * `OUTPUT_WRITE_FAILED` error naming the file (the run reports it for that
 * input and goes on).
 * @returns `target`
 */
export async function writeOutputFile(target: string, data: Uint8Array): Promise<string> {
  try {
    await writeFileAtomic(target, data);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new TfxaiError('OUTPUT_WRITE_FAILED', `cannot write '${target}': ${e.code ?? ''} ${e.message}`.trim());
  }
  return target;
}
