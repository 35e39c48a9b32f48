import sharp from 'sharp';
import { openRegularFile, readExactly } from './regular-file.js';
import { pngFacts, sameRun, type RunRecord } from './run-record.js';

/** The outputs of one map: its overlay and, with `saveMaps`, its raw map. */
export interface MapOutputs {
  /** The class the map explains; undefined for the one argmax map (its class is known only after predicting). */
  classIndex: number | undefined;
  png: string;
  npy?: string;
}

async function readWhole(file: string): Promise<Buffer | undefined> {
  try {
    const { handle, size } = await openRegularFile(file);
    try {
      const bytes = Buffer.alloc(size);
      return (await readExactly(handle, bytes)) === size ? bytes : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** True for a NumPy v1.0 float32 C-order (height, width) array whose length matches its header. */
export function npyHolds(bytes: Buffer, height: number, width: number): boolean {
  if (bytes.length < 10 || bytes[0] !== 0x93 || bytes.toString('latin1', 1, 6) !== 'NUMPY' || bytes[6] !== 1 || bytes[7] !== 0) return false;
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.toString('latin1', 10, 10 + headerLength);
  const match = /^\{'descr': '<f4', 'fortran_order': False, 'shape': \((\d+), (\d+)\), \} *\n$/.exec(header);
  return match !== null && Number(match[1]) === height && Number(match[2]) === width && bytes.length === 10 + headerLength + 4 * height * width;
}

/**
 * Whether a sample's outputs can be kept on resume: every file is there and
 * whole (the PNG's chunks and CRCs check out and it decodes; the `.npy` has
 * a valid header, the overlay's size and the right length), and every PNG
 * carries the record of a run with the same method, options, model and
 * settings, for the same class when the class is known. An empty, damaged or
 * foreign file means the sample is computed again.
 */
export async function outputsReusable(outputs: readonly MapOutputs[], run: RunRecord): Promise<boolean> {
  for (const { classIndex, png, npy } of outputs) {
    const bytes = await readWhole(png);
    const facts = bytes && pngFacts(bytes);
    if (!facts || !sameRun(facts.record, run, classIndex)) return false;
    if (npy !== undefined) {
      const map = await readWhole(npy);
      if (!map || !npyHolds(map, facts.height, facts.width)) return false;
    }
    try {
      await sharp(bytes).raw().toBuffer();
    } catch {
      return false;
    }
  }
  return true;
}
