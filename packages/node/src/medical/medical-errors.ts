import { TfxaiError } from '@tfxai/core';

/** Why a medical file or DICOM folder cannot be used (see {@link MedicalReadError}). */
export type MedicalReadReason =
  | 'corrupt'
  | 'unreadable'
  | 'unsupported'
  | 'compressed-syntax'
  | 'two-series'
  | 'missing-slice'
  | 'inconsistent-spacing'
  | 'inconsistent-geometry'
  | 'no-dicom';

const CODES: Record<MedicalReadReason, string> = {
  corrupt: 'MEDICAL_CORRUPT',
  unreadable: 'MEDICAL_UNREADABLE',
  unsupported: 'MEDICAL_UNSUPPORTED',
  'compressed-syntax': 'DICOM_COMPRESSED_SYNTAX',
  'two-series': 'DICOM_SEVERAL_SERIES',
  'missing-slice': 'DICOM_MISSING_SLICE',
  'inconsistent-spacing': 'DICOM_INCONSISTENT_SPACING',
  'inconsistent-geometry': 'DICOM_INCONSISTENT_GEOMETRY',
  'no-dicom': 'DICOM_NONE_FOUND',
};

/**
 * A NIfTI file, DICOM file or DICOM folder could not be read into a volume
 * with its geometry. The medical pipeline reports it per input and goes on.
 */
export class MedicalReadError extends TfxaiError {
  constructor(
    /** The file or folder that failed. */
    readonly input: string,
    /** What was wrong, as a stable reason (the `code` says the same). */
    readonly reason: MedicalReadReason,
    detail: string,
  ) {
    super(CODES[reason], `cannot read '${input}': ${detail}`);
  }
}

/**
 * A scan that a 3-D model (input (N, D, H, W, C)) cannot take as it is: a
 * single 2-D image (one slice), or a channel count other than the model's.
 * Reported per input; the run goes on.
 */
export class VolumeInputError extends TfxaiError {
  constructor(
    /** The file or folder. */
    readonly input: string,
    detail: string,
  ) {
    super('VOLUME_INPUT_MISMATCH', `cannot explain '${input}' with a 3-D model: ${detail}`);
  }
}
