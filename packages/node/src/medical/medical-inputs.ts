import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { looksLikeDicom } from './dicom-dataset.js';
import { isNiftiPath } from './nifti-read.js';

/** What one medical input is. */
export type MedicalInputKind = 'nifti' | 'dicom-file' | 'dicom-folder';

/** A medical input and the stem its outputs are named after. */
export interface MedicalInput {
  path: string;
  kind: MedicalInputKind;
  /** The name without .nii, .nii.gz or .dcm (a folder: its own name). */
  name: string;
}

/** Whether a file is DICOM Part 10, by extension or by its 'DICM' marker. */
async function isDicomFile(file: string): Promise<boolean> {
  if (/\.dcm$/i.test(file)) return true;
  // The preamble and marker only: 132 bytes, not the file.
  const handle = await open(file).catch(() => undefined);
  if (!handle) return false;
  try {
    const head = new Uint8Array(133);
    const { bytesRead } = await handle.read(head, 0, 133, 0);
    return looksLikeDicom(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Classifies an input path: a .nii/.nii.gz file, a DICOM file, a folder of
 * DICOM files (one series); undefined when it is none of these (an ordinary
 * image, or a folder of them), so that the image pipeline takes it.
 */
export async function medicalInputKind(input: string): Promise<MedicalInputKind | undefined> {
  const info = await stat(input).catch(() => undefined);
  if (!info) return isNiftiPath(input) || /\.dcm$/i.test(input) ? (isNiftiPath(input) ? 'nifti' : 'dicom-file') : undefined;
  if (info.isFile()) {
    if (isNiftiPath(input)) return 'nifti';
    return (await isDicomFile(input)) ? 'dicom-file' : undefined;
  }
  // A folder is a DICOM series when its first file (by name) is DICOM.
  const entries = (await readdir(input, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
  if (entries.length === 0) return undefined;
  return (await isDicomFile(path.join(input, entries[0]!.name))) ? 'dicom-folder' : undefined;
}

/** The input's name without its medical extension. */
export function medicalInputName(input: string): string {
  return path.basename(input.replace(/[\\/]+$/, '')).replace(/\.(nii\.gz|nii|dcm)$/i, '');
}
