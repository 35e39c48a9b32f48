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
 * The model takes volumes (N, D, H, W, C) but the XAI methods accept only
 * 2-D images (N, H, W, C) on this build. When the methods accept 5-D input,
 * `volumeMethodsAvailable()` in medical-explain.ts turns this path on.
 */
export class VolumeModelNotSupportedError extends TfxaiError {
  constructor(readonly inputShape: readonly (number | null)[]) {
    super(
      'VOLUME_MODEL_UNSUPPORTED',
      `3-D models need volume support in the methods: not available yet (the model's input is ` +
        `[${inputShape.map((d) => d ?? 'null').join(', ')}]); use a 2-D model, which runs slice by slice along --slice-axis`,
    );
  }
}
