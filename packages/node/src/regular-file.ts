import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** What a path turned out to be when it is not a regular file. */
export type SpecialFileKind = 'folder' | 'FIFO' | 'socket' | 'character device' | 'block device' | 'special file';

/** A path that is not a regular file (a FIFO, a device, a socket, a folder): refused before a byte is read. */
export class NotRegularFileError extends Error {
  constructor(readonly file: string, readonly kind: SpecialFileKind) {
    super(`it is a ${kind}, not a regular file`);
  }
}

/**
 * Opens a file for reading only if it is a regular file, and returns the
 * handle with its size. The open is non-blocking, so a FIFO without a writer
 * (which a plain open would wait on forever) is refused at once, and so are
 * devices such as /dev/zero (which never end). The caller closes the handle.
 * @throws NotRegularFileError, or the file system's own error (ENOENT, EACCES, ...)
 */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const kind: SpecialFileKind = info.isDirectory()
        ? 'folder'
        : info.isFIFO()
          ? 'FIFO'
          : info.isSocket()
            ? 'socket'
            : info.isCharacterDevice()
              ? 'character device'
              : info.isBlockDevice()
                ? 'block device'
                : 'special file';
      throw new NotRegularFileError(file, kind);
    }
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Fills `target` from the start of an open file; returns the bytes read (fewer than its length only if the file is shorter). */
export async function readExactly(handle: FileHandle, target: Uint8Array): Promise<number> {
  let filled = 0;
  while (filled < target.length) {
    const { bytesRead } = await handle.read(target, filled, target.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}
